// Types `t()` from the English resources: `t('jobs:cancel.button')` compiles only for a key that exists, and a
// string with `{{name}}` wants `{ name }`.
import 'i18next';
import type { EnglishResources } from '../locales/index.js';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'common';
    resources: EnglishResources;
    returnNull: false;
  }
}
