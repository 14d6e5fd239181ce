import { describe, expect, it } from 'vitest';
import { describeJobEnd } from '../../../electron/main/job-notification.js';
import type { JobSummary } from '../../../shared/model/job.js';

const base: JobSummary = {
  id: '00000000-0000-4000-8000-000000000001',
  kind: 'backup',
  state: 'partial',
  title: 'Cluster lab',
  subject: { kind: 'cluster', clusterName: 'lab' },
  clusterId: null,
  trigger: 'schedule',
  createdAt: '2026-11-25T10:00:00.000Z',
  startedAt: '2026-11-25T10:00:00.000Z',
  finishedAt: '2026-11-25T10:05:00.000Z',
  itemCount: 7,
  itemsSucceeded: 6,
  itemsFailed: 1,
  bytesDone: 0,
};

describe('describeJobEnd', () => {
  it('says what ended, how, and how many VMs failed', () => {
    expect(describeJobEnd(base)).toEqual({ title: 'Backup partly failed: Cluster lab', body: '6 of 7 VMs done, 1 failed. Open Lifeboat for the details.' });
  });
  it('has no VM count for jobs without items', () => {
    expect(describeJobEnd({ ...base, kind: 'verify', state: 'succeeded', title: 'Verify repository', subject: { kind: 'verify' }, itemCount: 0, itemsSucceeded: 0, itemsFailed: 0 })).toEqual({
      title: 'Verify succeeded: Verify repository',
      body: 'Open Lifeboat for the details.',
    });
  });
});
