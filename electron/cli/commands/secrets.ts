// `lifeboat secrets status|protect`: what protects the stored passwords and passphrases of a data folder, and
// putting them under a passphrase now rather than at the next use of a secret.
import { CliError, type Command } from '../command.js';
import { openHeadlessRuntime } from '../runtime.js';

const PROTECT_RESULTS = {
  created: 'The secrets of this data folder are now protected by the passphrase.',
  migrated: 'The stored secrets were moved from the key file to the passphrase, and the key file was deleted.',
  raised: 'The passphrase key derivation was raised to the current strength.',
  already: 'The secrets are already protected by this passphrase.',
} as const;

export const secretsCommand: Command = {
  name: 'secrets',
  summary: 'Show what protects the stored passwords (status), or put them under a passphrase now (protect)',
  usage: 'lifeboat secrets status | protect [--secrets-passphrase-file PATH]',
  options: {},
  optionHelp: [],
  async run({ positionals, dataDir, json, io, secretsPassphraseFile }) {
    const [sub] = positionals;
    if (sub !== 'status' && sub !== 'protect') {
      throw new CliError('invalid_argument', `unknown secrets subcommand "${sub ?? ''}": use status or protect`, 2);
    }
    const { engine, secrets } = openHeadlessRuntime(dataDir, { secretsPassphraseFile });
    try {
      if (sub === 'status') {
        const status = await secrets.status();
        if (json) io.stdout(JSON.stringify(status));
        else {
          const protection =
            status.protection === 'passphrase'
              ? `a passphrase (scrypt N=${status.kdf?.N}, r=${status.kdf?.r}, p=${status.kdf?.p}; AES-256-GCM)`
              : status.protection === 'key-file'
                ? 'only a key file next to them: run `lifeboat secrets protect` to set a passphrase'
                : 'nothing stored yet; the first one will ask for a passphrase';
          io.stdout(`Secrets file:  ${status.file}\nStored:        ${status.count}\nProtected by:  ${protection}`);
        }
        return 0;
      }
      const result = await secrets.protect();
      if (json) io.stdout(JSON.stringify({ result }));
      else io.stdout(PROTECT_RESULTS[result]);
      return 0;
    } finally {
      await engine.close();
    }
  },
};
