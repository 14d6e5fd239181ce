// Where headless mode gets the secrets passphrase (file or flag, environment, OS keyring, a prompt without echo),
// and the CLI end to end: `lifeboat secrets`, laziness of commands that need no secret, errors that say what to do.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../electron/cli/main.js';
import { createCliPassphraseProvider, readHiddenLine, type PromptTerminal } from '../../../electron/cli/secrets-passphrase.js';
import { systemClock } from '../../../electron/engine/clock.js';
import { createEngine } from '../../../electron/engine/engine.js';
import { forgetKnownSecrets } from '../../../electron/engine/logging/known-secrets.js';
import { createHeadlessSecretStore } from '../../../electron/engine/secrets/headless-secret-store.js';
import { detectOsPassphraseStore } from '../../../electron/engine/secrets/os-passphrase-store.js';
import { dataDirLayout } from '../../../electron/engine/paths.js';
import { createMemoryLogger } from '../../support/logger.js';
import { makeTempDir } from '../../support/temp.js';

const PASSPHRASE = 'cli-secrets-passphrase-42';
const REQUEST = { interactive: true, creating: false, retry: false };

/** A terminal that answers each question (a write ending in ": ") with the next answer, and records what was shown. */
function fakeTerminal(answers: string[]): PromptTerminal & { shown: () => string; rawModes: boolean[] } {
  const rawModes: boolean[] = [];
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: (mode: boolean) => rawModes.push(mode) });
  let shown = '';
  const terminal = {
    input,
    output: {
      write(text: string) {
        shown += text;
        if (text.endsWith(': ')) {
          const answer = answers.shift();
          if (answer !== undefined) setImmediate(() => input.write(answer));
        }
        return true;
      },
    },
    shown: () => shown,
    rawModes,
  };
  return terminal;
}

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('headless passphrase sources', () => {
  let temp: ReturnType<typeof makeTempDir>;
  const { logger, records } = createMemoryLogger();
  beforeEach(() => (temp = makeTempDir('passphrase-sources')));
  afterEach(() => temp.remove());

  const provide = (env: NodeJS.ProcessEnv, extra: { flagFile?: string; terminal?: PromptTerminal } = {}) =>
    createCliPassphraseProvider({ dataDir: temp.dir, env, osStore: null, terminal: extra.terminal ?? null, logger, flagFile: extra.flagFile });

  it('takes the flag file first, then the file variable, then the variable; the first line of a file only', async () => {
    const flagFile = join(temp.dir, 'flag-pass');
    const envFile = join(temp.dir, 'env-pass');
    writeFileSync(flagFile, 'from-the-flag-file\nsecond line ignored\n', { mode: 0o600 });
    writeFileSync(envFile, 'from-the-env-file\r\n', { mode: 0o600 });
    const env = { LIFEBOAT_SECRETS_PASSPHRASE_FILE: envFile, LIFEBOAT_SECRETS_PASSPHRASE: 'from-the-variable' };
    expect(await provide({ ...env }, { flagFile }).get(REQUEST)).toMatchObject({ value: 'from-the-flag-file', from: expect.stringContaining('--secrets-passphrase-file') });
    expect(await provide({ ...env }).get(REQUEST)).toMatchObject({ value: 'from-the-env-file', from: expect.stringContaining('LIFEBOAT_SECRETS_PASSPHRASE_FILE') });
    expect(await provide({ LIFEBOAT_SECRETS_PASSPHRASE: 'from-the-variable' }).get(REQUEST)).toMatchObject({ value: 'from-the-variable', canRetry: false });
    expect(await provide({}).get(REQUEST)).toBeNull();
  });

  it('takes the passphrase variable out of the environment, so the processes it starts do not inherit it', () => {
    const env: NodeJS.ProcessEnv = { LIFEBOAT_SECRETS_PASSPHRASE: 'scrubbed-passphrase', PATH: '/usr/bin' };
    provide(env);
    expect(env).toEqual({ PATH: '/usr/bin' });
  });

  it('says which file it cannot use, never what is in it, and warns about a file others can read', async () => {
    const missing = join(temp.dir, 'nope');
    await expect(provide({}, { flagFile: missing }).get(REQUEST)).rejects.toThrow(`cannot read the secrets passphrase from the file ${missing} (--secrets-passphrase-file): ENOENT`);
    const empty = join(temp.dir, 'empty');
    writeFileSync(empty, '\nsecret-on-line-two\n');
    const error = (await provide({}, { flagFile: empty })
      .get(REQUEST)
      .then(
        () => null,
        (e: unknown) => e as Error,
      ))!;
    expect(error.message).toMatch(/has an empty first line/);
    expect(error.message).not.toContain('secret-on-line-two');
    if (process.platform !== 'win32') {
      const open = join(temp.dir, 'world-readable');
      writeFileSync(open, 'readable-by-all\n');
      chmodSync(open, 0o644);
      await provide({}, { flagFile: open }).get(REQUEST);
      expect(records.some((r) => r.level === 'warn' && r.message.includes('can be read by other users'))).toBe(true);
    }
  });

  it('prompts on a terminal without echo, asking twice for a new one; never for a request that must not ask', async () => {
    const terminal = fakeTerminal(['typed-passphrase\r']);
    const offer = await provide({}, { terminal }).get(REQUEST);
    expect(offer).toMatchObject({ value: 'typed-passphrase', from: 'the prompt', canRetry: true });
    expect(terminal.shown()).not.toContain('typed-passphrase');
    expect(terminal.rawModes).toEqual([true, false]);

    const creating = fakeTerminal(['short\r', 'first-choice-1\r', 'mismatch-2\r', 'final-choice-3\r', 'final-choice-3\r']);
    expect(await provide({}, { terminal: creating }).get({ interactive: true, creating: true, retry: false })).toMatchObject({ value: 'final-choice-3' });
    expect(creating.shown()).toMatch(/Too short[\s\S]*did not match/);
    expect(creating.shown()).not.toMatch(/first-choice|final-choice/);

    const untouched = fakeTerminal(['never-read\r']);
    expect(await provide({}, { terminal: untouched }).get({ interactive: false, creating: true, retry: false })).toBeNull();
    expect(untouched.shown()).toBe('');
  });

  it('reads a line with backspace, and end of input as no answer', async () => {
    const edited = fakeTerminal(['abcx\u007fd\r']);
    expect(await readHiddenLine(edited, 'Q: ')).toBe('abcd');
    const ended = fakeTerminal(['\u0004']);
    expect(await readHiddenLine(ended, 'Q: ')).toBeNull();
  });

  it('finds the passphrase in the Secret Service keyring through secret-tool, only with a session bus', async () => {
    const bin = join(temp.dir, 'bin');
    mkdirSync(bin);
    const calls = join(temp.dir, 'calls');
    // A stand-in for libsecret-tools' secret-tool: records its arguments, answers lookups like the real one (no newline).
    writeFileSync(join(bin, 'secret-tool'), `#!/bin/sh\necho "$@" >> '${calls}'\n[ "$1" = lookup ] && printf '%s' "$STANDIN_SECRET" && exit 0\nexit 1\n`, { mode: 0o755 });
    const env = { PATH: bin, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/0/bus', STANDIN_SECRET: 'from-the-keyring' };
    const store = detectOsPassphraseStore('/data/lifeboat', env, 'linux');
    expect(store?.name).toContain('secret-tool');
    expect(store?.storeCommand).toBe("secret-tool store --label='Lifeboat secrets passphrase' 'service' 'lifeboat-secrets' 'data-dir' '/data/lifeboat'");
    expect(await store?.lookup()).toBe('from-the-keyring');
    expect(readFileSync(calls, 'utf8')).toBe('lookup service lifeboat-secrets data-dir /data/lifeboat\n');
    expect(await detectOsPassphraseStore('/data/lifeboat', { ...env, STANDIN_SECRET: '' }, 'linux')?.lookup()).toBeNull();
    expect(detectOsPassphraseStore('/data/lifeboat', { PATH: bin }, 'linux')).toBeNull();
    expect(detectOsPassphraseStore('/data/lifeboat', { PATH: join(temp.dir, 'empty-bin'), DBUS_SESSION_BUS_ADDRESS: 'x' }, 'linux')).toBeNull();

    // In the chain: after the variables, before the prompt; its command is part of how to give the passphrase.
    const provider = createCliPassphraseProvider({ dataDir: '/data/lifeboat', env: {}, osStore: store, terminal: fakeTerminal(['typed\r']), logger });
    expect(await provider.get(REQUEST)).toMatchObject({ value: 'from-the-keyring', from: 'the Secret Service keyring (secret-tool)' });
    expect(provider.howToProvide).toContain('secret-tool store');
  });
});

describe('lifeboat CLI with a secrets passphrase', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let dataDir: string;
  beforeEach(() => {
    temp = makeTempDir('cli-secrets');
    dataDir = join(temp.dir, 'data');
    forgetKnownSecrets();
  });
  afterEach(() => {
    delete process.env['LIFEBOAT_SECRETS_PASSPHRASE'];
    delete process.env['LIFEBOAT_SECRETS_PASSPHRASE_FILE'];
    forgetKnownSecrets();
    temp.remove();
  });

  /** Everything the run left on disk under the data folder's logs. */
  const logText = (): string => {
    const dir = dataDirLayout(dataDir).logsDir;
    return existsSync(dir) ? readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n') : '';
  };

  it('fails a command that must store a secret with exactly how to give the passphrase', async () => {
    const r = await run('secrets', 'protect', '--data-dir', dataDir, '--json');
    expect(r.code).toBe(1);
    const { error } = JSON.parse(r.out) as { error: { code: string; message: string } };
    expect(error.code).toBe('secrets_locked');
    for (const way of ['LIFEBOAT_SECRETS_PASSPHRASE_FILE=PATH', '--secrets-passphrase-file PATH', 'LIFEBOAT_SECRETS_PASSPHRASE', 'in a terminal']) {
      expect(error.message).toContain(way);
    }
  });

  it('protects a new data folder with the production scrypt strength, then refuses a wrong passphrase without showing it', async () => {
    const passFile = join(temp.dir, 'pass');
    writeFileSync(passFile, `${PASSPHRASE}\n`, { mode: 0o600 });
    expect(await run('secrets', 'protect', '--data-dir', dataDir, '--secrets-passphrase-file', passFile)).toMatchObject({ code: 0, out: expect.stringContaining('now protected') });
    const status = await run('secrets', 'status', '--data-dir', dataDir, '--json');
    expect(JSON.parse(status.out)).toMatchObject({ protection: 'passphrase', count: 0, kdf: { N: 2 ** 17, r: 8, p: 1 } });

    process.env['LIFEBOAT_SECRETS_PASSPHRASE'] = 'the-wrong-passphrase';
    const wrong = await run('secrets', 'protect', '--data-dir', dataDir);
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain('the secrets passphrase is wrong (from LIFEBOAT_SECRETS_PASSPHRASE)');
    expect(wrong.err).not.toContain('the-wrong-passphrase');
    // Taken out of the environment when the command started.
    expect(process.env['LIFEBOAT_SECRETS_PASSPHRASE']).toBeUndefined();

    process.env['LIFEBOAT_SECRETS_PASSPHRASE_FILE'] = passFile;
    expect(await run('secrets', 'protect', '--data-dir', dataDir)).toMatchObject({ code: 0, out: expect.stringContaining('already protected') });
    expect(logText()).not.toContain(PASSPHRASE);
    expect(readFileSync(dataDirLayout(dataDir).secretsFile, 'utf8')).not.toContain(PASSPHRASE);
  });

  it('runs commands that read no secret without any passphrase, though hosts have stored ones', async () => {
    const { logger } = createMemoryLogger();
    const layout = dataDirLayout(dataDir);
    const engine = createEngine({
      dataDir,
      logger,
      clock: systemClock,
      secrets: createHeadlessSecretStore({
        file: layout.secretsFile,
        legacyKeyFile: layout.secretKeyFile,
        logger,
        scrypt: { N: 2 ** 10, r: 8, p: 1 },
        passphrase: { howToProvide: '', get: async () => ({ value: PASSPHRASE, from: 'test', canRetry: false }) },
      }),
      mode: 'headless',
      version: 'test',
    });
    await engine.clusters.add({
      name: 'office',
      hosts: [{ spec: { transport: 'ssh', address: 'kvm1.invalid', username: 'root', auth: 'password', libvirtUri: 'qemu:///system' }, secret: 'host-password-1' }],
    });
    await engine.close();

    // No passphrase anywhere, no terminal: listing clusters and showing the status never need one.
    expect(await run('cluster', 'list', '--data-dir', dataDir, '--json')).toMatchObject({ code: 0, out: expect.stringContaining('office') });
    expect(JSON.parse((await run('secrets', 'status', '--data-dir', dataDir, '--json')).out)).toMatchObject({ protection: 'passphrase', count: 1 });

    // With the passphrase at hand, they still never derive the key: the CLI's production scrypt strength would
    // re-key this test-strength file the moment it was opened, and it stays byte for byte as it was.
    const passFile = join(temp.dir, 'pass');
    writeFileSync(passFile, `${PASSPHRASE}\n`, { mode: 0o600 });
    process.env['LIFEBOAT_SECRETS_PASSPHRASE_FILE'] = passFile;
    const before = readFileSync(layout.secretsFile);
    for (const argv of [['cluster', 'list'], ['info'], ['secrets', 'status'], ['run-scheduled']]) {
      expect(await run(...argv, '--data-dir', dataDir, '--json')).toMatchObject({ code: 0 });
    }
    expect(readFileSync(layout.secretsFile).equals(before)).toBe(true);
    // A command that does open the secrets re-keys it, so the check above would have seen an unlock.
    expect(await run('secrets', 'protect', '--data-dir', dataDir, '--json')).toMatchObject({ code: 0, out: '{"result":"raised"}' });
    expect(JSON.parse(readFileSync(layout.secretsFile, 'utf8'))).toMatchObject({ kdf: { N: 2 ** 17 } });
  });
});
