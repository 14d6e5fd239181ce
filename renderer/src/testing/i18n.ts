// The i18n instance tests render with: English unless a test asks for another language, and no browser
// preferences, so `system` means English.
import { initI18n, type I18n, type LanguageSetting } from '../i18n/index.js';

export function i18nForTest(language: LanguageSetting = 'en'): I18n {
  return initI18n(language, []);
}
