import { describe, expect, it } from 'vitest';
import { DEFAULT_RETENTION_POLICY } from '../../../../shared/model/retention.js';
import { clusterA, point, vmUuids } from '../../testing/fixtures.js';
import { renderWithStores, storesForTest } from '../../testing/render.js';
import { retentionFormOf } from '../../stores/cluster-settings-store.js';
import { ClusterSettingsDialog } from './ClusterSettingsDialog.js';

const P = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function openDialog() {
  const stores = storesForTest();
  stores.clusterSettings.setState({
    open: true,
    clusterId: clusterA.id,
    clusterName: clusterA.name,
    loadStatus: 'ready',
    schedule: { clusterId: clusterA.id, schedule: null, lastRunAt: null, nextRunAt: null },
    policy: DEFAULT_RETENTION_POLICY,
    retentionForm: retentionFormOf(DEFAULT_RETENTION_POLICY),
  });
  return stores;
}

describe('ClusterSettingsDialog', () => {
  it('says what is wrong with the schedule, next to each field', () => {
    const stores = openDialog();
    stores.clusterSettings.setState({
      scheduleForm: { kind: 'weekly', time: '', days: [] },
      scheduleProblems: { time: 'required', days: 'required' },
    });
    const html = renderWithStores(stores, <ClusterSettingsDialog />);
    expect(html).toContain('Some fields need attention');
    expect(html).toContain('Enter the time the backup starts, such as 01:30.');
    expect(html).toContain('Choose at least one day.');
    expect(html).toMatch(/<input(?=[^>]*type="time")(?=[^>]*aria-invalid="true")[^>]*>/);
    // Monday first, Sunday last.
    expect(html.indexOf('Monday')).toBeLessThan(html.indexOf('Sunday'));

    stores.clusterSettings.setState({ scheduleForm: { kind: 'daily', time: '25:00', days: [] }, scheduleProblems: { time: 'invalid' } });
    expect(renderWithStores(stores, <ClusterSettingsDialog />)).toContain('Enter a time from 00:00 to 23:59.');
  });

  it('says what is wrong with the retention numbers', () => {
    const stores = openDialog();
    stores.clusterSettings.setState({
      retentionForm: { keepLast: 'x', keepDaily: '2000', keepWeekly: '', keepMonthly: '0' },
      retentionProblems: { fields: { keepLast: 'invalid', keepDaily: 'too-large', keepWeekly: 'required' }, keepsNothing: false },
    });
    const html = renderWithStores(stores, <ClusterSettingsDialog />);
    expect(html).toContain('Enter a whole number: 0 or more.');
    expect(html).toContain('Enter at most 1,000.');
    expect(html).toContain('Enter a number; 0 turns this rule off.');
  });

  it('lists what a previewed policy would delete, and flags a preview the form no longer matches', () => {
    const stores = openDialog();
    const policy = { ...DEFAULT_RETENTION_POLICY, keepLast: 1 };
    stores.clusterSettings.setState({
      retentionForm: retentionFormOf(policy),
      preview: {
        status: 'ready',
        policy,
        decisions: [
          { pointId: P(2), vmUuid: vmUuids.web, createdAt: '2025-05-01T02:00:00.000Z', keep: true, reasons: ['last'] },
          { pointId: P(1), vmUuid: vmUuids.web, createdAt: '2025-04-01T02:00:00.000Z', keep: false, reasons: [] },
        ],
        points: { [P(1)]: point(P(1), 'web', '2025-04-01T02:00:00.000Z', { type: 'full' }) },
        error: null,
      },
    });
    let html = renderWithStores(stores, <ClusterSettingsDialog />);
    expect(html).toContain('This policy would delete 1 of the 2 restore points of this cluster now in the repository:');
    expect(html).toMatch(/<th scope="row">web<\/th><td[^>]*>Apr 1, 2025/);
    expect(html).toContain('press Save again to save the policy');
    expect(html).not.toContain('The numbers changed since this preview');

    stores.clusterSettings.getState().setRetentionField('keepLast', '2');
    html = renderWithStores(stores, <ClusterSettingsDialog />);
    expect(html).toContain('The numbers changed since this preview');
    expect(html).not.toContain('press Save again to save the policy');
  });
});
