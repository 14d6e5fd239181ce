// Where Lifeboat keeps its data when no folder is given. The same folder as the desktop app's
// `app.getPath('userData')` for the product name "Lifeboat", so the CLI, the headless server and the app share
// one catalog.
import { homedir } from 'node:os';
import { join } from 'node:path';

export const PRODUCT_NAME = 'Lifeboat';

export function defaultDataDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (env['LIFEBOAT_DATA_DIR']) return env['LIFEBOAT_DATA_DIR'];
  switch (platform) {
    case 'win32':
      return join(env['APPDATA'] ?? join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
    case 'darwin':
      return join(home, 'Library', 'Application Support', PRODUCT_NAME);
    default:
      return join(env['XDG_CONFIG_HOME'] ?? join(home, '.config'), PRODUCT_NAME);
  }
}

/** Files of a data folder. */
export function dataDirLayout(dataDir: string): { logsDir: string; secretsFile: string; secretKeyFile: string } {
  return {
    logsDir: join(dataDir, 'logs'),
    secretsFile: join(dataDir, 'secrets.json'),
    secretKeyFile: join(dataDir, 'secret.key'),
  };
}
