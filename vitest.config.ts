import { defineConfig } from 'vitest/config';

// Three projects: unit (pure logic, the stores, the catalog), contract (every IPC transport through one suite)
// and e2e (the built app in headless Chromium against `lifeboat serve`). `npm test` builds first, then runs all.
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
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // One browser at a time: the machines that run these have two cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
