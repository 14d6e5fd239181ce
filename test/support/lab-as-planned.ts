// Runs before every integration test file: each file starts from the lab as planned. A VM the lab runs that is
// not running (a test killed its host, its QEMU died) is brought back with `lab up`, and the repair is printed
// with the file about to run, so a run's output says which earlier file left the lab broken.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { beforeAll, expect } from 'vitest';
import type { LabJson } from '../../scripts/lab/lab-json.ts';
import { LAB_DIR } from './lab.js';

function runningVms(lab: LabJson): Set<string> {
  const names = new Set<string>();
  for (const host of lab.hosts) {
    const r = spawnSync('virsh', ['-c', host.uri.unix, 'list', '--name', '--state-running'], { encoding: 'utf8', timeout: 60_000 });
    for (const name of (r.stdout ?? '').split('\n')) if (name.trim()) names.add(name.trim());
  }
  return names;
}

beforeAll(() => {
  const file = join(LAB_DIR, 'lab.json');
  // No lab: the file's own requireLab() says so, clearly.
  if (!existsSync(file)) return;
  const lab = JSON.parse(readFileSync(file, 'utf8')) as LabJson;
  const running = runningVms(lab);
  const down = lab.vms.filter((vm) => vm.planned === 'running' && !running.has(vm.name)).map((vm) => vm.name);
  if (down.length === 0) return;
  const testFile = relative(process.cwd(), expect.getState().testPath ?? '?');
  console.warn(`lab-as-planned: before ${testFile}: ${down.join(', ')} not running; repairing with \`lab up\``);
  const up = spawnSync(process.execPath, [resolve('scripts/lab/lab.ts'), 'up'], { encoding: 'utf8', timeout: 300_000 });
  if (up.status !== 0) throw new Error(`lab up could not repair the lab before ${testFile}:\n${up.stdout}${up.stderr}`);
  const still = lab.vms.filter((vm) => vm.planned === 'running' && !runningVms(lab).has(vm.name)).map((vm) => vm.name);
  if (still.length > 0) throw new Error(`after lab up, still not running: ${still.join(', ')}\n${up.stdout}${up.stderr}`);
}, 300_000);
