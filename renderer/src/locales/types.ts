// The shape a translation must have: the English namespace's keys with every value a string. Japanese has no
// plural forms, so an English pair `key_one` / `key_other` is `key_other` alone there (i18next asks for `_other`
// in a language whose only plural category is "other"). `satisfies Translation<typeof en>` on a translation then
// fails to compile when a key is missing, misspelt or extra.
export type Translation<English> = English extends string
  ? string
  : { readonly [K in keyof English as K extends `${string}_one` ? never : K]: Translation<English[K]> };
