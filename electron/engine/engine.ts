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
import { listClusters } from './catalog/listings.js';
import { findLab, labHostInputs, type LabDescription } from './clusters/lab-cluster.js';
import { IpcError } from '../../shared/ipc/errors.js';
import { createClusterStore, type ClusterStore } from './clusters/cluster-store.js';
import { testHostConnection } from './clusters/test-host.js';
import type { HypervisorDriver } from './hypervisors/driver.js';
import { createLibvirtDriver } from './hypervisors/libvirt/libvirt-driver.js';
import { createInventoryService, type InventoryService, type InventoryTimings } from './inventory/inventory-service.js';
import { readRepositoryPath, readSettings, writeRepositoryPath, writeSettings } from './catalog/settings-table.js';
import { backupVm, type BackupVmOptions, type BackupVmResult } from './backup/backup-vm.js';
import { Repository } from './repository/index.js';
import type { Clock } from './clock.js';
import { domainErrorToIpc } from './ipc/domain-errors.js';
import { createIpcRouter, type IpcRouter } from './ipc/router.js';
import { DashboardService } from './dashboard/dashboard.js';
import { markOnboardingCompleted, onboardingStatus } from './dashboard/onboarding.js';
import { RepositoryFiguresCache } from './dashboard/repository-figures.js';
import { checkRepositoryFolder, refusalToCreate } from './repository/repository-check.js';
import { startBackupJob, type BackupJobRequest } from './jobs/backup-job.js';
import { JobRunner } from './jobs/job-runner.js';
import { JobStore } from './jobs/job-store.js';
import { applyRetention, previewRetention, startPruneJob, startVerifyJob, type MaintenanceDeps } from './jobs/maintenance-jobs.js';
import { RepositoryAccess } from './jobs/repository-access.js';
import { restorePreflight, restoreTargets, startRestoreJob, type RestoreJobDeps } from './jobs/restore-job.js';
import { RetentionStore } from './jobs/retention-store.js';
import { ScheduleStore, runDueSchedules, startScheduler, type SchedulerDeps } from './jobs/schedules.js';
import { PointsIndex } from './points/points-index.js';
import type { JobProgress, JobSummary } from '../../shared/model/job.js';
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
  /** IANA time zone retention counts days, weeks and months in; the machine's unless a test sets one. */
  timeZone?: string;
  /** Run due schedules while the engine runs (the app and `serve`; not one-shot CLI commands). */
  runSchedules?: boolean;
  /** Told when a job ends (the desktop shows a notification; headless mode logs a line). */
  onJobEnded?: (summary: JobSummary, progress: JobProgress) => void;
  /**
   * The user's documents folder (desktop: `app.getPath('documents')`) or home folder (headless): the onboarding
   * proposes `<it>/Lifeboat Backups` for a new repository. Without it nothing is proposed.
   */
  userDocumentsDir?: string;
  /** Where a development lab's lab.json may be (docs/LAB.md): when it is there, the onboarding offers to add the lab. */
  labDir?: string;
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
  readonly jobs: JobRunner;
  readonly repository: RepositoryAccess;
  readonly dashboard: DashboardService;
  /** The cached walk behind the repository's size and dedup figures. */
  readonly repositoryFigures: RepositoryFiguresCache;
  /** Queues a backup job of a cluster's VMs (all, or those named). */
  startBackup(request: BackupJobRequest): Promise<{ jobId: string; finished: Promise<JobSummary> }>;
  startVerify(): { jobId: string; finished: Promise<JobSummary> };
  startPrune(): { jobId: string; finished: Promise<JobSummary> };
  /** Starts the backups of schedules due now (what `lifeboat run-scheduled` does). */
  runDueSchedules(): Promise<{ clusterId: string; jobId: string; finished: Promise<unknown> }[]>;
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
  const labHere = (): Promise<LabDescription | null> => (deps.labDir === undefined ? Promise.resolve(null) : findLab(deps.labDir));
  const clustersChanged = (): void => router.publish('clusters.changed', { clusters: listClusters(catalog) });

  const jobStore = new JobStore(catalog);
  const interrupted = jobStore.failInterrupted(deps.clock.now().toISOString(), 'Lifeboat stopped while this job ran (closed, crashed or killed)');
  if (interrupted.length > 0) logger.warn('jobs interrupted by the last stop marked failed', { jobs: interrupted });
  const points = new PointsIndex(catalog);
  const repository = new RepositoryAccess({ catalog, points, clock: deps.clock, logger: logger.child({ component: 'repository' }) });
  const repositoryFigures = new RepositoryFiguresCache({
    open: (path) => Repository.open(path, { clock: deps.clock, logger: logger.child({ component: 'repository' }), writer: false }),
    clock: deps.clock,
    logger: logger.child({ component: 'dashboard' }),
    onUpdated: (figures) => router.publish('dashboard.changed', { figuresAt: figures.computedAt }),
  });
  /** The repository changed on disk (a job wrote or deleted, or another one was chosen): walk it again. */
  const refreshFigures = (): void => {
    const path = repository.path();
    if (path !== null) void repositoryFigures.refresh(path);
  };
  const retention = new RetentionStore(catalog);
  const schedules = new ScheduleStore(catalog, deps.clock);
  const jobs = new JobRunner({
    store: jobStore,
    clock: deps.clock,
    logger: logger.child({ component: 'jobs' }),
    limits: () => readSettings(catalog).concurrency,
    onProgress: (progress) => router.publish('jobs.progress', progress),
    onChanged: (summary) => router.publish('jobs.changed', summary),
    onEnded: (summary, progress) => {
      if (summary.kind === 'backup' || summary.kind === 'prune') {
        void repository
          .syncIndex()
          .then(() => {
            // The engine may have closed meanwhile (the app quitting as a job ends): nothing is left to tell.
            if (closed) return;
            router.publish('points.changed', { clusterId: summary.clusterId });
            refreshFigures();
          })
          .catch((error: unknown) => {
            if (!closed) logger.warn('the point list could not be brought up to date after a job', { error });
          });
      }
      deps.onJobEnded?.(summary, progress);
    },
  });
  const pointsChanged = (clusterId: string | null): void => router.publish('points.changed', { clusterId });
  const maintenance: MaintenanceDeps = {
    runner: jobs,
    repository,
    points,
    retention,
    timeZone: deps.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
    onPointsChanged: pointsChanged,
  };
  const runBackupVm = (repo: Repository, vm: VmRef, options?: BackupVmOptions): Promise<BackupVmResult> =>
    backupVm({ driver, clusters, inventory, repository: repo, logger: logger.child({ component: 'backup' }), clock: deps.clock }, vm, options);
  const startBackup = (request: BackupJobRequest): Promise<{ jobId: string; finished: Promise<JobSummary> }> => {
    clusters.get(request.clusterId);
    return startBackupJob(
      {
        runner: jobs,
        inventory,
        repository,
        points,
        backupVm: runBackupVm,
        onPointsChanged: pointsChanged,
        afterBackup: async (context, clusterId, vmUuids) => {
          try {
            await applyRetention(maintenance, context, { clusterId, vmUuids });
          } catch (error) {
            // The backups are done and safe; a retention problem is reported, not turned into a failed backup.
            context.log('warn', `Retention could not run: ${(error as Error).message}`);
          }
        },
      },
      request,
    );
  };
  const dashboard = new DashboardService({
    catalog,
    clock: deps.clock,
    inventory,
    schedules,
    repository,
    figures: repositoryFigures,
    activeJobs: () => jobs.active(),
  });
  const restoreDeps: RestoreJobDeps = { runner: jobs, clusters, driver, inventory, repository, logger: logger.child({ component: 'restore' }) };
  const schedulerDeps: SchedulerDeps = {
    store: schedules,
    clock: deps.clock,
    logger: logger.child({ component: 'schedules' }),
    startBackup: (clusterId) => startBackup({ clusterId, trigger: 'schedule' }),
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
      'clusters.get': async ({ id }) => {
        await clusters.ready;
        return clusters.get(id);
      },
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
      'jobs.list': ({ limit }) => jobStore.list(limit),
      'jobs.get': ({ id }) => jobStore.get(id),
      'jobs.cancel': ({ id }) => {
        jobs.cancel(id);
        return null;
      },
      'backup.startCluster': async ({ clusterId }) => ({ jobId: (await startBackup({ clusterId, trigger: 'user' })).jobId }),
      'backup.startVms': async ({ clusterId, vmUuids }) => ({ jobId: (await startBackup({ clusterId, vmUuids, trigger: 'user' })).jobId }),
      'points.list': (filter) => points.list(repository.requirePath(), filter),
      'points.get': ({ id }) => points.get(repository.requirePath(), id),
      'restore.targets': ({ pointId, clusterId }, { signal }) => restoreTargets(restoreDeps, pointId, clusterId, signal),
      'restore.preflight': (options, { signal }) => restorePreflight(restoreDeps, options, signal),
      'restore.start': async (options, { signal }) => ({ jobId: (await startRestoreJob(restoreDeps, options, signal)).jobId }),
      'repository.get': () => repository.status(),
      'repository.use': async ({ path, create }) => {
        if (create) {
          const refusal = refusalToCreate(await checkRepositoryFolder(path, { clock: deps.clock, logger, currentPath: repository.path() }));
          if (refusal) throw new IpcError(refusal.code, refusal.message, refusal.reason);
        }
        const status = await repository.use(path, create);
        pointsChanged(null);
        refreshFigures();
        return status;
      },
      'repository.check': ({ path }) => checkRepositoryFolder(path, { clock: deps.clock, logger, currentPath: repository.path() }),
      'onboarding.status': async () => onboardingStatus(catalog, deps.userDocumentsDir ?? null, await labHere()),
      'onboarding.addLab': async () => {
        const lab = await labHere();
        if (lab === null) throw new IpcError('not_found', `There is no development lab on this machine (no readable lab.json in ${deps.labDir ?? 'a lab folder'}).`);
        const cluster = await clusters.add({ name: 'lab', hosts: labHostInputs(lab, 'ssh') });
        logger.info('cluster added', { cluster: cluster.name, hosts: cluster.hosts.length, lab: true });
        clustersChanged();
        return cluster;
      },
      'onboarding.complete': async () => {
        if (repository.path() === null) {
          throw new IpcError('conflict', 'Choose or create a repository before finishing the first-run setup: backups need somewhere to go.', 'no_repository');
        }
        markOnboardingCompleted(catalog);
        return onboardingStatus(catalog, deps.userDocumentsDir ?? null, await labHere());
      },
      'dashboard.get': () => dashboard.get(),
      'retention.get': ({ clusterId }) => {
        clusters.get(clusterId);
        return retention.get(clusterId);
      },
      'retention.set': ({ clusterId, vmUuid, policy }) => {
        clusters.get(clusterId);
        if (policy === null && vmUuid === undefined) throw new IpcError('invalid_params', 'A cluster always has a policy; only a VM override can be removed');
        retention.set(clusterId, vmUuid, policy);
        return null;
      },
      'retention.preview': ({ clusterId, vmUuid, policy }) => ({ decisions: previewRetention(maintenance, clusterId, vmUuid, policy) }),
      'schedules.get': ({ clusterId }) => {
        clusters.get(clusterId);
        return schedules.get(clusterId);
      },
      'schedules.set': ({ clusterId, schedule }) => {
        clusters.get(clusterId);
        return schedules.set(clusterId, schedule);
      },
      'verify.start': () => ({ jobId: startVerifyJob(maintenance).jobId }),
      'prune.start': () => ({ jobId: startPruneJob(maintenance).jobId }),
    },
    {
      logger: logger.child({ component: 'ipc' }),
      mapError: domainErrorToIpc,
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
        'jobs.progress': ({ jobId }) => jobs.active().filter((p) => jobId === undefined || p.jobId === jobId),
      },
    },
  );

  logger.info('engine started', { mode: deps.mode, version: deps.version, dataDir: deps.dataDir });
  // The index follows the repository: points written by the CLI or another install show up.
  void repository.syncIndex();
  const stopScheduler = deps.runSchedules ? startScheduler(schedulerDeps) : () => undefined;
  let closed = false;
  return {
    info,
    connect: router.connect,
    router,
    catalog,
    clusters,
    inventory,
    testHost,
    backupVm: runBackupVm,
    jobs,
    repository,
    dashboard,
    repositoryFigures,
    startBackup,
    startVerify: () => startVerifyJob(maintenance),
    startPrune: () => startPruneJob(maintenance),
    runDueSchedules: () => runDueSchedules(schedulerDeps),
    defaultRepositoryPath: () => readRepositoryPath(catalog),
    setDefaultRepositoryPath: (path) => writeRepositoryPath(catalog, path),
    async close() {
      if (closed) return;
      closed = true;
      stopScheduler();
      await jobs.close();
      await repositoryFigures.close();
      router.close();
      await inventory.close();
      catalog.close();
      logger.info('engine stopped');
    },
  };
}
