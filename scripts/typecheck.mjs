// Type-checks each part of the project with its own tsconfig, so each part sees only the APIs of where it runs:
// shared/ without Node or DOM types, the renderer without Node types, the engine without DOM types.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const PROJECTS = [
  'shared/tsconfig.json',
  'electron/engine/tsconfig.json',
  'electron/cli/tsconfig.json',
  'electron/main/tsconfig.json',
  'electron/preload/tsconfig.json',
  'renderer/tsconfig.json',
  'scripts/lab/tsconfig.json',
  'test/tsconfig.json',
  'bench/tsconfig.json',
];

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
let failed = 0;
for (const project of PROJECTS) {
  const started = Date.now();
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', project], { stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`typecheck ${project}: ${r.status === 0 ? 'ok' : 'FAILED'} (${seconds} s)`);
  if (r.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
