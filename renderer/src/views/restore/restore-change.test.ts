// Every change code the contract has is put in words in both languages: a code added to the engine without a
// sentence here fails (the samples must cover the union's codes), and so does a sentence that shows a key, an
// unfilled variable, a value lost, or English in the Japanese UI.
import { describe, expect, it } from 'vitest';
import { restoreChangeSchema, type RestoreChange } from '../../../../shared/model/restore.js';
import { i18nForTest } from '../../testing/i18n.js';
import { restoreChangeSamples } from '../../testing/restore-fixtures.js';
import { restoreChangeText } from './restore-change.js';

const CODES = restoreChangeSchema.options.map((option) => option.shape.code.value);
const english = i18nForTest('en').getFixedT('en', ['restore']);
const japanese = i18nForTest('ja').getFixedT('ja', ['restore']);
const JAPANESE_SCRIPT = /[\u3040-\u30ff\u4e00-\u9fff]/;

/** Every value a change carries (its code aside), nested sources included. */
function valuesOf(change: RestoreChange): string[] {
  return Object.entries(change).flatMap(([key, value]): string[] => {
    if (key === 'code' || value === null) return [];
    if (typeof value === 'string') return [value];
    return [value.name];
  });
}

describe('restoreChangeText', () => {
  it('has samples of every code of the contract, each a valid change', () => {
    expect(Object.keys(restoreChangeSamples).sort()).toEqual([...CODES].sort());
    for (const samples of Object.values(restoreChangeSamples)) {
      expect(samples.length).toBeGreaterThan(0);
      for (const sample of samples) expect(restoreChangeSchema.parse(sample)).toEqual(sample);
    }
  });

  for (const code of CODES) {
    it(`words ${code} in English and in Japanese, with every value`, () => {
      for (const change of restoreChangeSamples[code]) {
        const en = restoreChangeText(english, change);
        const ja = restoreChangeText(japanese, change);
        for (const text of [en, ja]) {
          expect(typeof text, code).toBe('string');
          expect(text).not.toMatch(/\{\{|restore:|change\./);
          for (const value of valuesOf(change)) expect(text).toContain(value);
        }
        expect(ja).not.toBe(en);
        expect(ja).toMatch(JAPANESE_SCRIPT);
        expect(en).not.toMatch(JAPANESE_SCRIPT);
      }
    });
  }

  it('says in each language what the interface was on, and a value the engine did not have', () => {
    const [leftOut, onBridge] = restoreChangeSamples.nic_left_out;
    expect(restoreChangeText(english, leftOut!)).toBe('Interface 52:54:00:00:00:01 on network office left out, as chosen.');
    expect(restoreChangeText(japanese, leftOut!)).toBe('ネットワーク office のインターフェース 52:54:00:00:00:01 は、選択どおり除外します。');
    expect(restoreChangeText(japanese, onBridge!)).toContain('ブリッジ br-backup');
    const [, fromBridge] = restoreChangeSamples.nic_moved;
    expect(restoreChangeText(japanese, fromBridge!)).toBe('インターフェース 52:54:00:00:00:03 を ブリッジ br-dmz から ネットワーク default に移します。');
    const [, unset] = restoreChangeSamples.emulator_changed;
    expect(restoreChangeText(english, unset!)).toBe("Emulator /usr/libexec/qemu-kvm (kvm2's), was unset.");
    expect(restoreChangeText(japanese, unset!)).toBe('エミュレーターを kvm2 の /usr/libexec/qemu-kvm にします（元は未設定）。');
  });
});
