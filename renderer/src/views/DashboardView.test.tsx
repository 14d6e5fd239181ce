import { describe, expect, it } from 'vitest';
import { i18nForTest } from '../testing/i18n.js';
import { dashboardCluster, dashboardVm, dashboardWith } from '../testing/dashboard-fixtures.js';
import { renderWithStores, storesForTest } from '../testing/render.js';
import { DashboardView } from './DashboardView.js';
import { errorDetailsText } from '../components/error-details.js';

describe('DashboardView', () => {
  it("shows the repository's figures and each cluster's facts", () => {
    const stores = storesForTest();
    stores.dashboard.setState({ dashboard: dashboardWith(), status: 'ready' });
    const html = renderWithStores(stores, <DashboardView />);
    expect(html).toContain('/mnt/nas/lifeboat');
    expect(html).toContain('300 GiB');
    expect(html).toContain('960 GiB');
    expect(html).toContain('3.2×');
    expect(html).toContain('3 TiB of 4 TiB');
    expect(html).toContain('<dt>Restore points</dt><dd>42</dd>');
    expect(html).toContain('<dt>VMs with restore points</dt><dd>7</dd>');
    expect(html).toContain('3 VMs');
    expect(html).toContain('3 of 3 hosts connected');
    expect(html).toContain('2 VMs need a backup');
    expect(html).toContain('Next scheduled backup:');
    expect(html).toContain('older than 2 days');
    expect(html).toContain('Back up cluster');
  });

  it('marks VMs that need a backup in words, and shows why the last attempt failed with its details to copy', () => {
    const stores = storesForTest();
    stores.dashboard.setState({ dashboard: dashboardWith(), status: 'ready' });
    const html = renderWithStores(stores, <DashboardView />);
    expect(html.match(/class="dashboard-row-stale"/g)).toHaveLength(2);
    expect(html).toContain('Needs a backup');
    expect(html).toContain('Never backed up');
    expect(html).toContain('Up to date');
    expect(html).toContain('5 hours');
    expect(html).toContain('3 days');
    expect(html).toContain('kvm-b: connection refused (ECONNREFUSED 10.0.0.12:22)');
    expect(html).toContain('Copy details');
    // A control's name starts with its visible text (WCAG 2.5.3).
    expect(html).toContain('aria-label="Copy details: Why the last backup of bravo failed"');
    expect(html).toContain('aria-label="View job: the last attempt for bravo"');
    expect(html).toContain('href="#/jobs/a2c4e6f8-0b1d-4f3a-8c5e-7a9b1c3d5e7f"');
    expect(errorDetailsText({ code: 'unavailable', reason: 'low_space', message: 'Only 512 MiB is free' })).toBe('code: unavailable\nreason: low_space\nmessage: Only 512 MiB is free');
  });

  it('tells a VM gone from the cluster from one on no reachable host', () => {
    const stores = storesForTest();
    const old = { lastPoint: { id: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f', completedAt: '2025-04-01T22:00:00.000Z' }, ageSeconds: 30 * 24 * 3600 };
    const vms = [
      dashboardVm('6f1f6b1e-2a5f-4a47-9d0a-6d1b0c7b1a04', { name: 'delta', state: null, inInventory: false, gone: true, stale: false, ...old }),
      dashboardVm('6f1f6b1e-2a5f-4a47-9d0a-6d1b0c7b1a05', { name: 'echo', state: null, inInventory: false, gone: false, stale: true, ...old }),
    ];
    stores.dashboard.setState({ dashboard: dashboardWith({ clusters: [dashboardCluster({ vms, staleVmCount: 1 })] }), status: 'ready' });
    const html = renderWithStores(stores, <DashboardView />);
    expect(html).toContain('No longer in this cluster; its restore points are kept until retention removes them');
    expect(html).toContain('Not in the cluster');
    expect(html).toContain('On no reachable host');
    expect(html.match(/class="dashboard-row-stale"/g)).toHaveLength(1);
  });

  it('says the repository is still being measured, and that a cluster has no schedule and unreachable hosts', () => {
    const stores = storesForTest();
    const dashboard = dashboardWith({
      clusters: [dashboardCluster({ schedule: null, nextRunAt: null, hosts: { total: 3, connected: 2, connecting: 0, unreachable: 1 }, staleVmCount: 0, vms: [] })],
    });
    dashboard.repository = { ...dashboard.repository, storedBytes: null, logicalBytes: null, dedupRatio: null, chunkCount: null, figuresAt: null, figuresPending: true };
    stores.dashboard.setState({ dashboard, status: 'ready' });
    const html = renderWithStores(stores, <DashboardView />);
    expect(html).toContain('Measuring…');
    expect(html).toContain('No schedule: backups run when started');
    expect(html).toContain('1 host unreachable');
    expect(html).toContain('Every VM has a recent backup');
    expect(html).toContain('No VMs found');
  });

  it('leads to Settings without a repository and to Clusters without a cluster', () => {
    const stores = storesForTest();
    const dashboard = dashboardWith({ clusters: [] });
    dashboard.repository = { ...dashboard.repository, status: { path: null, state: 'not_configured', error: null, pointCount: 0, vmCount: 0, freeBytes: null } };
    stores.dashboard.setState({ dashboard, status: 'ready' });
    const html = renderWithStores(stores, <DashboardView />);
    expect(html).toContain('href="#/settings"');
    expect(html).toContain('No clusters yet');
    expect(html).toContain('href="#/clusters"');
  });

  it('shows a failure to load readably, with its details to copy and a retry', () => {
    const stores = storesForTest();
    stores.dashboard.setState({ status: 'error', error: { code: 'unavailable', message: 'The catalog is locked', reason: 'locked' } });
    const html = renderWithStores(stores, <DashboardView />);
    expect(html).toContain('The dashboard could not be loaded.');
    expect(html).toContain('Something the engine needs is not available right now.');
    expect(html).toContain('The catalog is locked');
    expect(html).toContain('Code: unavailable (locked)');
    expect(html).toContain('Copy details');
    expect(html).toContain('Try again');
  });

  it('speaks Japanese', () => {
    const stores = storesForTest();
    stores.dashboard.setState({ dashboard: dashboardWith(), status: 'ready' });
    const html = renderWithStores(stores, <DashboardView />, i18nForTest('ja'));
    expect(html).toContain('ダッシュボード');
    expect(html).toContain('バックアップが必要な VM 2 台');
    expect(html).toContain('未バックアップ');
    expect(html).toContain('3.2 倍');
    expect(html).toContain('3 日');
  });
});
