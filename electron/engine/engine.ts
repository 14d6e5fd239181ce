// The engine: everything of the main process that is not Electron. It is created with its dependencies passed in
// (data folder, logger, clock, secret store), so the desktop app, the headless server, the CLI and the tests all
// run the same code.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { appContract, type AppContract } from '../../shared/ipc/contract.js';
import type { ServerConnector } from '../../shared/ipc/memory-transport.js';
import type { AppInfo } from '../../shared/model/app-info.js';
import type { HostSpec, HostTestResult } from '../../shared/model/cluster.js';
import type { VmRef } from '../../shared/model/inventory.js';
import { CATALOG_FILE_NAME, openCatalog, type Catalog } from './catalog/catalog.js';
import { listClusters, listJobs } from './catalog/listings.js';
import { createClusterStore, type ClusterStore } from './clusters/cluster-store.js';
import { testHostConnection } from './clusters/test-host.js';
import type { HypervisorDriver } from './hypervisors/driver.js';
import { createLibvirtDriver } from './hypervisors/libvirt/libvirt-driver.js';
import { createInventoryService, type InventoryService, type InventoryTimings } from './inventory/inventory-service.js';
import { readRepositoryPath, readSettings, writeRepositoryPath, writeSettings } from './catalog/settings-table.js';
import { backupVm, type BackupVmOptions, type BackupVmResult } from './backup/backup-vm.js';
import type { Repository } from './repository/index.js';
import type { Clock } from './clock.js';
import { createIpcRouter, type IpcRouter } from './ipc/router.js';
import type { Logger } from './logging/logger.js';
import type { SecretStore } from './secrets/secret-store.js';

/** A host test gives up after this long: a closed port or unknown host answers within it, never hangs. */
const HOST_TEST_TIMEOUT_MS = 10_000;

export interface EngineDeps {
  dataDir: string;
  logger: Logger;
  clock: Clock;
  secrets: SecretStore;
  mode: AppInfo['mode'];
  version: string;
  /** better-sqlite3 binary built for the running runtime, when it is not the default one (Electron). */
  sqliteNativeBinding?: string;
  /** The hypervisor driver hosts are reached with; libvirt unless a test passes another. */
  hypervisorDriver?: HypervisorDriver;
  inventoryTimings?: Partial<InventoryTimings>;
}

export interface Engine {
  readonly info: AppInfo;
  /** Opens an IPC connection (one per window or WebSocket client). */
  readonly connect: ServerConnector;
  readonly router: IpcRouter<AppContract>;
  readonly catalog: Catalog;
  readonly clusters: ClusterStore;
  readonly inventory: InventoryService;
  /** Backs up one VM into a repository opened for writing (see backup/backup-vm.ts). */
  backupVm(repository: Repository, vm: VmRef, options?: BackupVmOptions): Promise<BackupVmResult>;
  /** The repository used when none is named, or null before one is set up. */
  defaultRepositoryPath(): string | null;
  setDefaultRepositoryPath(path: string): void;
  /** Connects to one host as specified and reports what it found (or the SSH host key to confirm). */
  testHost(spec: HostSpec, secret: string | null, signal?: AbortSignal): Promise<HostTestResult>;
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

  const driver = deps.hypervisorDriver ?? createLibvirtDriver();
  const clusters = createClusterStore(catalog, deps.secrets, deps.clock);
  const inventory = createInventoryService({
    clusters,
    driver,
    logger: logger.child({ component: 'inventory' }),
    clock: deps.clock,
    onChange: (snapshot) => router.publish('inventory.changed', snapshot),
    ...(deps.inventoryTimings ? { timings: deps.inventoryTimings } : {}),
  });
  const testHost = (spec: HostSpec, secret: string | null, signal?: AbortSignal): Promise<HostTestResult> =>
    testHostConnection(driver, spec, secret, {
      logger: logger.child({ component: 'host-test' }),
      timeoutMs: HOST_TEST_TIMEOUT_MS,
      ...(signal ? { signal } : {}),
    });
  const clustersChanged = (): void => router.publish('clusters.changed', { clusters: listClusters(catalog) });

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
      'clusters.get': ({ id }) => clusters.get(id),
      'clusters.add': async (params) => {
        const cluster = await clusters.add(params);
        logger.info('cluster added', { cluster: cluster.name, hosts: cluster.hosts.length });
        clustersChanged();
        return cluster;
      },
      'clusters.update': async ({ id, ...changes }) => {
        const cluster = await clusters.update(id, changes);
        // Host specs may have changed: the next inventory request connects afresh.
        await inventory.forget(id);
        clustersChanged();
        return cluster;
      },
      'clusters.remove': async ({ id }) => {
        await inventory.forget(id);
        await clusters.remove(id);
        logger.info('cluster removed', { clusterId: id });
        clustersChanged();
        return null;
      },
      'clusters.testHost': ({ spec, secret }, { signal }) => testHost(spec, secret ?? null, signal),
      'inventory.get': ({ clusterId, refresh }) => inventory.get(clusterId, { refresh }),
      'jobs.list': ({ limit }) => listJobs(catalog, limit),
    },
    {
      logger: logger.child({ component: 'ipc' }),
      snapshots: {
        // A new subscriber sees the inventory known now at once; watching starts here if it had not.
        'inventory.changed': ({ clusterId }) => {
          try {
            const current = inventory.current(clusterId);
            return current ? [current] : [];
          } catch {
            return [];
          }
        },
      },
    },
  );

  logger.info('engine started', { mode: deps.mode, version: deps.version, dataDir: deps.dataDir });
  let closed = false;
  return {
    info,
    connect: router.connect,
    router,
    catalog,
    clusters,
    inventory,
    testHost,
    backupVm: (repository, vm, options) =>
      backupVm({ driver, clusters, inventory, repository, logger: logger.child({ component: 'backup' }), clock: deps.clock }, vm, options),
    defaultRepositoryPath: () => readRepositoryPath(catalog),
    setDefaultRepositoryPath: (path) => writeRepositoryPath(catalog, path),
    async close() {
      if (closed) return;
      closed = true;
      router.close();
      await inventory.close();
      catalog.close();
      logger.info('engine stopped');
    },
  };
}
