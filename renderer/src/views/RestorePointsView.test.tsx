import { describe, expect, it } from 'vitest';
import { clusterA, point, readyRepository } from '../testing/fixtures.js';
import { renderWithStores, storesForTest } from '../testing/render.js';
import { RestorePointsView } from './RestorePointsView.js';

const P = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('RestorePointsView', () => {
  it('groups points by cluster and VM with time, type, size added and source host', () => {
    const stores = storesForTest();
    stores.clusters.setState({ clusters: [clusterA], status: 'ready' });
    stores.repository.setState({ repository: readyRepository, status: 'ready' });
    stores.points.setState({
      status: 'ready',
      points: [
        point(P(2), 'web', '2025-05-01T02:00:00.000Z', { sourceHostLabel: 'kvm3' }),
        point(P(1), 'web', '2025-04-30T02:00:00.000Z', { type: 'full', fullReason: 'web is shut off' }),
        point(P(3), 'mail', '2025-03-01T02:00:00.000Z', { clusterId: 'ffffffff-0000-4000-8000-000000000001', clusterName: 'Old rack' }),
      ],
      damaged: [{ path: 'points/2025/x.json', message: 'unexpected end of JSON input' }],
    });
    const html = renderWithStores(stores, <RestorePointsView />);
    expect(html).toContain('<h2 id="');
    expect(html.indexOf('Office rack')).toBeLessThan(html.indexOf('Old rack'));
    expect(html).toContain('This cluster is no longer in Lifeboat');
    expect(html).toContain('2 restore points');
    expect(html).toContain('Incremental');
    expect(html).toContain('web is shut off');
    expect(html).toContain('40 MiB');
    expect(html).toContain('kvm3');
    expect(html).toContain('3 restore points of 2 VMs.');
    expect(html).toContain('1 restore point could not be read');
    expect(html).toContain('points/2025/x.json');
  });

  it('filters by VM name', () => {
    const stores = storesForTest();
    stores.clusters.setState({ clusters: [clusterA], status: 'ready' });
    stores.points.setState({
      status: 'ready',
      filter: 'MAI',
      points: [point(P(1), 'web', '2025-05-01T02:00:00.000Z'), point(P(2), 'mail', '2025-05-01T02:00:00.000Z')],
    });
    const html = renderWithStores(stores, <RestorePointsView />);
    expect(html).toContain('1 restore point of 1 VM.');
    expect(html).not.toContain('>web<');
    expect(html).toContain('>mail<');
  });

  it('says where to set up a repository when there is none', () => {
    const stores = storesForTest();
    stores.repository.setState({
      repository: { path: null, state: 'not_configured', error: null, pointCount: 0, vmCount: 0, freeBytes: null },
      status: 'ready',
    });
    const html = renderWithStores(stores, <RestorePointsView />);
    expect(html).toContain('No repository yet');
    expect(html).toContain('href="#/settings"');
  });
});
