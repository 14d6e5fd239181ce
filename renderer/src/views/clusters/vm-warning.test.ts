// Every VM warning code the contract has is put in words in both languages: a code added to the engine without a
// sentence here fails, and so does a sentence that shows a key, an unfilled variable, a host lost, or English in
// the Japanese UI.
import { describe, expect, it } from 'vitest';
import { vmWarningSchema, type VmWarning } from '../../../../shared/model/inventory.js';
import { vmWarningSamples } from '../../testing/fixtures.js';
import { i18nForTest } from '../../testing/i18n.js';
import { vmWarningText } from './vm-warning.js';

const CODES = vmWarningSchema.options.map((option) => option.shape.code.value);
const english = i18nForTest('en').getFixedT('en', ['clusters']);
const japanese = i18nForTest('ja').getFixedT('ja', ['clusters']);
const JAPANESE_SCRIPT = /[\u3040-\u30ff\u4e00-\u9fff]/;

function hostsOf(warning: VmWarning): string[] {
  return warning.code === 'active_on_several' ? [...warning.hosts, warning.using] : [...warning.others, warning.using];
}

describe('vmWarningText', () => {
  it('has samples of every code of the contract, each a valid warning', () => {
    expect(Object.keys(vmWarningSamples).sort()).toEqual([...CODES].sort());
    for (const sample of Object.values(vmWarningSamples).flat()) expect(vmWarningSchema.parse(sample)).toEqual(sample);
  });

  for (const code of CODES) {
    it(`words ${code} in English and in Japanese, with every host`, () => {
      for (const warning of vmWarningSamples[code]) {
        const en = vmWarningText(english, warning);
        const ja = vmWarningText(japanese, warning);
        for (const text of [en, ja]) {
          expect(text).not.toMatch(/\{\{|clusters:|vmWarning\./);
          for (const host of hostsOf(warning)) expect(text).toContain(host);
        }
        expect(ja).not.toBe(en);
        expect(ja).toMatch(JAPANESE_SCRIPT);
        expect(en).not.toMatch(JAPANESE_SCRIPT);
      }
    });
  }

  it('lists the hosts in each language and says whether the VM runs where it is shown', () => {
    const [, threeHosts] = vmWarningSamples.active_on_several;
    expect(vmWarningText(japanese, threeHosts!)).toBe(
      'kvm1、kvm2、kvm3 で同時に稼働しています（ライブマイグレーション中の可能性があります）。kvm1 のものを表示しています。',
    );
    const [runs, defined] = vmWarningSamples.defined_on_several;
    expect(vmWarningText(japanese, runs!)).toContain('稼働している kvm2 のもの');
    expect(vmWarningText(japanese, defined!)).toContain('kvm1、kvm3 にも定義されています');
  });
});
