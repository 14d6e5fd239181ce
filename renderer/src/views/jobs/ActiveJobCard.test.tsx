import { describe, expect, it } from 'vitest';
import { JOB_PHASES } from '../../../../shared/model/job.js';
import { en } from '../../locales/index.js';
import { i18nForTest } from '../../testing/i18n.js';
import { createFakeEngineClient } from '../../testing/fake-engine-client.js';
import { backupJob, jobItem, progressOf } from '../../testing/fixtures.js';
import { renderWithStores, storesForTest } from '../../testing/render.js';
import { restoreProgress } from '../../testing/restore-fixtures.js';
import { ActiveJobCard } from './ActiveJobCard.js';
import { itemPhaseText, JobItemsTable } from './JobItemsTable.js';

const GiB = 1024 ** 3;
const t = i18nForTest().getFixedT('en', ['jobs', 'restore'] as const);

describe('ActiveJobCard', () => {
  it('shows the overall progress as a progressbar with bytes, speed, time left and the chart', () => {
    const progress = progressOf(10, { bytesDone: 0.5 * GiB, bytesTotal: 2 * GiB, throughputBps: 100 * 1024 ** 2, etaSeconds: 95 });
    const html = renderWithStores(storesForTest(), <ActiveJobCard progress={progress} isOpen={false} />);
    expect(html).toContain('aria-label="Progress of Cluster Office rack"');
    expect(html).toContain('aria-valuenow="25"');
    expect(html).toContain('aria-valuetext="25%: 512 MiB of 2 GiB"');
    expect(html).toContain('512 MiB of 2 GiB (25%)');
    expect(html).toContain('100 MiB/s');
    expect(html).toContain('About 2 min');
    expect(html).toContain('Speed over the last 3 s');
    expect(html).toContain(`href="#/jobs/${backupJob.id}"`);
    expect(html).toContain('aria-label="Cancel job: Cluster Office rack"');
  });

  it('says what the job does as a whole, in words of its own, while it runs', () => {
    // A backup's last step: retention, once every VM is done.
    const pruning = progressOf(40, { phase: 'pruning', items: [jobItem('web', { state: 'succeeded', phase: 'done' })] });
    const html = renderWithStores(storesForTest(), <ActiveJobCard progress={pruning} isOpen={false} />);
    expect(html).toMatch(/<p class="job-card-kind">.*Running.*<span class="job-phase">Deleting restore points no policy keeps<\/span><\/p>/);
    for (const phase of JOB_PHASES) {
      const text = en.jobs.phases[phase];
      expect(text).not.toContain('_');
      expect(renderWithStores(storesForTest(), <ActiveJobCard progress={progressOf(41, { phase })} isOpen={false} />)).toContain(text);
    }
    // A prune counts no bytes: its bar, without a value, says the phase rather than "working out how much to read".
    const prune = progressOf(44, { kind: 'prune', title: 'Prune', phase: 'collecting_garbage', bytesDone: 0, bytesTotal: 0, items: [] });
    const pruneHtml = renderWithStores(storesForTest(), <ActiveJobCard progress={prune} isOpen={false} />);
    expect(pruneHtml).toContain('aria-valuetext="Freeing the space of deleted points"');
    expect(pruneHtml).not.toContain('Working out how much to read');
    // No phase, or one left in a snapshot that is not running: nothing said.
    expect(renderWithStores(storesForTest(), <ActiveJobCard progress={progressOf(42)} isOpen={false} />)).not.toContain('job-phase');
    const queued = progressOf(43, { state: 'queued', phase: 'verifying' });
    expect(renderWithStores(storesForTest(), <ActiveJobCard progress={queued} isOpen={false} />)).not.toContain('job-phase');
  });

  it('never shows a running job as all done, though the VMs counted so far are all read', () => {
    // The engine's total counts the VMs sized so far: all read, with one VM still queued (or retention to run).
    const progress = progressOf(50, { bytesDone: 2 * GiB, bytesTotal: 2 * GiB });
    const html = renderWithStores(storesForTest(), <ActiveJobCard progress={progress} isOpen={false} />);
    expect(html).toContain('aria-valuenow="99"');
    expect(html).toContain('2 GiB of 2 GiB (99%)');
    expect(html).not.toContain('aria-valuenow="100"');
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

  it('shows a VM done with nothing to read as done, and one still writing its point as not yet', () => {
    const progress = progressOf(30, {
      items: [
        // An incremental backup of a VM where nothing changed.
        jobItem('web', {
          state: 'succeeded',
          phase: 'done',
          disks: [{ target: 'vda', bytesDone: 0, bytesTotal: 0 }],
          bytesDone: 0,
          bytesTotal: 0,
          result: { pointId: 'p', type: 'incremental', fullReason: null, bytesRead: 0, bytesAdded: 0 },
        }),
        // Every disk read, the restore point being written.
        jobItem('db', { phase: 'writing', disks: [{ target: 'vda', bytesDone: GiB, bytesTotal: GiB }], bytesDone: GiB, bytesTotal: GiB }),
      ],
    });
    const html = renderWithStores(storesForTest(), <JobItemsTable progress={progress} />);
    const bar = (label: string): string => html.match(new RegExp(`<div[^>]*role="progressbar"[^>]*aria-label="${label}"[^>]*>`))?.[0] ?? '';
    expect(bar('Progress of web')).toContain('aria-valuenow="100"');
    expect(bar('Progress of web')).toContain('aria-valuetext="Done: there was nothing to read."');
    expect(bar('Disk vda of web')).toContain('aria-valuenow="100"');
    expect(bar('Progress of web')).not.toContain('progress-indeterminate');
    expect(bar('Progress of db')).toContain('aria-valuenow="99"');
    expect(bar('Disk vda of db')).toContain('aria-valuenow="100"');
    expect(html).toContain('Writing the restore point');
  });

  it('words a restore\'s phases for a restore, not a backup', () => {
    const phases = ['preflight', 'creating', 'uploading', 'defining', 'starting', 'finishing', 'cleaning-up', 'done'];
    for (const phase of phases) {
      const text = itemPhaseText(t, 'restore', phase);
      expect(text, phase).not.toBe(phase);
      expect(text).not.toMatch(/backup/i);
    }
    expect(itemPhaseText(t, 'restore', 'starting')).toBe('Starting the VM');
    expect(itemPhaseText(t, 'backup', 'starting')).toBe('Starting the backup');
    // A phase the engine adds later is shown as it says it.
    expect(itemPhaseText(t, 'restore', 'resizing')).toBe('resizing');

    const html = renderWithStores(storesForTest(), <JobItemsTable progress={restoreProgress(5, {}, { phase: 'starting' })} />);
    expect(html).toContain('<span class="item-phase muted">Starting the VM</span>');
    expect(html).not.toContain('Starting the backup');
    expect(renderWithStores(storesForTest(), <JobItemsTable progress={restoreProgress(6)} />)).toContain('Writing the disks');
  });

  it('shows what a restore produced: the VM and its host, running or why it did not start, its volumes and warnings', () => {
    const result = {
      host: 'kvm2',
      vmName: 'web-restored',
      vmUuid: '5a5a5a5a-1111-4222-8333-444455556666',
      replaced: false,
      started: true,
      startError: null,
      volumes: ['vg0/web-restored-vda.raw', 'vg0/web-restored-vdb.raw'],
      warnings: ['Disk vdc (/dev/sdc) was not backed up and is kept as it was.'],
    };
    const done = restoreProgress(7, { state: 'succeeded' }, { state: 'succeeded', phase: 'done', restoreResult: result });
    const html = renderWithStores(storesForTest(), <JobItemsTable progress={done} />);
    expect(html).toContain('web-restored on kvm2, as a copy');
    expect(html).toContain('>Running<');
    expect(html).toContain('Volumes: vg0/web-restored-vda.raw and vg0/web-restored-vdb.raw');
    expect(html).toContain('aria-label="1 warning"');
    expect(html).toContain('Disk vdc (/dev/sdc) was not backed up and is kept as it was.');
    expect(html).not.toContain('added to the repository');

    const notStarted = restoreProgress(8, { state: 'succeeded' }, {
      state: 'succeeded',
      phase: 'done',
      restoreResult: { ...result, replaced: true, vmName: 'web', started: false, startError: 'network office is not active', warnings: [] },
    });
    const notStartedHtml = renderWithStores(storesForTest(), <JobItemsTable progress={notStarted} />);
    expect(notStartedHtml).toContain('web on kvm2, replacing the original');
    expect(notStartedHtml).toMatch(/Restored, but did not start: <span class="selectable">network office is not active<\/span>/);
    expect(notStartedHtml).not.toContain('plan-warnings');

    const shutOff = restoreProgress(9, { state: 'succeeded' }, { state: 'succeeded', phase: 'done', restoreResult: { ...result, started: false } });
    expect(renderWithStores(storesForTest(), <JobItemsTable progress={shutOff} />)).toContain('>Left shut off<');

    // A restore that failed has no result, only its error.
    const failed = restoreProgress(10, { state: 'failed' }, { state: 'failed', phase: null, error: { code: 'no_space', message: 'vg0 on kvm2 is full' } });
    const failedHtml = renderWithStores(storesForTest(), <JobItemsTable progress={failed} />);
    expect(failedHtml).toContain('vg0 on kvm2 is full');
    expect(failedHtml).not.toContain('as a copy');
  });

  it('counts what a restore wrote, not what it read', () => {
    const html = renderWithStores(storesForTest(), <ActiveJobCard progress={restoreProgress(11)} isOpen={false} />);
    expect(html).toContain('<dt>Written</dt>');
    expect(html).not.toContain('<dt>Read</dt>');
    expect(renderWithStores(storesForTest(), <ActiveJobCard progress={progressOf(11)} isOpen={false} />)).toContain('<dt>Read</dt>');
  });
});
