// The renderer's state: one zustand store per domain, all built from the one IPC client at startup and handed to
// components through one React context. Components read a store with `useStore(store, selector)` and change it
// through the store's named actions; none of them talks to the engine directly.
import { createContext, createElement, useContext, type ReactNode } from 'react';
import type { EngineClient } from '../ipc/connect.js';
import { createAddClusterStore, type AddClusterStore } from './add-cluster-store.js';
import { createAppStore, reportingConnectionLoss, type AppStore, type Transport } from './app-store.js';
import { createBackupStore, type BackupStore } from './backup-store.js';
import { createClusterSettingsStore, type ClusterSettingsStore } from './cluster-settings-store.js';
import { createClustersStore, type ClustersStore } from './clusters-store.js';
import { createDashboardStore, type DashboardStore } from './dashboard-store.js';
import { createInventoryStore, type InventoryStore } from './inventory-store.js';
import { createJobDetailStore, type JobDetailStore } from './job-detail-store.js';
import { createJobProgressStore, type JobProgressStore } from './job-progress-store.js';
import { createJobsStore, type JobsStore } from './jobs-store.js';
import { createNavigationStore, type HashLocation, type NavigationStore } from './navigation-store.js';
import { createOnboardingStore, type OnboardingStore } from './onboarding-store.js';
import { createPointsStore, type PointsStore } from './points-store.js';
import { createRepositoryStore, type RepositoryStore } from './repository-store.js';
import { createRestoreWizardStore, type RestoreWizardStore } from './restore-wizard-store.js';
import { createSettingsStore, type SettingsStore } from './settings-store.js';
import { createStatusStore, type StatusStore } from './status-store.js';
import type { StoreError } from './store-error.js';

export interface Stores {
  app: AppStore;
  navigation: NavigationStore;
  settings: SettingsStore;
  clusters: ClustersStore;
  inventory: InventoryStore;
  /** The add-cluster / edit-cluster dialog. */
  addCluster: AddClusterStore;
  /** Starting backups from the Clusters view, and the VMs chosen there. */
  backup: BackupStore;
  /** A cluster's backup settings dialog: schedule and retention. */
  clusterSettings: ClusterSettingsStore;
  /** The jobs' history, and cancelling a job. */
  jobs: JobsStore;
  /** Live progress of the jobs not yet ended. */
  jobProgress: JobProgressStore;
  /** The job whose details are open. */
  jobDetail: JobDetailStore;
  points: PointsStore;
  /** The restore wizard: the point, host and options chosen, the engine's check, and the restore it started. */
  restoreWizard: RestoreWizardStore;
  repository: RepositoryStore;
  /** The first-run onboarding: whether it is shown, the repository folder and its check, finishing. */
  onboarding: OnboardingStore;
  dashboard: DashboardStore;
  status: StatusStore;
}

export interface StoresOptions {
  transport: Transport;
  location: HashLocation;
}

export function createStores(client: EngineClient, options: StoresOptions): Stores {
  // Every store talks through the reporting client, so a lost connection noticed by any of them reaches the app
  // store; the app store itself is created first (with the same client) so the report has somewhere to go.
  const engine = reportingConnectionLoss(client, (error: StoreError) => app.getState().markConnectionLost(error));
  const app = createAppStore(engine, options.transport);
  const clusters = createClustersStore(engine);
  return {
    app,
    navigation: createNavigationStore(options.location),
    settings: createSettingsStore(engine),
    clusters,
    inventory: createInventoryStore(engine),
    addCluster: createAddClusterStore(engine, clusters),
    backup: createBackupStore(engine),
    clusterSettings: createClusterSettingsStore(engine),
    jobs: createJobsStore(engine),
    jobProgress: createJobProgressStore(engine),
    jobDetail: createJobDetailStore(engine),
    points: createPointsStore(engine),
    restoreWizard: createRestoreWizardStore(engine),
    repository: createRepositoryStore(engine),
    onboarding: createOnboardingStore(engine),
    dashboard: createDashboardStore(engine),
    status: createStatusStore(),
  };
}

/**
 * Starts what the whole window needs from the first moment: the router, the settings (the theme depends on them)
 * and their change events, the app info, and the jobs' live progress (shown in more than one view, and kept
 * across view changes so a job that ends meanwhile is not missed). Returns a function that stops all that.
 */
export function startStores(stores: Stores): () => void {
  const stopRouter = stores.navigation.getState().start();
  // Subscribe before loading, so a change made in another window between the two is not missed.
  const stopWatchingSettings = stores.settings.getState().watch();
  const stopWatchingProgress = stores.jobProgress.getState().watch();
  void stores.settings.getState().load();
  void stores.app.getState().loadInfo();
  return () => {
    stopWatchingProgress();
    stopWatchingSettings();
    stopRouter();
  };
}

const StoresContext = createContext<Stores | null>(null);

export function StoresProvider(props: { stores: Stores; children?: ReactNode }): ReactNode {
  return createElement(StoresContext.Provider, { value: props.stores }, props.children);
}

export function useStores(): Stores {
  const stores = useContext(StoresContext);
  if (stores === null) throw new Error('useStores() needs a <StoresProvider> above it');
  return stores;
}
