// First run: whether the app still has to walk the user through choosing a repository and adding a cluster.
// The "done" flag lives in the catalog's settings table beside the repository path, outside the user settings
// (nothing to change by hand).
import { join } from 'node:path';
import type { OnboardingStatus } from '../../../shared/model/onboarding.js';
import type { Catalog } from '../catalog/catalog.js';
import { listClusters } from '../catalog/listings.js';
import { readRepositoryPath } from '../catalog/settings-table.js';
import type { LabDescription } from '../clusters/lab-cluster.js';

const ONBOARDING_COMPLETED_KEY = 'onboarding.completed';

/** The folder the onboarding proposes for a new repository, inside the user's documents (desktop) or home (headless). */
export const PROPOSED_REPOSITORY_FOLDER_NAME = 'Lifeboat Backups';

function readCompletedFlag(catalog: Catalog): boolean {
  const row = catalog.db.prepare('SELECT value FROM settings WHERE key = ?').get(ONBOARDING_COMPLETED_KEY) as { value: string } | undefined;
  if (!row) return false;
  try {
    return JSON.parse(row.value) === true;
  } catch {
    return false;
  }
}

export function markOnboardingCompleted(catalog: Catalog): void {
  catalog.db
    .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
    .run(ONBOARDING_COMPLETED_KEY, JSON.stringify(true));
}

export function onboardingStatus(catalog: Catalog, userDocumentsDir: string | null, lab: LabDescription | null): OnboardingStatus {
  const repositoryPath = readRepositoryPath(catalog);
  const clusterCount = listClusters(catalog).length;
  return {
    repositoryConfigured: repositoryPath !== null,
    repositoryPath,
    clusterCount,
    // An install set up before the onboarding existed (repository and cluster in place) never sees it.
    completed: readCompletedFlag(catalog) || (repositoryPath !== null && clusterCount > 0),
    proposedRepositoryPath: userDocumentsDir === null ? null : join(userDocumentsDir, PROPOSED_REPOSITORY_FOLDER_NAME),
    lab: lab === null ? null : { hostCount: lab.hosts.length },
  };
}
