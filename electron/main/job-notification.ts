// What the desktop notification says when a job ends: one line of what and how it went, one of the detail.
import type { JobSummary } from '../../shared/model/job.js';

const OUTCOME: Record<JobSummary['state'], string> = {
  queued: 'is queued',
  running: 'is running',
  succeeded: 'succeeded',
  partial: 'partly failed',
  failed: 'failed',
  cancelled: 'was cancelled',
};

const KIND: Record<JobSummary['kind'], string> = { backup: 'Backup', restore: 'Restore', verify: 'Verify', prune: 'Prune' };

export function describeJobEnd(summary: JobSummary): { title: string; body: string } {
  const title = `${KIND[summary.kind]} ${OUTCOME[summary.state]}: ${summary.title}`;
  if (summary.itemCount === 0) return { title, body: 'Open Lifeboat for the details.' };
  const parts = [`${summary.itemsSucceeded} of ${summary.itemCount} VMs done`];
  if (summary.itemsFailed > 0) parts.push(`${summary.itemsFailed} failed`);
  return { title, body: `${parts.join(', ')}. Open Lifeboat for the details.` };
}
