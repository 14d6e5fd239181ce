// Values of the contract's types for store tests.
import type { AppInfo } from '../../../shared/model/app-info.js';
import type { ClusterSummary } from '../../../shared/model/cluster.js';
import type { JobSummary } from '../../../shared/model/job.js';

export const appInfo: AppInfo = {
  name: 'Lifeboat',
  version: '0.1.0',
  mode: 'headless',
  dataDir: '/home/ops/.local/share/lifeboat',
  catalogSchemaVersion: 3,
  startedAt: '2025-05-01T08:00:00.000Z',
};

export const clusterA: ClusterSummary = {
  id: '0b6f2a5e-9a8e-4d0e-8f5a-1c2d3e4f5a6b',
  name: 'Office rack',
  hostCount: 3,
  createdAt: '2025-04-30T10:00:00.000Z',
};

export const clusterB: ClusterSummary = {
  id: '5c1e7a2d-3b4f-4e6a-9d8c-7b6a5f4e3d2c',
  name: 'Branch office',
  hostCount: 1,
  createdAt: '2025-05-01T09:30:00.000Z',
};

export const backupJob: JobSummary = {
  id: 'job-2',
  kind: 'backup',
  state: 'running',
  title: 'Office rack',
  createdAt: '2025-05-01T10:00:00.000Z',
  finishedAt: null,
};

export const verifyJob: JobSummary = {
  id: 'job-1',
  kind: 'verify',
  state: 'succeeded',
  title: 'Repository check',
  createdAt: '2025-05-01T09:00:00.000Z',
  finishedAt: '2025-05-01T09:05:00.000Z',
};
