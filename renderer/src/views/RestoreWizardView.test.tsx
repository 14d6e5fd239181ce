import { describe, expect, it } from 'vitest';
import { clusterA, hostIds } from '../testing/fixtures.js';
import { renderWithStores, storesForTest } from '../testing/render.js';
import { i18nForTest } from '../testing/i18n.js';
import { planFor, restoreChangeSamples, restoreJobId, restorePointIds, restorePoints, restoreProgress, webTargets } from '../testing/restore-fixtures.js';
import type { Stores } from '../stores/index.js';
import type { RestoreWizardState } from '../stores/restore-wizard-store.js';
import { RestoreWizardView } from './RestoreWizardView.js';
import { RestorePointsView } from './RestorePointsView.js';

const GiB = 1024 ** 3;

function wizardAt(patch: Partial<RestoreWizardState>): Stores {
  const stores = storesForTest();
  stores.restoreWizard.setState({
    points: restorePoints,
    clusters: [clusterA],
    pointsStatus: 'ready',
    pointId: restorePointIds.webNew,
    targets: webTargets(),
    targetsStatus: 'ready',
    form: { name: 'web-restored', pool: 'vg0', format: 'raw', replace: false, start: true, networkMap: { office: null } },
    hostId: hostIds.kvm2,
    ...patch,
  });
  return stores;
}

const render = (stores: Stores): string => renderWithStores(stores, <RestoreWizardView />);

/** The opening tag of the element that carries `marker` (an attribute or value unique to it). */
function tagWith(html: string, marker: string): string {
  const at = html.indexOf(marker);
  expect(at, marker).toBeGreaterThanOrEqual(0);
  return html.slice(html.lastIndexOf('<', at), html.indexOf('>', at) + 1);
}

