import { describe, expect, it } from 'vitest';
import { mergeInventory } from '../../../electron/engine/inventory/merge.js';
import { describeVmWarning } from '../../../electron/engine/inventory/vm-warning.js';
import { scriptedVm } from '../../support/fake-driver.js';

const CLUSTER = '00000000-0000-4000-8000-000000000001';
const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const C = '00000000-0000-4000-8000-00000000000c';
const VM = '11111111-2222-4333-8444-555555555555';

describe('mergeInventory', () => {
  it('lists a VM once per UUID, on the host that runs it', () => {
    const merged = mergeInventory(CLUSTER, [
      { hostId: A, label: 'a', vms: [scriptedVm(VM, 'web', { active: false, state: 'shut off' })] },
      { hostId: B, label: 'b', vms: [scriptedVm(VM.toUpperCase(), 'web')] },
      { hostId: C, label: 'c', vms: null },
    ]);
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({ ref: { clusterId: CLUSTER, vmUuid: VM }, hostId: B, state: 'running', seenOnHostIds: [A, B] });
    expect(merged[0]!.warnings).toEqual([{ code: 'defined_on_several', others: ['a'], using: 'b', running: true }]);
    expect(merged[0]!.warnings.map(describeVmWarning)).toEqual(['Also defined on a (a copy left behind by a migration?); using b, where it runs.']);
  });

  it('prefers the running side over the paused incoming side of a migration, and says so', () => {
    const merged = mergeInventory(CLUSTER, [
      { hostId: A, label: 'a', vms: [scriptedVm(VM, 'db', { state: 'paused' })] },
      { hostId: B, label: 'b', vms: [scriptedVm(VM, 'db', { state: 'running' })] },
    ]);
    expect(merged[0]!.hostId).toBe(B);
    expect(merged[0]!.warnings).toEqual([{ code: 'active_on_several', hosts: ['a', 'b'], using: 'b' }]);
    expect(merged[0]!.warnings.map(describeVmWarning)).toEqual(['Active on a and b at once (a live migration in progress?); using b.']);
  });

  it('keeps a VM that runs nowhere on the host that defines it, without warnings', () => {
    const merged = mergeInventory(CLUSTER, [
      { hostId: A, label: 'a', vms: [] },
      { hostId: B, label: 'b', vms: [scriptedVm(VM, 'off', { active: false, state: 'shut off' })] },
    ]);
    expect(merged).toEqual([expect.objectContaining({ hostId: B, state: 'shut off', warnings: [] })]);
  });
});
