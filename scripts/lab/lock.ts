// One `up` or `down` at a time per lab dir: test runners may call `lab:up` from several processes at once, and two
// runs would start daemons over each other. The second waits for the first, then finds the lab up.
import { existsSync, linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, sleep } from './exec.ts';

export const LOCK_FILE = '.lifeboat-lab.lock';
const WAIT_LIMIT_MS = 10 * 60_000;

export async function withLabLock<T>(labDir: string, log: (line: string) => void, fn: () => Promise<T>): Promise<T> {
  const path = join(labDir, LOCK_FILE);
  const deadline = Date.now() + WAIT_LIMIT_MS;
  let announced = false;
  for (;;) {
    // Written aside and hard-linked into place: the lock file never exists half-written.
    const tmp = `${path}.${process.pid}`;
    writeFileSync(tmp, `${process.pid}\n`);
    try {
      linkSync(tmp, path);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      rmSync(tmp, { force: true });
    }
    const holder = existsSync(path) ? Number.parseInt(readFileSync(path, 'utf8'), 10) : Number.NaN;
    if (Number.isInteger(holder) && isAlive(holder)) {
      if (Date.now() > deadline) throw new Error(`another lab command (pid ${holder}) has held ${path} for over ${WAIT_LIMIT_MS / 60_000} minutes`);
      if (!announced) log(`waiting for another lab command (pid ${holder}) to finish`);
      announced = true;
      await sleep(250);
    } else {
      // Left by a lab command that died.
      rmSync(path, { force: true });
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { force: true });
  }
}
