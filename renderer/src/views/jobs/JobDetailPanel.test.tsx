import { describe, expect, it } from 'vitest';
import type { JobDetail, JobSummary } from '../../../../shared/model/job.js';
import { backupJob, jobDetailOf } from '../../testing/fixtures.js';
import { renderWithStores, storesForTest } from '../../testing/render.js';
import { restoreJobId, restoreProgress } from '../../testing/restore-fixtures.js';
import { JobDetailPanel } from './JobDetailPanel.js';

const GiB = 1024 ** 3;

const restoreJob: JobSummary = {
  ...backupJob,
  id: restoreJobId,
  kind: 'restore',
  state: 'succeeded',
  title: 'web to kvm2 as web-restored',
  subject: { kind: 'restore', vmName: 'web', host: 'kvm2', asName: 'web-restored' },
  finishedAt: '2025-05-01T10:05:00.000Z',
  itemCount: 1,
  itemsSucceeded: 1,
  bytesDone: 10 * GiB,
};

function restoreDetail(item: Parameters<typeof restoreProgress>[2]): JobDetail {
  return jobDetailOf(0, {
    summary: restoreJob,
    progress: restoreProgress(20, { state: 'succeeded', bytesDone: 10 * GiB, bytesTotal: 10 * GiB }, { state: 'succeeded', phase: 'done', ...item }),
    log: [{ seq: 1, at: '2025-05-01T10:00:01.000Z', level: 'info', message: 'Restore of web to kvm2 started', itemKey: null }],
  });
}

function render(detail: JobDetail): string {
  const stores = storesForTest();
  stores.jobDetail.setState({ jobId: detail.summary.id, detail, status: 'ready' });
  return renderWithStores(stores, <JobDetailPanel jobId={detail.summary.id} focusOnOpen={false} onClose={() => undefined} />);
}

describe('JobDetailPanel', () => {
  it('shows a restore job with what it wrote and the restored VM in its VM row', () => {
    const html = render(
      restoreDetail({
        restoreResult: {
          host: 'kvm2',
          vmName: 'web-restored',
          vmUuid: '5a5a5a5a-1111-4222-8333-444455556666',
          replaced: false,
          started: false,
          startError: 'network office is not active',
          volumes: ['vg0/web-restored-vda.raw'],
          warnings: ['Interface 52:54:00:00:00:01 left disconnected, as chosen.'],
        },
      }),
    );
    expect(html).toContain('Job: web to kvm2 as web-restored');
    expect(html).toContain('<dd>Restore</dd>');
    expect(html).toContain('<dt>Data written</dt><dd>10 GiB</dd>');
    expect(html).not.toContain('Data read');
    expect(html).toContain('web-restored on kvm2, as a copy');
    expect(html).toContain('Restored, but did not start:');
    expect(html).toContain('network office is not active');
    expect(html).toContain('Volumes: vg0/web-restored-vda.raw');
    expect(html).toContain('Interface 52:54:00:00:00:01 left disconnected, as chosen.');
    expect(html).toContain('Restore of web to kvm2 started');
  });

  it('keeps a backup job’s words', () => {
    const html = render(jobDetailOf(0, { summary: { ...backupJob, state: 'succeeded', finishedAt: '2025-05-01T10:05:00.000Z' } }));
    expect(html).toContain('<dt>Data read</dt>');
    expect(html).toContain('Reading disks');
  });
});
