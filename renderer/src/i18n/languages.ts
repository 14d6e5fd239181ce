// Which language the window shows: the `language` setting names one, or `system`, which takes the first language
// of the browser's (the OS's, in the desktop app) preference list that Lifeboat has, English when none is.
import type { Settings } from '../../../shared/model/settings.js';

export type LanguageSetting = Settings['language'];

/** The languages the renderer has strings for; English is the source and the fallback. */
export const APP_LANGUAGES = ['en', 'ja'] as const;
export type AppLanguage = (typeof APP_LANGUAGES)[number];

/** The locale dates and numbers are formatted in for each language. */
export const LOCALES: Record<AppLanguage, string> = { en: 'en', ja: 'ja-JP' };

function isAppLanguage(value: string): value is AppLanguage {
  return (APP_LANGUAGES as readonly string[]).includes(value);
}

/** `ja-JP`, `ja` → `ja`; `en-GB` → `en`; anything else → null. */
function appLanguageOf(tag: string): AppLanguage | null {
  const base = tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return isAppLanguage(base) ? base : null;
}

export function resolveLanguage(setting: LanguageSetting, preferred: readonly string[]): AppLanguage {
  if (setting !== 'system') return setting;
  for (const tag of preferred) {
    const language = appLanguageOf(tag);
    if (language !== null) return language;
  }
  return 'en';
}

/** The browser's preference list, most wanted first; empty where there is no browser (tests). */
export function browserLanguages(): readonly string[] {
  if (typeof navigator === 'undefined') return [];
  return navigator.languages.length > 0 ? navigator.languages : [navigator.language];
}
