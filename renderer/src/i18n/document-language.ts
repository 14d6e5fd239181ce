// The `language` setting reaches the i18n instance: the UI switches as soon as the setting changes (here or in
// another window), without a reload. With `system`, a change of the OS/browser language list switches it too.
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { useStores } from '../stores/index.js';
import { changeLanguage } from './index.js';

export function useLanguageSetting(): void {
  const { i18n } = useTranslation();
  const { settings } = useStores();
  // Before the settings arrive the window shows what `system` would (the instance was made with it).
  const setting = useStore(settings, (state) => state.settings?.language ?? 'system');
  useEffect(() => {
    void changeLanguage(i18n, setting);
    if (setting !== 'system') return undefined;
    const follow = (): void => void changeLanguage(i18n, setting);
    window.addEventListener('languagechange', follow);
    return () => window.removeEventListener('languagechange', follow);
  }, [i18n, setting]);
}
