// The `language` setting reaches the i18n instance: the UI switches as soon as the setting changes (here or in
// another window), without a reload. With `system`, a change of the OS/browser language list switches it too.
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { SettingsStore } from '../stores/settings-store.js';
import { useStores } from '../stores/index.js';
import { changeLanguage, type I18n, type LanguageSetting } from './index.js';

/** Where the browser says its language list changed (`window`). */
type LanguageEvents = Pick<Window, 'addEventListener' | 'removeEventListener'>;

/**
 * Moves the instance to what the setting asks for now and on every change; returns a function that stops. Before
 * the settings arrive the window shows what `system` would (the instance was made with it).
 */
export function followLanguageSetting(settings: SettingsStore, i18n: I18n, languageEvents?: LanguageEvents): () => void {
  const settingOf = (state: ReturnType<SettingsStore['getState']>): LanguageSetting => state.settings?.language ?? 'system';
  let setting = settingOf(settings.getState());
  void changeLanguage(i18n, setting);
  const unsubscribe = settings.subscribe((state) => {
    const next = settingOf(state);
    if (next === setting) return;
    setting = next;
    void changeLanguage(i18n, next);
  });
  const onSystemChange = (): void => {
    if (setting === 'system') void changeLanguage(i18n, 'system');
  };
  languageEvents?.addEventListener('languagechange', onSystemChange);
  return () => {
    unsubscribe();
    languageEvents?.removeEventListener('languagechange', onSystemChange);
  };
}

export function useLanguageSetting(): void {
  const { i18n } = useTranslation();
  const { settings } = useStores();
  useEffect(() => followLanguageSetting(settings, i18n, window), [settings, i18n]);
}
