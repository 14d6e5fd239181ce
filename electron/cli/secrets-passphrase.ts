// Where headless mode gets the secrets passphrase, in this order: a file (--secrets-passphrase-file PATH, else
// $LIFEBOAT_SECRETS_PASSPHRASE_FILE; its first line), $LIFEBOAT_SECRETS_PASSPHRASE, the OS keyring when one is
// usable (os-passphrase-store.ts), and last a prompt without echo when standard input is a terminal. The sources
// that ask nobody come first: a passphrase the user already put somewhere is used without asking. Nothing here
// runs until the secret store needs a secret (headless-secret-store.ts is lazy).
import { readFile, stat } from 'node:fs/promises';
import type { Logger } from '../engine/logging/logger.js';
import { MIN_PASSPHRASE_LENGTH } from '../engine/secrets/passphrase-cipher.js';
import type { OsPassphraseStore } from '../engine/secrets/os-passphrase-store.js';
import type { PassphraseOffer, PassphraseProvider, PassphraseRequest } from '../engine/secrets/headless-secret-store.js';
import { SecretStoreError } from '../engine/secrets/secret-store.js';

export const PASSPHRASE_ENV = 'LIFEBOAT_SECRETS_PASSPHRASE';
export const PASSPHRASE_FILE_ENV = 'LIFEBOAT_SECRETS_PASSPHRASE_FILE';
export const PASSPHRASE_FILE_FLAG = 'secrets-passphrase-file';

/** A terminal to ask on: standard input (raw mode for no echo) and where the question goes. */
export interface PromptTerminal {
  input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  output: { write(text: string): unknown };
}

export interface CliPassphraseOptions {
  dataDir: string;
  /** --secrets-passphrase-file, when given. */
  flagFile?: string | undefined;
  /**
   * The environment. $LIFEBOAT_SECRETS_PASSPHRASE is taken out of it when the provider is made, so the processes
   * Lifeboat starts (ssh, qemu-img) do not inherit it.
   */
  env: NodeJS.ProcessEnv;
  osStore: OsPassphraseStore | null;
  terminal: PromptTerminal | null;
  logger: Logger;
}

const PROMPT_ATTEMPTS = 3;

/**
 * Reads one line from a terminal without echoing it. Resolves null at end of input (Ctrl+D on an empty line);
 * Ctrl+C restores the terminal, then raises SIGINT as the key would have.
 */
export function readHiddenLine(terminal: PromptTerminal, question: string): Promise<string | null> {
  const { input, output } = terminal;
  return new Promise((resolve) => {
    let line = '';
    const raw = typeof input.setRawMode === 'function';
    const finish = (result: string | null): void => {
      input.off('data', onData);
      if (raw) input.setRawMode?.(false);
      input.pause();
      output.write('\n');
      resolve(result);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const char of chunk.toString()) {
        if (char === '\r' || char === '\n') return finish(line);
        if (char === '\u0004') return finish(line === '' ? null : line);
        if (char === '\u0003') {
          finish(null);
          process.kill(process.pid, 'SIGINT');
          return;
        }
        if (char === '\u007f' || char === '\b') line = line.slice(0, -1);
        else if (char >= ' ') line += char;
      }
    };
    output.write(question);
    if (raw) input.setRawMode?.(true);
    input.on('data', onData);
    input.resume();
  });
}

export function createCliPassphraseProvider(options: CliPassphraseOptions): PassphraseProvider {
  const { dataDir, env, osStore, terminal, logger } = options;
  const fromEnv = env[PASSPHRASE_ENV];
  delete env[PASSPHRASE_ENV];
  const file = options.flagFile
    ? { path: options.flagFile, via: `--${PASSPHRASE_FILE_FLAG}` }
    : env[PASSPHRASE_FILE_ENV]
      ? { path: env[PASSPHRASE_FILE_ENV], via: PASSPHRASE_FILE_ENV }
      : null;
  const canPrompt = terminal !== null && terminal.input.isTTY === true;
  let warnedAboutMode = false;

  const howToProvide =
    `Give it on the first line of a file only you can read, with ${PASSPHRASE_FILE_ENV}=PATH or --${PASSPHRASE_FILE_FLAG} PATH ` +
    `(the way for cron), or in ${PASSPHRASE_ENV}, ` +
    (osStore ? `or keep it in ${osStore.name} (${osStore.storeCommand}), ` : '') +
    'or run the command in a terminal to type it.';

  const readPassphraseFile = async (path: string, via: string): Promise<PassphraseOffer> => {
    const from = `the file ${path} (${via})`;
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new SecretStoreError('secrets_locked', `cannot read the secrets passphrase from ${from}: ${code}`);
    }
    const value = text.split(/\r?\n/)[0] ?? '';
    if (value === '') throw new SecretStoreError('secrets_locked', `the secrets passphrase file ${path} (${via}) has an empty first line`);
    if (process.platform !== 'win32' && !warnedAboutMode) {
      const mode = (await stat(path)).mode;
      if ((mode & 0o077) !== 0) {
        warnedAboutMode = true;
        logger.warn(`secrets: the passphrase file ${path} can be read by other users; make it readable only by you (chmod 600)`);
      }
    }
    return { value, from, canRetry: false };
  };

  const prompt = async (request: PassphraseRequest): Promise<PassphraseOffer | null> => {
    if (!terminal) return null;
    const where = `the secrets of ${dataDir}`;
    if (!request.creating) {
      const answer = await readHiddenLine(terminal, `${request.retry ? 'Wrong passphrase. ' : ''}Passphrase for ${where}: `);
      return answer === null ? null : { value: answer, from: 'the prompt', canRetry: true };
    }
    terminal.output.write(`Lifeboat keeps SSH passwords and key passphrases encrypted with a passphrase. Choose one for ${where}.\n`);
    for (let attempt = 0; attempt < PROMPT_ATTEMPTS; attempt += 1) {
      const first = await readHiddenLine(terminal, `New secrets passphrase (at least ${MIN_PASSPHRASE_LENGTH} characters): `);
      if (first === null) return null;
      if (first.length < MIN_PASSPHRASE_LENGTH) {
        terminal.output.write(`Too short: use at least ${MIN_PASSPHRASE_LENGTH} characters.\n`);
        continue;
      }
      const again = await readHiddenLine(terminal, 'The same passphrase again: ');
      if (again === null) return null;
      if (again === first) return { value: first, from: 'the prompt', canRetry: false };
      terminal.output.write('The two did not match.\n');
    }
    throw new SecretStoreError('secrets_locked', 'no secrets passphrase was chosen (the two entries did not match, or it was too short)');
  };

  return {
    howToProvide,
    async get(request) {
      if (file?.path) return readPassphraseFile(file.path, file.via);
      if (fromEnv) return { value: fromEnv, from: PASSPHRASE_ENV, canRetry: false };
      if (osStore && !request.retry) {
        const value = await osStore.lookup();
        if (value) return { value, from: osStore.name, canRetry: false };
      }
      if (request.interactive && canPrompt) return prompt(request);
      return null;
    },
  };
}
