import { describe, expect, it } from 'vitest';
import { createFakeEngineClient } from '../../testing/fake-engine-client.js';
import { backupJob, jobItem, progressOf } from '../../testing/fixtures.js';
import { renderWithStores, storesForTest } from '../../testing/render.js';
import { ActiveJobCard } from './ActiveJobCard.js';
import { JobItemsTable } from './JobItemsTable.js';

const GiB = 1024 ** 3;

describe('ActiveJobCard', () => {
  it('shows the overall progress as a progressbar with bytes, speed, time left and the chart', () => {
    const progress = progressOf(10, { bytesDone: 0.5 * GiB, bytesTotal: 2 * GiB, throughputBps: 100 * 1024 ** 2, etaSeconds: 95 });
    const html = renderWithStores(storesForTest(), <ActiveJobCard progress={progress} isOpen={false} />);
    expect(html).toContain('aria-label="Progress of Office rack"');
    expect(html).toContain('aria-valuenow="25"');
    expect(html).toContain('aria-valuetext="25%: 512 MiB of 2 GiB"');
    expect(html).toContain('512 MiB of 2 GiB (25%)');
    expect(html).toContain('100 MiB/s');
    expect(html).toContain('About 2 min');
    expect(html).toContain('Speed over the last 3 s');
    expect(html).toContain(`href="#/jobs/${backupJob.id}"`);
    expect(html).toContain('aria-label="Cancel job: Office rack"');
  });

  it('says cancel was asked for, with the button disabled, once it was sent', () => {
    const stores = storesForTest(createFakeEngineClient());
    stores.jobs.setState({ cancelRequested: [backupJob.id] });
    const html = renderWithStores(stores, <ActiveJobCard progress={progressOf(3)} isOpen={false} />);
    expect(html).toMatch(/<button[^>]*aria-disabled="true"[^>]*>Cancelling…<\/button>/);
    expect(html).toContain('Cancel was asked for');
  });
});

describe('JobItemsTable', () => {
  it('shows each VM with its host, phase, per-disk bars, error and result', () => {
    const progress = progressOf(20, {
      items: [
        jobItem('web', {
          disks: [
            { target: 'vda', bytesDone: GiB, bytesTotal: 4 * GiB },
            { target: 'vdb', bytesDone: 0, bytesTotal: GiB },
          ],
        }),
        jobItem('db', {
          state: 'succeeded',
          phase: 'done',
          result: { pointId: 'p', type: 'full', fullReason: 'db is shut off', bytesRead: GiB, bytesAdded: 300 * 1024 ** 2 },
        }),
        jobItem('mail', { state: 'failed', error: { code: 'unreachable', message: 'kvm2: connect ECONNREFUSED' } }),
      ],
    });
    const html = renderWithStores(storesForTest(), <JobItemsTable progress={progress} />);
    expect(html).toContain('Reading disks');
    expect(html).toContain('aria-label="Disk vda of web"');
    expect(html).toContain('vda: 1 GiB of 4 GiB');
    expect(html).toContain('aria-label="Disk vdb of web"');
    expect(html).toContain('Full backup: db is shut off');
    expect(html).toContain('300 MiB added to the repository');
    expect(html).toContain('kvm2: connect ECONNREFUSED');
    // The phase of a VM that is done is not repeated next to its state.
    expect(html.match(/item-phase/g)).toHaveLength(1);
  });
});