describe('RestoreWizardView', () => {
  it('step 1: the points of each VM as one group of radios, with time, type and host, the chosen one checked', () => {
    const html = render(wizardAt({ step: 'point', hostId: null, targets: null }));
    expect(html).toContain('Step 1 of 4: VM and restore point');
    expect(html).toMatch(/<li[^>]*aria-current="step"[^>]*>.*?1\. VM and restore point/);
    expect(html).toContain('<legend class="field-label">web (Office rack)</legend>');
    expect(html).toContain('<legend class="field-label">db (Office rack)</legend>');
    expect(html).toMatch(/· Incremental · from kvm1/);
    expect(html).toMatch(/· Full · from kvm2/);
    expect(html).toContain('Disks: vda 10 GiB');
    expect(tagWith(html, `value="${restorePointIds.webNew}"`)).toContain('checked');
    expect(tagWith(html, `value="${restorePointIds.webOld}"`)).not.toContain('checked');
    expect(html).toContain('Chosen: web,');
    expect(html).toContain('3 restore points of 2 VMs.');
    // Nothing to go back to; Next can be pressed.
    expect(html).not.toContain('>Back<');
    expect(tagWith(html, '>Next<')).not.toContain('aria-disabled="true"');
  });

  it('step 1: Next says why it cannot go on without a point, and a missing point is said where the list is', () => {
    const html = render(wizardAt({ step: 'point', pointId: null, openedWithUnknownPoint: true, problems: { point: 'required' } }));
    expect(html).toContain('aria-disabled="true"');
    expect(html).toContain('Choose a restore point to go on.');
    expect(html).toContain('is not in the repository');
    expect(html).toContain('aria-invalid="true"');
  });

  it('step 1: a point the engine could not read in the check shows the error on the step, where focus can go', () => {
    const html = render(
      wizardAt({
        step: 'point',
        engineError: { step: 'point', field: null, error: { code: 'unavailable', message: 'chunk 3f2a… of the point is missing', reason: 'point_damaged' } },
      }),
    );
    expect(html).toContain('The restore point could not be read: choose another one.');
    expect(html).toContain('chunk 3f2a… of the point is missing');
    expect(html).toMatch(/<div class="notice notice-error" role="alert" tabindex="-1" data-wizard-focus="error">/);
  });

  it('step 2: every host with its state and pools against the disks; one that cannot take the VM is disabled and says why', () => {
    const html = render(wizardAt({ step: 'host' }));
    expect(html).toContain('Step 2 of 4: Target host');
    expect(html).toContain('Its disks need 10 GiB free in one storage pool.');
    const kvm3 = tagWith(html, `value="${hostIds.kvm3}"`);
    expect(kvm3).toContain('disabled');
    expect(html).toContain('Cannot be chosen: the host did not answer (unavailable: connect ECONNREFUSED 10.0.0.13:16509).');
    expect(tagWith(html, `value="${hostIds.kvm2}"`)).toContain('checked');
    expect(tagWith(html, `value="${hostIds.kvm1}"`)).not.toContain('disabled');
    expect(html).toContain('Has the original VM');
    expect(html).toContain('default (dir): 2 GiB free of 500 GiB');
    expect(html).toContain('not enough room (needs 10 GiB)');
    expect(html).toContain('vg0 (logical): 50 GiB free of 500 GiB');
    expect(html).toContain('not running');
    expect(html).toContain('Connected');
    expect(html).toContain('Unreachable');
    // Earlier steps can be gone back to from the step list.
    expect(html).toMatch(/<button type="button" class="wizard-step-link">1\. VM and restore point/);
  });

  it('step 2: a host the engine found unreachable in the check shows the error at that host', () => {
    const html = render(
      wizardAt({ step: 'host', engineError: { step: 'host', field: 'host', error: { code: 'unavailable', message: 'connect ECONNREFUSED 10.0.0.12:22' } } }),
    );
    expect(html).toContain('The engine refused this: connect ECONNREFUSED 10.0.0.12:22');
    expect(tagWith(html, `value="${hostIds.kvm2}"`)).toContain('aria-invalid="true"');
  });

  it('step 3: name, pool (without room: disabled, saying why), raw only in an LVM pool, network mapping and start', () => {
    const html = render(wizardAt({ step: 'options', problems: { name: 'invalid' }, form: { name: 'web copy', pool: 'vg0', format: 'raw', replace: false, start: true, networkMap: { office: null } } }));
    expect(html).toContain('Step 3 of 4: Options');
    expect(html).toContain('Name of the restored VM');
    expect(tagWith(html, 'value="web copy"')).toContain('aria-invalid="true"');
    expect(html).toContain('Use letters, digits and . _ + - only, starting with a letter or digit.');
    // kvm2 has no original: no replace.
    expect(html).toContain('The original VM is not on kvm2');
    expect(html).not.toContain('Replace the original VM');
    expect(tagWith(html, '<option value="default"')).toContain('disabled');
    expect(html).toContain('default (dir), 2 GiB free: not enough room (needs 10 GiB)');
    expect(html).toContain('vg0 (logical), 50 GiB free');
    expect(tagWith(html, 'value="qcow2"')).toContain('disabled');
    expect(html).toContain('qcow2 needs a pool of files; vg0 holds block volumes.');
    expect(html).toContain('kvm2 lacks networks the VM was on.');
    expect(html).toContain('Interfaces on network office (52:54:00:00:00:01)');
    expect(html).toContain('<option value="" selected="">Leave disconnected</option>');
    expect(html).toContain('Bridge br0');
    expect(tagWith(html, 'data-wizard-focus="start"')).toContain('checked');
    expect(html).toContain('>Back<');
  });

  it('step 3: replace is offered on the host with the original, keeps its name, and shows the engine’s refusal there', () => {
    const html = render(
      wizardAt({
        step: 'options',
        hostId: hostIds.kvm1,
        form: { name: 'web-restored', pool: 'default', format: 'qcow2', replace: true, start: false, networkMap: {} },
        engineError: { step: 'options', field: 'replace', error: { code: 'conflict', message: 'web is running on kvm1: shut it down first' } },
      }),
    );
    expect(html).toContain('Replace the original VM on kvm1');
    expect(html).toContain('The original must be shut off');
    expect(html).toContain('The restored VM keeps the original’s name, web.');
    expect(html).not.toContain('Name of the restored VM');
    expect(html).toContain('The engine refused this: web is running on kvm1: shut it down first');
    expect(tagWith(html, 'data-wizard-focus="replace"')).toContain('aria-invalid="true"');
    // kvm1 has every network the VM was on.
    expect(html).not.toContain('Leave disconnected');
  });

  it('step 4: the plan, disks to volumes, space, changes and warnings', () => {
    const html = render(wizardAt({ step: 'review', plan: planFor(), planStatus: 'ready' }));
    expect(html).toContain('Step 4 of 4: Review');
    expect(html).toContain('web-restored (a copy with a new identity)');
    expect(html).toContain('<dd>kvm2</dd>');
    expect(html).toContain('<dd>vg0</dd>');
    expect(html).toContain('10 GiB needed, 50 GiB free');
    expect(html).toContain('web-restored-vda.raw');
    expect(html).toContain('Changes to fit kvm2');
    expect(html).toContain('Interface 52:54:00:00:00:01 on network office left out, as chosen.');
    expect(html).toContain('Disk vdb (/dev/sdb) was not backed up');
    expect(html).toContain('<dd>Started</dd>');
    expect(tagWith(html, '>Start restore<')).not.toContain('aria-disabled="true"');
  });

  it('step 4: the changes in Japanese, in the order the engine gave them', () => {
    const changes = [restoreChangeSamples.renamed[0]!, restoreChangeSamples.new_uuid[0]!, restoreChangeSamples.nic_left_out[0]!];
    const stores = wizardAt({ step: 'review', plan: planFor({ changes }), planStatus: 'ready' });
    const html = renderWithStores(stores, <RestoreWizardView />, i18nForTest('ja'));
    expect(html).toContain('kvm2 に合わせた変更');
    const items = [...html.matchAll(/<ul class="plan-changes">(.*?)<\/ul>/g)].map((m) => m[1] ?? '').join('');
    expect([...items.matchAll(/<li[^>]*>(.*?)<\/li>/g)].map((m) => m[1])).toEqual([
      '名前を web-restored にします（元の名前: web）。',
      '新しい UUID 5a5a5a5a-1111-4222-8333-444455556666 を割り当てます。コピーと元の VM は別々の VM になります。',
      'ネットワーク office のインターフェース 52:54:00:00:00:01 は、選択どおり除外します。',
    ]);
    expect(html).not.toContain('left out, as chosen');
  });

  it('step 4: while checking, and when the check failed here, Start says why it waits', () => {
    const checking = render(wizardAt({ step: 'review', planStatus: 'loading' }));
    expect(checking).toContain('Checking the restore against kvm2…');
    expect(checking).toContain('The restore is being checked.');
    const failed = render(wizardAt({ step: 'review', planStatus: 'error', engineError: { step: 'review', field: null, error: { code: 'internal', message: 'boom' } } }));
    expect(failed).toContain('The check did not pass.');
    expect(failed).toContain('Check again');
    expect(failed).toContain('The check must pass before the restore can start.');
  });

  it('progress: the phase, a bar for the restore and one per disk, and the job to follow', () => {
    const html = render(wizardAt({ step: 'progress', jobId: restoreJobId, progress: restoreProgress(3) }));
    expect(html).toContain('Restoring web-restored to kvm2');
    expect(html).toContain('Writing the disks');
    expect(html).toMatch(/role="progressbar" aria-label="Restore of web-restored"[^>]*aria-valuenow="40"/);
    expect(html).toMatch(/role="progressbar" aria-label="Disk vda"[^>]*aria-valuenow="40"/);
    expect(html).toContain('vda: 4 GiB of 10 GiB');
    expect(html).toContain(`href="#/jobs/${restoreJobId}"`);
    expect(html).toContain('Cancel restore');
    // No wizard buttons while the restore runs, and no going back to a step.
    expect(html).not.toContain('>Next<');
    expect(html).not.toContain('wizard-step-link');
  });

  it('progress: never shows 100% before the restore ended', () => {
    const all = restoreProgress(9, {}, { phase: 'defining', disks: [{ target: 'vda', bytesDone: 10 * GiB, bytesTotal: 10 * GiB }], bytesDone: 10 * GiB, bytesTotal: 10 * GiB });
    const html = render(wizardAt({ step: 'progress', jobId: restoreJobId, progress: all }));
    expect(html).toContain('Defining the VM');
    expect(html).toMatch(/aria-label="Restore of web-restored"[^>]*aria-valuenow="99"/);
  });

  it('result: the VM, its host, running, its volumes, and links to it in Clusters and to the job', () => {
    const result = { host: 'kvm2', vmName: 'web-restored', vmUuid: '5a5a5a5a-1111-4222-8333-444455556666', replaced: false, started: true, startError: null, volumes: ['vg0/web-restored-vda.raw'], warnings: ['Check the clock.'] };
    const html = render(wizardAt({ step: 'result', jobId: restoreJobId, progress: restoreProgress(9, { state: 'succeeded' }, { state: 'succeeded', phase: 'done', restoreResult: result }) }));
    expect(html).toContain('web-restored is restored on kvm2');
    expect(html).toContain('web-restored is running on kvm2.');
    expect(html).toContain('vg0/web-restored-vda.raw');
    expect(html).toContain('Check the clock.');
    expect(html).toContain('href="#/clusters"');
    expect(html).toContain('See web-restored in Clusters');
    expect(html).toContain(`href="#/jobs/${restoreJobId}"`);
    expect(html).toContain('Restore another VM');
  });

  it('result: a VM that did not start says why', () => {
    const result = { host: 'kvm2', vmName: 'web-restored', vmUuid: '5a5a5a5a-1111-4222-8333-444455556666', replaced: false, started: false, startError: 'not enough memory', volumes: [], warnings: [] };
    const html = render(wizardAt({ step: 'result', jobId: restoreJobId, progress: restoreProgress(9, { state: 'succeeded' }, { state: 'succeeded', restoreResult: result }) }));
    expect(html).toContain('web-restored is restored, but did not start:');
    expect(html).toContain('not enough memory');
    expect(html).toContain('<dd>Shut off</dd>');
  });

  it('result: a failed restore says why, and offers to change the options', () => {
    const progress = restoreProgress(9, { state: 'failed' }, { state: 'failed', error: { code: 'unavailable', message: 'kvm2 went away while writing vda' } });
    const html = render(wizardAt({ step: 'result', jobId: restoreJobId, progress }));
    expect(html).toContain('The restore failed');
    expect(html).toContain('kvm2 went away while writing vda');
    expect(html).toContain('Code: unavailable');
    expect(html).toContain('Change the options and try again');
    expect(html).not.toContain('href="#/clusters"');
  });
});

describe('the wizard from the Restore points view', () => {
  it('offers “Restore…” on every point, opening the wizard with that point, and “Restore a VM…” for any', () => {
    const stores = storesForTest();
    stores.clusters.setState({ clusters: [clusterA], status: 'ready' });
    stores.points.setState({ status: 'ready', points: restorePoints });
    const html = renderWithStores(stores, <RestorePointsView />);
    for (const point of restorePoints) expect(html).toContain(`href="#/restore/${point.id}"`);
    expect(html).toMatch(/aria-label="Restore web from [^"]+…"/);
    expect(html).toContain('href="#/restore">Restore a VM…</a>');
    expect(html).toContain('<span class="visually-hidden">Actions</span>');
  });
});
