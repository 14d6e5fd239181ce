import type { ParseArgsConfig } from 'node:util';

/** An error the CLI reports as one line (or a JSON object with --json) and an exit code, without a stack. */
export class CliError extends Error {
  readonly code: string;
  readonly exitCode: number;
  constructor(code: string, message: string, exitCode = 1) {
    super(message);
    this.name = 'CliError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export interface CommandContext {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  dataDir: string;
  /** --secrets-passphrase-file: where the secrets passphrase is, when given on the command line. */
  secretsPassphraseFile: string | undefined;
  json: boolean;
  io: CliIo;
  /** Resolves when the user asks the process to stop (SIGINT, SIGTERM). */
  stopRequested: Promise<string>;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  /** Options besides the global --data-dir, --json and --help. */
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** Lines shown under "Options:" in this command's help. */
  readonly optionHelp: readonly string[];
  run(context: CommandContext): Promise<number>;
}
