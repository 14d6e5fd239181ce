// The i18n setup: which language `system` means, the locale formatters in each language, and a rendered
// component following the `language` setting.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ThroughputChart } from '../components/ThroughputChart.js';
import { settingsWith } from '../testing/fixtures.js';
import { i18nForTest } from '../testing/i18n.js';
import { renderWithI18n, renderWithStores, storesForTest } from '../testing/render.js';
import { SettingsView } from '../views/SettingsView.js';
import { followLanguageSetting } from './document-language.js';
import { createFormatters } from './format.js';
import { changeLanguage, currentLanguage, followLanguageInDocument, initI18n, resolveLanguage } from './index.js';

const MiB = 1024 ** 2;

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('language', () => {
  it('resolves system from the preference list: the first language Lifeboat has', () => {
    expect(resolveLanguage('system', ['ja-JP', 'en-US'])).toBe('ja');
    expect(resolveLanguage('system', ['ja'])).toBe('ja');
    expect(resolveLanguage('system', ['fr-FR', 'ja-JP', 'en'])).toBe('ja');
    expect(resolveLanguage('system', ['en-GB', 'ja-JP'])).toBe('en');
    expect(resolveLanguage('system', ['de', 'fr'])).toBe('en');
    expect(resolveLanguage('system', [])).toBe('en');
  });

  it('takes a chosen language whatever the system prefers', () => {
    expect(resolveLanguage('en', ['ja-JP'])).toBe('en');
    expect(resolveLanguage('ja', ['en-US'])).toBe('ja');
  });

  it('reads the browser’s languages for system', () => {
    vi.stubGlobal('navigator', { languages: ['ja-JP', 'en-US'], language: 'ja-JP' });
    expect(currentLanguage(initI18n('system'))).toBe('ja');
    vi.stubGlobal('navigator', { languages: ['en-US', 'ja-JP'], language: 'en-US' });
    expect(currentLanguage(initI18n('system'))).toBe('en');
  });

  it('keeps <html lang> on the shown language', async () => {
    const i18n = i18nForTest('en');
    const root = { lang: '' } as HTMLElement;
    const stop = followLanguageInDocument(i18n, root);
    expect(root.lang).toBe('en');
    await changeLanguage(i18n, 'ja');
    expect(root.lang).toBe('ja');
    stop();
    await changeLanguage(i18n, 'en');
    expect(root.lang).toBe('ja');
  });
});

describe('formatters', () => {
  const en = createFormatters(i18nForTest('en'));
  const ja = createFormatters(i18nForTest('ja'));

  it('format sizes and speeds in binary units', () => {
    expect(en.bytes(256 * MiB)).toBe('256 MiB');
    expect(en.bytes(1.5 * 1024 * MiB)).toBe('1.5 GiB');
    expect(en.bytes(512)).toBe('512 B');
    expect(en.rate(85 * MiB)).toBe('85 MiB/s');
    expect(ja.bytes(1.5 * 1024 * MiB)).toBe('1.5 GiB');
    expect(ja.rate(85 * MiB)).toBe('85 MiB/s');
  });

  it('format durations as each language says them', () => {
    expect([en.duration(40), en.duration(180), en.duration(4800), en.duration(7200)]).toEqual(['40 s', '3 min', '1 h 20 min', '2 h']);
    expect([ja.duration(40), ja.duration(180), ja.duration(4800), ja.duration(7200)]).toEqual(['40秒', '3分', '1時間20分', '2時間']);
  });

  it('format percentages, numbers and lists', () => {
    expect(en.percent(0.45)).toBe('45%');
    expect(ja.percent(0.45)).toBe('45%');
    expect(en.number(12345)).toBe('12,345');
    expect(ja.number(12345)).toBe('12,345');
    expect(en.list(['vda', 'vdb', 'vdc'])).toBe('vda, vdb, and vdc');
    expect(ja.list(['vda', 'vdb', 'vdc'])).toBe('vda、vdb、vdc');
  });

  it('format moments in the language’s locale (ja-JP for Japanese), and an unreadable one as it is', () => {
    const moment = new Date(2026, 0, 2, 15, 4, 5).toISOString();
    expect(en.dateTime(moment)).toMatch(/^Jan 2, 2026, 3:04\sPM$/);
    expect(ja.dateTime(moment)).toBe('2026/01/02 15:04');
    expect(en.time(moment)).toMatch(/^3:04:05\sPM$/);
    expect(ja.time(moment)).toBe('15:04:05');
    expect(en.dateTime('not a date')).toBe('not a date');
  });
});

describe('switching language', () => {
  it('renders a component in the language of the instance, and again after a change', async () => {
    const i18n = i18nForTest('en');
    const samples = [80 * MiB, 120 * MiB, 100 * MiB];
    expect(renderWithI18n(<ThroughputChart samples={samples} />, i18n)).toContain('Speed over the last 3 s: now 100 MiB/s');
    await changeLanguage(i18n, 'ja');
    expect(renderWithI18n(<ThroughputChart samples={samples} />, i18n)).toContain('直近3秒の速度: 現在 100 MiB/s');
  });

  it('follows the language setting as it changes, without a reload', async () => {
    const i18n = i18nForTest('en');
    const stores = storesForTest();
    stores.settings.setState({ settings: settingsWith({ language: 'en' }), status: 'ready' });
    const stop = followLanguageSetting(stores.settings, i18n);
    expect(renderWithStores(stores, <SettingsView />, i18n)).toContain('>Settings</h1>');

    stores.settings.setState({ settings: settingsWith({ language: 'ja' }) });
    await vi.waitFor(() => expect(currentLanguage(i18n)).toBe('ja'));
    const japanese = renderWithStores(stores, <SettingsView />, i18n);
    expect(japanese).toContain('>設定</h1>');
    expect(japanese).toContain('テーマ');
    // The language names stay in their own language, marked as such.
    expect(japanese).toMatch(/<option value="en" lang="en"[^>]*>English<\/option>/);

    // `system` with no browser preferences (tests) is English.
    stores.settings.setState({ settings: settingsWith({ language: 'system' }) });
    await vi.waitFor(() => expect(currentLanguage(i18n)).toBe('en'));
    stop();
    stores.settings.setState({ settings: settingsWith({ language: 'ja' }) });
    expect(currentLanguage(i18n)).toBe('en');
  });
});
