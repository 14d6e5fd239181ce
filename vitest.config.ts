import { defineConfig } from 'vitest/config';

// Four projects: unit (pure logic, the stores, the catalog), contract (every IPC transport through one suite),
// integration (against the real libvirt lab: `npm test` brings it up when it is not) and e2e (the built app in headless Chromium
// against `lifeboat serve`). `npm test` builds first, then runs all.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/unit/**/*.test.ts', 'renderer/src/**/*.test.{ts,tsx}', 'scripts/**/*.test.ts'],
        },
      },
      {
        test: { name: 'contract', environment: 'node', include: ['test/contract/**/*.test.ts'] },
      },
      {
        test: {
          name: 'integration',
          environment: 'node',
          // After unit and contract, before e2e: the two lab users never run at the same time.
          sequence: { groupOrder: 1 },
          include: ['test/integration/**/*.test.ts'],
          // Each file starts from the lab as planned; a repair is printed naming the file about to run.
          setupFiles: ['test/support/lab-as-planned.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // The lab is one shared cluster: files that migrate VMs or kill hosts must not overlap.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          sequence: { groupOrder: 2 },
          include: ['test/e2e/**/*.test.ts'],
          setupFiles: ['test/support/lab-as-planned.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // One browser at a time: the machines that run these have two cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
