// The renderer's i18next instance. `initI18n` makes one (no global i18next singleton: the instance reaches
// components through react-i18next's <I18nextProvider>, and code outside React is handed it); `changeLanguage`
// moves it to what the `language` setting asks for, and every component using `useTranslation` re-renders.
// All resources are bundled, so initialisation is synchronous and the first render already has its strings.
import i18next, { type i18n as I18n } from 'i18next';
import { NAMESPACES, resources } from '../locales/index.js';
import { browserLanguages, resolveLanguage, type AppLanguage, type LanguageSetting } from './languages.js';

export type { I18n };
export { APP_LANGUAGES, LOCALES, resolveLanguage, browserLanguages, type AppLanguage, type LanguageSetting } from './languages.js';

export function initI18n(setting: LanguageSetting, preferred: readonly string[] = browserLanguages()): I18n {
  const instance = i18next.createInstance();
  void instance.init({
    resources,
    lng: resolveLanguage(setting, preferred),
    fallbackLng: 'en',
    supportedLngs: ['en', 'ja'],
    ns: NAMESPACES,
    defaultNS: 'common',
    initAsync: false,
    // React escapes what it renders; escaping here too would show `&amp;` for `&`.
    interpolation: { escapeValue: false },
    returnNull: false,
    react: { useSuspense: false },
  });
  return instance;
}

export function changeLanguage(
  i18n: I18n,
  setting: LanguageSetting,
  preferred: readonly string[] = browserLanguages(),
): Promise<AppLanguage> {
  const language = resolveLanguage(setting, preferred);
  if (i18n.language === language) return Promise.resolve(language);
  return i18n.changeLanguage(language).then(() => language);
}

/** The language the instance shows now. */
export function currentLanguage(i18n: I18n): AppLanguage {
  return i18n.language === 'ja' ? 'ja' : 'en';
}

/** Keeps `<html lang>` on the shown language, so screen readers and fonts pick the right one. */
export function followLanguageInDocument(i18n: I18n, root: HTMLElement): () => void {
  const apply = (): void => {
    root.lang = currentLanguage(i18n);
  };
  apply();
  i18n.on('languageChanged', apply);
  return () => i18n.off('languageChanged', apply);
}

/**
 * Whether a word from the engine (a phase, say) has a key in a group of the English resources, which hold every
 * key: `isKeyOf(en.jobs.items.phases, phase)` lets `t(\`jobs:items.phases.${phase}\`)` type-check, and a word
 * the engine adds later is shown as it is rather than as a missing key.
 */
export function isKeyOf<Group extends object>(group: Group, word: string): word is Extract<keyof Group, string> {
  return Object.hasOwn(group, word);
}
