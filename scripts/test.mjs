// `npm test`: build, type-check every part, lint, then run all test projects. The integration and end-to-end
// tests run against the real libvirt lab: a lab that is already up is used as it is; otherwise this brings one
// up for the run (it needs root) and takes it down afterwards, whatever the tests' outcome.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { projectRoot } from './node22.mjs';

const node = process.execPath;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(label, command, args) {
  const started = Date.now();
  const r = spawnSync(command, args, { cwd: projectRoot, stdio: 'inherit', shell: process.platform === 'win32' });
  console.log(`test: ${label} ${r.status === 0 ? 'passed' : 'FAILED'} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  return r.status === 0;
}

function lab(command) {
  return spawnSync(node, [resolve(projectRoot, 'scripts/lab/lab.ts'), command], { cwd: projectRoot, stdio: command === 'status' ? 'ignore' : 'inherit' }).status === 0;
}

if (!run('build', npm, ['run', 'build']) || !run('typecheck', npm, ['run', 'typecheck']) || !run('lint', npm, ['run', 'lint'])) {
  process.exit(1);
}

let startedLab = false;
if (!lab('status')) {
  if (process.getuid?.() !== 0) {
    console.error('test: the integration and end-to-end tests need the libvirt lab, which needs root to start (npm run lab:up).');
    process.exit(1);
  }
  console.log('test: bringing the lab up for this run');
  if (!lab('up')) process.exit(1);
  startedLab = true;
}

const report = resolve(projectRoot, 'test-output', 'vitest-report.json');
const passed = run('vitest', node, [
  resolve(projectRoot, 'node_modules/vitest/vitest.mjs'),
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${report}`,
  ...process.argv.slice(2),
]);
if (startedLab) lab('down');
// One plain closing line with the counts, whatever reporter output came before it.
try {
  const results = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = results.numPendingTests + results.numTodoTests;
  // A file can fail with every test passed (a failing beforeAll/afterAll): its count says so too.
  const failedFiles = results.testResults.filter((file) => file.status === 'failed').length;
  console.log(
    `${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped > 0 ? `, ${skipped} skipped` : ''}; ` +
      `${failedFiles} of ${results.testResults.length} test files failed`,
  );
} catch (error) {
  console.error(`test: no vitest report at ${report}: ${error.message}`);
}
process.exit(passed ? 0 : 1);
