import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveStaticPath } from '../../../electron/cli/static-files.js';

describe('resolveStaticPath', () => {
  const root = resolve('/srv/app');
  it('maps / to index.html and plain paths below the root', () => {
    expect(resolveStaticPath(root, '/')).toBe(join(root, 'index.html'));
    expect(resolveStaticPath(root, '/assets/app-1.js')).toBe(join(root, 'assets', 'app-1.js'));
  });
  it('refuses anything that would leave the root', () => {
    for (const path of ['/../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2fsecret', '/a%00b', '/..\\x', '/%E0%A4%A']) {
      expect(resolveStaticPath(root, path)).toBeNull();
    }
  });
});
