// The `lifeboat` launcher, started as `node lifeboat.mjs ...` (no flags), runs the CLI with the engine's V8 flags
// as the process it was started as, so a signal or `kill` sent to it reaches the CLI itself.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_V8_FLAGS } from '../../../electron/engine/v8-flags.js';
import { startServe } from '../../support/headless.js';
import { makeTempDir } from '../../support/temp.js';

/** The command line a running process has now (after any exec), word by word. */
function commandLineOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((word) => word !== '');
}

describe('the lifeboat launcher', () => {
  let temp: ReturnType<typeof makeTempDir>;
  beforeAll(() => (temp = makeTempDir('cli-launcher')));
  afterAll(() => temp.remove());

  it('becomes the CLI, in the same process, with the engine V8 flags once each', async () => {
    const serve = await startServe(temp.dir);
    try {
      const words = commandLineOf(serve.child.pid!);
      expect(words).toContain('serve');
      for (const flag of ENGINE_V8_FLAGS) expect(words.filter((word) => word === flag)).toHaveLength(1);
      // The process answers as the server: the launcher did not stay behind with the CLI in a child.
      const response = await fetch(`http://127.0.0.1:${serve.port}/`);
      expect(response.status).toBeLessThan(500);
    } finally {
      // SIGTERM reached the CLI's own handler, which shut the server down and exited cleanly.
      expect(await serve.stop()).toBe(0);
    }
  });
});
