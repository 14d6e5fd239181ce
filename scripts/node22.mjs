// Locates the Node 22 runtime the project runs on: the running node when it is 22 (npm scripts put the
// `node` devDependency's binary first on PATH), else the binary that the npm registry's `node` package installed.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REQUIRED_MAJOR = 22;

/** @returns {{ bin: string, dir: string } | null} the Node 22 binary and its install folder (with include/node). */
export function findNode22() {
  const candidates = [];
  const nodePkgModules = join(projectRoot, 'node_modules', 'node', 'node_modules');
  if (existsSync(nodePkgModules)) {
    for (const name of readdirSync(nodePkgModules)) {
      if (!name.startsWith('node-')) continue;
      const dir = join(nodePkgModules, name);
      const bin = process.platform === 'win32' ? join(dir, 'bin', 'node.exe') : join(dir, 'bin', 'node');
      const winBin = join(dir, 'node.exe');
      if (existsSync(bin)) candidates.push({ bin, dir });
      else if (existsSync(winBin)) candidates.push({ bin: winBin, dir });
    }
  }
  if (Number(process.versions.node.split('.')[0]) === REQUIRED_MAJOR) {
    // The running node may itself be the package's binary; its folder holds the headers either way.
    const dir = resolve(dirname(process.execPath), '..');
    candidates.unshift({ bin: process.execPath, dir });
  }
  return candidates[0] ?? null;
}
