// Every warning code the contract has is put in words in both languages: a code added to the engine without a
// sentence here fails (the samples must cover the union's codes), and so does a sentence that shows a key, an
// unfilled variable, a value lost, or English in the Japanese UI.
import { describe, expect, it } from 'vitest';
import { restoreWarningSchema, type RestoreWarning } from '../../../../shared/model/restore.js';
import { i18nForTest } from '../../testing/i18n.js';
import { restoreWarningSamples } from '../../testing/restore-fixtures.js';
import { restoreWarningText, storedRestoreWarningText } from './restore-warning.js';

const CODES = restoreWarningSchema.options.map((option) => option.shape.code.value);
const english = i18nForTest('en').getFixedT('en', ['restore']);
const japanese = i18nForTest('ja').getFixedT('ja', ['restore']);
const JAPANESE_SCRIPT = /[\u3040-\u30ff\u4e00-\u9fff]/;

/** Every value a warning's sentence names (its code, a drive's kind and yes/no flags aside), lists and nested sources included. */
function valuesOf(warning: RestoreWarning): string[] {
  return Object.entries(warning).flatMap(([key, value]): string[] => {
    if (key === 'code' || value === null || typeof value === 'boolean') return [];
    if (typeof value === 'string') return warning.code === 'removable_missing' && key === 'device' ? [] : [value];
    if (typeof value === 'number') return [String(value)];
    if (Array.isArray(value)) return value;
    return [value.name];
  });
}

describe('restoreWarningText', () => {
  it('has samples of every code of the contract, each a valid warning', () => {
    expect(Object.keys(restoreWarningSamples).sort()).toEqual([...CODES].sort());
    for (const samples of Object.values(restoreWarningSamples)) {
      expect(samples.length).toBeGreaterThan(0);
      for (const sample of samples) expect(restoreWarningSchema.parse(sample)).toEqual(sample);
    }
  });

  for (const code of CODES) {
    it(`words ${code} in English and in Japanese, with every value`, () => {
      for (const warning of restoreWarningSamples[code]) {
        const en = restoreWarningText(english, warning);
        const ja = restoreWarningText(japanese, warning);
        for (const text of [en, ja]) {
          expect(typeof text, code).toBe('string');
          expect(text).not.toMatch(/\{\{|restore:|warning\./);
          for (const value of valuesOf(warning)) expect(text).toContain(value);
        }
        expect(ja).not.toBe(en);
        expect(ja).toMatch(JAPANESE_SCRIPT);
        expect(en).not.toMatch(JAPANESE_SCRIPT);
      }
    });
  }

  it('says in each language what is missing, how many devices, and a value the engine did not have', () => {
    const [, shared, noSource] = restoreWarningSamples.disk_kept;
    expect(restoreWarningText(japanese, shared!)).toBe(
      'ディスク vdc（/dev/sdc）はバックアップされていないため、そのまま残します。コピーと元の VM が同じストレージに書き込むことになります。',
    );
    expect(restoreWarningText(english, noSource!)).toBe('Disk vdd (no source) was not backed up and is kept as it was.');
    expect(restoreWarningText(japanese, noSource!)).toContain('（ソースなし）');
    const [, onBridge] = restoreWarningSamples.nic_source_missing;
    expect(restoreWarningText(japanese, onBridge!)).toContain('ブリッジ br-dmz に接続されていましたが');
    const [oneCopy, , , threeReplace] = restoreWarningSamples.host_devices;
    expect(restoreWarningText(english, oneCopy!)).toBe(
      '1 host device is passed through to the VM: check kvm2 has it, and that the original does not run at the same time.',
    );
    expect(restoreWarningText(japanese, threeReplace!)).toBe('3 個のホストデバイスを VM にパススルーしています。kvm2 にあるか確認してください。');
    const [, noneOffered] = restoreWarningSamples.virt_type_unsupported;
    expect(restoreWarningText(japanese, noneOffered!)).toContain('提供している仮想化はありません');
    const [unoffered] = restoreWarningSamples.firmware_unoffered;
    expect(restoreWarningText(japanese, unoffered!)).toContain('/usr/share/edk2/ovmf/OVMF_CODE.fd、/usr/share/edk2/ovmf/OVMF_CODE.secboot.fd');
    const [, unnamed] = restoreWarningSamples.nic_host_device;
    expect(restoreWarningText(japanese, unnamed!)).toContain('ホストデバイス ? を');
  });

  it("shows a stored job's English sentence as it is, and a structured warning in the UI's language", () => {
    expect(storedRestoreWarningText(japanese, 'Check the clock.')).toBe('Check the clock.');
    const [inactive] = restoreWarningSamples.nic_network_inactive;
    expect(storedRestoreWarningText(japanese, inactive!)).toBe(restoreWarningText(japanese, inactive!));
  });
});
