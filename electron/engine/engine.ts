// The engine: everything of the main process that is not Electron. It is created with its dependencies passed in
// (data folder, logger, clock, secret store), so the desktop app, the headless server, the CLI and the tests all
// run the same code.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { appContract, type AppContract } from '../../shared/ipc/contract.js';
import type { ServerConnector } from '../../shared/ipc/memory-transport.js';
import type { AppInfo } from '../../shared/model/app-info.js';
import { CATALOG_FILE_NAME, openCatalog, type Catalog } from './catalog/catalog.js';
import { listClusters, listJobs } from './catalog/listings.js';
import { readSettings, writeSettings } from './catalog/settings-table.js';
import type { Clock } from './clock.js';
import { createIpcRouter, type IpcRouter } from './ipc/router.js';
import type { Logger } from './logging/logger.js';
import type { SecretStore } from './secrets/secret-store.js';

export interface EngineDeps {
  dataDir: string;
  logger: Logger;
  clock: Clock;
  secrets: SecretStore;
  mode: AppInfo['mode'];
  version: string;
  /** better-sqlite3 binary built for the running runtime, when it is not the default one (Electron). */
  sqliteNativeBinding?: string;
}

export interface Engine {
  readonly info: AppInfo;
  /** Opens an IPC connection (one per window or WebSocket client). */
  readonly connect: ServerConnector;
  readonly router: IpcRouter<AppContract>;
  readonly catalog: Catalog;
  close(): Promise<void>;
}

export function createEngine(deps: EngineDeps): Engine {
  mkdirSync(deps.dataDir, { recursive: true });
  const logger = deps.logger;
  const catalog = openCatalog(join(deps.dataDir, CATALOG_FILE_NAME), {
    logger,
    ...(deps.sqliteNativeBinding ? { nativeBinding: deps.sqliteNativeBinding } : {}),
  });
  const info: AppInfo = {
    name: 'Lifeboat',
    version: deps.version,
    mode: deps.mode,
    dataDir: deps.dataDir,
    catalogSchemaVersion: catalog.schemaVersion,
    startedAt: deps.clock.now().toISOString(),
  };

  const router: IpcRouter<AppContract> = createIpcRouter(
    appContract,
    {
      'app.getInfo': () => info,
      'settings.get': () => readSettings(catalog),
      'settings.update': (patch) => {
        const settings = writeSettings(catalog, patch);
        router.publish('settings.changed', settings);
        return settings;
      },
      'clusters.list': () => listClusters(catalog),
      'jobs.list': ({ limit }) => listJobs(catalog, limit),
    },
    { logger: logger.child({ component: 'ipc' }) },
  );

  logger.info('engine started', { mode: deps.mode, version: deps.version, dataDir: deps.dataDir });
  let closed = false;
  return {
    info,
    connect: router.connect,
    router,
    catalog,
    async close() {
      if (closed) return;
      closed = true;
      router.close();
      catalog.close();
      logger.info('engine stopped');
    },
  };
}
