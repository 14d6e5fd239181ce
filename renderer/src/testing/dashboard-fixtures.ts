// Values of the onboarding and dashboard types for store and view tests.
import type { Dashboard, DashboardCluster, DashboardVm } from '../../../shared/model/dashboard.js';
import type { OnboardingStatus } from '../../../shared/model/onboarding.js';
import type { RepositoryCheck } from '../../../shared/model/repository.js';
import { clusterA, readyRepository } from './fixtures.js';

const GiB = 1024 ** 3;

export const freshInstall: OnboardingStatus = {
  repositoryConfigured: false,
  repositoryPath: null,
  clusterCount: 0,
  completed: false,
  proposedRepositoryPath: '/home/ops/Documents/Lifeboat Backups',
  lab: null,
};

export const setUpInstall: OnboardingStatus = {
  repositoryConfigured: true,
  repositoryPath: '/mnt/nas/lifeboat',
  clusterCount: 1,
  completed: true,
  proposedRepositoryPath: '/home/ops/Documents/Lifeboat Backups',
  lab: null,
};

export function folderCheck(overrides: Partial<RepositoryCheck> = {}): RepositoryCheck {
  return {
    path: '/home/ops/Documents/Lifeboat Backups',
    kind: 'missing_folder',
    action: 'create',
    writable: true,
    freeBytes: 120 * GiB,
    totalBytes: 500 * GiB,
    space: 'ok',
    pointCount: null,
    current: false,
    detail: null,
    ...overrides,
  };
}

export const ALPHA_UUID = '6f1f6b1e-2a5f-4a47-9d0a-6d1b0c7b1a01';
export const BRAVO_UUID = '6f1f6b1e-2a5f-4a47-9d0a-6d1b0c7b1a02';
export const CHARLIE_UUID = '6f1f6b1e-2a5f-4a47-9d0a-6d1b0c7b1a03';

export function dashboardVm(vmUuid: string, overrides: Partial<DashboardVm> = {}): DashboardVm {
  return {
    ref: { clusterId: clusterA.id, vmUuid },
    name: 'alpha',
    state: 'running',
    inInventory: true,
    gone: false,
    lastPoint: { id: '9f1c2b3a-4d5e-4f60-8a7b-1c2d3e4f5a6b', completedAt: '2025-05-01T22:07:41.000Z' },
    pointCount: 3,
    lastAttempt: {
      at: '2025-05-01T22:07:41.000Z',
      result: 'succeeded',
      jobId: 'a2c4e6f8-0b1d-4f3a-8c5e-7a9b1c3d5e7f',
      pointId: '9f1c2b3a-4d5e-4f60-8a7b-1c2d3e4f5a6b',
      error: null,
    },
    ageSeconds: 5 * 3600,
    stale: false,
    ...overrides,
  };
}

export function dashboardCluster(overrides: Partial<DashboardCluster> = {}): DashboardCluster {
  return {
    clusterId: clusterA.id,
    name: clusterA.name,
    hosts: { total: 3, connected: 3, connecting: 0, unreachable: 0 },
    vmCount: 3,
    schedule: { kind: 'daily', time: '22:00' },
    nextRunAt: '2025-05-02T22:00:00.000Z',
    staleAfterHours: 48,
    staleVmCount: 2,
    activeBackupJobId: null,
    vms: [
      dashboardVm(ALPHA_UUID),
      dashboardVm(BRAVO_UUID, {
        name: 'bravo',
        state: 'shut off',
        lastPoint: { id: '0b7d6e55-1a2b-4c3d-9e4f-5a6b7c8d9e0f', completedAt: '2025-04-28T22:01:00.000Z' },
        pointCount: 1,
        lastAttempt: {
          at: '2025-05-01T22:02:00.000Z',
          result: 'failed',
          jobId: 'a2c4e6f8-0b1d-4f3a-8c5e-7a9b1c3d5e7f',
          pointId: null,
          error: { code: 'unreachable', message: 'kvm-b: connection refused (ECONNREFUSED 10.0.0.12:22)' },
        },
        ageSeconds: 3 * 24 * 3600 + 3600,
        stale: true,
      }),
      dashboardVm(CHARLIE_UUID, { name: 'charlie', lastPoint: null, pointCount: 0, lastAttempt: null, ageSeconds: null, stale: true }),
    ],
    ...overrides,
  };
}

export function dashboardWith(overrides: Partial<Dashboard> = {}): Dashboard {
  return {
    generatedAt: '2025-05-02T03:07:41.000Z',
    repository: {
      status: readyRepository,
      totalBytes: 4096 * GiB,
      storedBytes: 300 * GiB,
      chunkCount: 76_800,
      logicalBytes: 960 * GiB,
      dedupRatio: 3.2,
      figuresAt: '2025-05-02T03:00:00.000Z',
      figuresPending: false,
    },
    clusters: [dashboardCluster()],
    ...overrides,
  };
}
