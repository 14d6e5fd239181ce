import type { Command } from '../command.js';
import { openHeadlessRuntime } from '../runtime.js';

export const infoCommand: Command = {
  name: 'info',
  summary: 'Show the version, data folder and catalog schema version',
  usage: 'lifeboat info [--data-dir DIR] [--json]',
  options: {},
  optionHelp: [],
  async run({ dataDir, json, io, secretsPassphraseFile }) {
    const { engine } = openHeadlessRuntime(dataDir, { secretsPassphraseFile });
    try {
      const info = engine.info;
      if (json) io.stdout(JSON.stringify(info));
      else {
        io.stdout(`Lifeboat ${info.version}\nData folder:     ${info.dataDir}\nCatalog schema:  ${info.catalogSchemaVersion}`);
      }
      return 0;
    } finally {
      await engine.close();
    }
  },
};
