// The English of a VM's inventory warnings: the engine's sentences (CLI) are the ones they were before warnings
// carried codes, and the renderer's English words every sample exactly as the engine does.
import { describe, expect, it } from 'vitest';
import { describeVmWarning } from '../../../electron/engine/inventory/vm-warning.js';
import { vmWarningText } from '../../../renderer/src/views/clusters/vm-warning.js';
import { i18nForTest } from '../../../renderer/src/testing/i18n.js';
import { vmWarningSamples } from '../../../renderer/src/testing/fixtures.js';
import type { VmWarning } from '../../../shared/model/inventory.js';

const samples: VmWarning[] = Object.values(vmWarningSamples).flat();

describe('describeVmWarning', () => {
  it('words every warning as the engine always has', () => {
    expect(samples.map(describeVmWarning)).toEqual([
      'Active on kvm1 and kvm2 at once (a live migration in progress?); using kvm2.',
      'Active on kvm1 and kvm2 and kvm3 at once (a live migration in progress?); using kvm1.',
      'Also defined on kvm1 (a copy left behind by a migration?); using kvm2, where it runs.',
      'Also defined on kvm1, kvm3 (a copy left behind by a migration?); using kvm2, where it is defined.',
    ]);
  });

  it('is what the renderer shows in English, word for word', () => {
    const t = i18nForTest('en').getFixedT('en', ['clusters']);
    for (const warning of samples) expect(vmWarningText(t, warning), warning.code).toBe(describeVmWarning(warning));
  });
});
