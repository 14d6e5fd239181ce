import { describe, expect, it } from 'vitest';
import { main } from '../../../electron/cli/main.js';
import { LATEST_SCHEMA_VERSION } from '../../../electron/engine/catalog/migrations.js';
import { makeTempDir } from '../../support/temp.js';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('lifeboat CLI', () => {
  it('prints help listing the commands, and per-command help', async () => {
    const help = await run('--help');
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/Usage: lifeboat <command>/);
    expect(help.out).toMatch(/serve\s+Run Lifeboat headless/);
    const serveHelp = await run('serve', '--help');
    expect(serveHelp.out).toContain('--port N');
    expect(serveHelp.out).toContain('--data-dir DIR');
  });

  it('gives bad input a clear one-line error and exit code 2, as JSON with --json', async () => {
    expect(await run('frobnicate')).toMatchObject({ code: 2, err: expect.stringMatching(/unknown command "frobnicate"/) });
    expect(await run('serve', '--port', '99999')).toMatchObject({ code: 2, err: expect.stringContaining('--port must be') });
    expect(await run('serve', '--colour')).toMatchObject({ code: 2, err: expect.stringMatching(/Unknown option '--colour'/) });
    const json = await run('serve', '--port', 'x', '--json');
    expect(JSON.parse(json.out)).toEqual({ error: { code: 'invalid_argument', message: expect.stringContaining('--port') } });
  });

  it('info reports the data folder and catalog schema, creating the catalog', async () => {
    const temp = makeTempDir('cli');
    try {
      const r = await run('info', '--data-dir', temp.dir, '--json');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out)).toMatchObject({ name: 'Lifeboat', dataDir: temp.dir, catalogSchemaVersion: LATEST_SCHEMA_VERSION, mode: 'headless' });
    } finally {
      temp.remove();
    }
  });

  it('verify checks a repository and run-scheduled says when nothing is due', async () => {
    const temp = makeTempDir('cli');
    try {
      const data = `${temp.dir}/data`;
      expect((await run('verify', '--data-dir', data)).err).toMatch(/no repository/);
      expect((await run('repo', 'init', `${temp.dir}/repo`, '--data-dir', data)).code).toBe(0);
      const verify = await run('verify', '--data-dir', data, '--json');
      expect(verify.code).toBe(0);
      expect(JSON.parse(verify.out)).toMatchObject({ pointsChecked: 0, chunksChecked: 0, badChunks: [], damagedManifests: [] });
      expect(await run('run-scheduled', '--data-dir', data)).toMatchObject({ code: 0, out: 'No schedule is due.' });
    } finally {
      temp.remove();
    }
  });
});
