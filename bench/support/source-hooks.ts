// Lets a benchmark run the engine straight from its TypeScript sources under Node 22's type stripping: the
// sources import each other as `./x.js` (what tsc emits), so `.js` specifiers from `.ts` files are resolved to
// the `.ts` file beside them when it exists. Import this first, then load the engine with `await import()`.
import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier.startsWith('.') && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts') === true) {
      const candidate = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
      if (existsSync(fileURLToPath(candidate))) return nextResolve(candidate.href, context);
    }
    return nextResolve(specifier, context);
  },
});
