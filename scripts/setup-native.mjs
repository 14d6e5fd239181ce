// postinstall: make sure better-sqlite3 (a native module, not N-API) is built for the Node 22 runtime that runs
// the engine, tests and CLI. npm may have compiled it against another Node's headers (a user-level `nodedir`, or
// the system node running npm itself); rebuild it against Node 22's own headers when it does not load.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { delimiter, dirname } from 'node:path';
import { findNode22, projectRoot } from './node22.mjs';

let node22 = findNode22();
if (node22 && !node22.headersDir) {
  // `npm install <pkg>` prunes the `node` package's platform package, headers included; its preinstall fetches it again.
  spawnSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['rebuild', 'node'], { cwd: projectRoot, stdio: 'inherit', shell: process.platform === 'win32' });
  node22 = findNode22();
}
if (!node22) {
  console.error('lifeboat setup: no Node 22 binary found: the `node` devDependency did not install (is its preinstall script allowed?)');
  process.exit(1);
}

const probe = "const D=require('better-sqlite3');new D(':memory:').prepare('select 1').get()";
function loads() {
  const r = spawnSync(node22.bin, ['-e', probe], { cwd: projectRoot, encoding: 'utf8' });
  return { ok: r.status === 0, detail: (r.stderr || '').split('\n').find((l) => l.includes('Error')) ?? '' };
}

const first = loads();
if (first.ok) process.exit(0);
console.log(`lifeboat setup: better-sqlite3 does not load under Node 22 (${first.detail.trim()}); rebuilding it for Node 22`);

// Build against the headers shipped with the Node 22 binary, whatever nodedir the user's npm config names: npm
// passes its config to scripts as npm_config_* variables, which node-gyp reads before its own flags.
const env = { ...process.env, PATH: dirname(node22.bin) + delimiter + (process.env.PATH ?? '') };
delete env.npm_config_nodedir;
delete env.NPM_CONFIG_NODEDIR;
if (node22.headersDir) env.npm_config_nodedir = node22.headersDir;
const nodedir = node22.headersDir ? [`--nodedir=${node22.headersDir}`] : [];
const require = createRequire(import.meta.url);
const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
const moduleDir = dirname(require.resolve('better-sqlite3/package.json'));
const r = spawnSync(node22.bin, [nodeGyp, 'rebuild', '--release', ...nodedir], { cwd: moduleDir, env, stdio: 'inherit' });
if (r.status !== 0 || !loads().ok) {
  console.error('lifeboat setup: could not build better-sqlite3 for Node 22; see the output above');
  process.exit(1);
}
console.log('lifeboat setup: better-sqlite3 built for Node 22');
