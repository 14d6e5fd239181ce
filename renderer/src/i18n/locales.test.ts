// The Japanese resources against the English ones, which are the source: the same keys (English plural pairs
// `_one`/`_other` are `_other` alone in Japanese), no empty string, and the same interpolation variables in each
// string, so no value the UI passes is lost or left as `{{name}}` in one language.
import { describe, expect, it } from 'vitest';
import { en, ja, NAMESPACES } from '../locales/index.js';

type Tree = { readonly [key: string]: string | Tree };

/** Every string of a namespace by its dotted key. */
function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof value === 'string') out.set(path, value);
    else for (const [inner, text] of flatten(value, path)) out.set(inner, text);
  }
  return out;
}

/** `{{count, number}}` → `count`. */
function variables(text: string): string[] {
  return [...text.matchAll(/\{\{\s*([^},\s]+)[^}]*\}\}/g)].map((match) => match[1] ?? '').sort();
}

/** The keys a language without plural forms has for the English ones. */
function japaneseKeysFor(english: Map<string, string>): string[] {
  return [...english.keys()].filter((key) => !(key.endsWith('_one') && english.has(key.replace(/_one$/, '_other')))).sort();
}

describe('locales', () => {
  it('registers the same namespaces in both languages', () => {
    expect(Object.keys(ja).sort()).toEqual(Object.keys(en).sort());
    expect([...NAMESPACES].sort()).toEqual(Object.keys(en).sort());
  });

  for (const namespace of NAMESPACES) {
    describe(namespace, () => {
      const english = flatten(en[namespace] as Tree);
      const japanese = flatten(ja[namespace] as Tree);

      it('has every English key in Japanese, and no other', () => {
        expect([...japanese.keys()].sort()).toEqual(japaneseKeysFor(english));
      });

      it('has no empty string in either language', () => {
        for (const [key, text] of [...english, ...japanese]) expect(text.trim(), key).not.toBe('');
      });

      it('uses the same interpolation variables in Japanese as in English', () => {
        for (const [key, text] of japanese) {
          const source = english.get(key);
          expect(source, key).toBeDefined();
          expect(variables(text), `${namespace}:${key}: ${text}`).toEqual(variables(source ?? ''));
        }
      });
    });
  }
});
