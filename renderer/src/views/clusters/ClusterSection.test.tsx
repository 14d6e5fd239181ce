import { describe, expect, it } from 'vitest';
import { backupJob, clusterA, hostIds, inventoryOf, progressOf, vm, vmUuids } from '../../testing/fixtures.js';
import { renderWithStores, storesForTest } from '../../testing/render.js';
import type { Stores } from '../../stores/index.js';
import { ClusterSection } from './ClusterSection.js';

function withInventory(): Stores {
  const stores = storesForTest();
  stores.inventory.setState({
    byCluster: {
      [clusterA.id]: {
        inventory: inventoryOf(
          [vm(vmUuids.web, 'web', hostIds.kvm1), vm(vmUuids.db, 'db', hostIds.kvm2), vm(vmUuids.mail, 'mail', hostIds.kvm3)],
          '2025-05-01T10:00:00.000Z',
        ),
        refreshing: false,
        refreshError: null,
        watchError: null,
      },
    },
  });
  return stores;
}

/** The opening tag of the checkbox with this accessible name. */
function checkbox(html: string, label: string): string {
  const match = new RegExp(`<input[^>]*aria-label="${label}"[^>]*>`).exec(html);
  if (!match) throw new Error(`no checkbox labelled ${label}`);
  return match[0];
}

describe('ClusterSection backups', () => {
  it('has a prominent Back up cluster button and a checkbox per VM, none chosen', () => {
    const html = renderWithStores(withInventory(), <ClusterSection cluster={clusterA} />);
    expect(html).toMatch(/<button[^>]*class="button button-primary"[^>]*aria-label="Back up cluster Office rack"/);
    for (const name of ['web', 'db', 'mail']) expect(checkbox(html, `Choose ${name}`)).not.toContain('checked');
    expect(checkbox(html, 'Choose all VMs of Office rack')).not.toContain('checked');
    expect(html).toContain('0 of 3 VMs chosen');
    // Nothing chosen: the button says why it does nothing.
    expect(html).toMatch(/<button[^>]*aria-disabled="true"[^>]*aria-describedby="[^"]+"[^>]*>.*Back up selected \(0\)<\/button>/);
    expect(html).toContain('Choose VMs in the table to back up only those.');
  });

  it('shows the chosen VMs and counts them on the button', () => {
    const stores = withInventory();
    stores.backup.getState().toggleVm(clusterA.id, vmUuids.db);
    const html = renderWithStores(stores, <ClusterSection cluster={clusterA} />);
    expect(checkbox(html, 'Choose db')).toContain('checked');
    expect(checkbox(html, 'Choose web')).not.toContain('checked');
    expect(html).toContain('1 of 3 VMs chosen');
    expect(html).toMatch(/<button[^>]*aria-disabled="false"[^>]*>.*Back up selected \(1\)<\/button>/);
  });

  it('checks the select-all box when every VM is chosen', () => {
    const stores = withInventory();
    stores.backup.getState().setVmsSelected(clusterA.id, [vmUuids.web, vmUuids.db, vmUuids.mail], true);
    const html = renderWithStores(stores, <ClusterSection cluster={clusterA} />);
    expect(checkbox(html, 'Choose all VMs of Office rack')).toContain('checked');
  });

  it('disables both buttons with a reason while a backup is being started', () => {
    const stores = withInventory();
    stores.backup.getState().toggleVm(clusterA.id, vmUuids.db);
    stores.backup.setState({ byCluster: { [clusterA.id]: { ...stores.backup.getState().byCluster[clusterA.id]!, starting: 'cluster' } } });
    const html = renderWithStores(stores, <ClusterSection cluster={clusterA} />);
    expect(html).toMatch(/<button[^>]*aria-label="Back up cluster Office rack"[^>]*aria-disabled="true"[^>]*>.*Starting…<\/button>/);
    expect(html.match(/The backup is being started\./g)).toHaveLength(2);
  });

  it('shows the cluster backup in progress with a link to its job', () => {
    const stores = withInventory();
    stores.jobProgress.setState({ byJob: { [backupJob.id]: progressOf(4, { bytesDone: 1024 ** 3, bytesTotal: 4 * 1024 ** 3 }) } });
    const html = renderWithStores(stores, <ClusterSection cluster={clusterA} />);
    expect(html).toContain('Backup running: 25%');
    expect(html).toContain(`href="#/jobs/${backupJob.id}"`);
    expect(html).toMatch(/role="progressbar" aria-label="Backup of Office rack"[^>]*aria-valuenow="25"/);
  });

  it('links to the job it started, and says how it ended', () => {
    const stores = withInventory();
    stores.backup.setState({
      byCluster: { [clusterA.id]: { selected: [], starting: null, error: null, started: { jobId: backupJob.id, scope: 'selected', vmCount: 2 } } },
    });
    let html = renderWithStores(stores, <ClusterSection cluster={clusterA} />);
    expect(html).toContain('Backup of 2 VMs of Office rack started.');
    expect(html).toMatch(new RegExp(`<a href="#/jobs/${backupJob.id}">Follow its progress</a>`));

    stores.jobProgress.setState({ byJob: { [backupJob.id]: progressOf(9, { state: 'partial' }) } });
    html = renderWithStores(stores, <ClusterSection cluster={clusterA} />);
    expect(html).toContain('Backup ended:');
    expect(html).toContain('Partly succeeded');
  });
});
