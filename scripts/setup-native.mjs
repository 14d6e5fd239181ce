// postinstall: make sure the native modules are built for the Node 22 runtime that runs the engine, tests and CLI.
// npm may have compiled them against another Node's headers (a user-level `nodedir`, or the system node running
// npm itself); each one that does not load is rebuilt against Node 22's own headers.
//
// - better-sqlite3 (the catalog): required; setup fails without it.
// - ssh2's optional crypto binding: without it ssh2 decrypts every SSH packet through a new Node cipher object,
//   about 0.5 s more CPU per GiB received over SSH (docs/BENCHMARKS.md). Optional: ssh2 works without it, so a
//   failed build is a warning.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
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

const require = createRequire(import.meta.url);
const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
const openSslMajor = spawnSync(node22.bin, ['-p', "process.versions.openssl.split('.')[0]"], { encoding: 'utf8' }).stdout.trim();

const natives = [
  {
    name: 'better-sqlite3',
    required: true,
    probe: "const D=require('better-sqlite3');new D(':memory:').prepare('select 1').get()",
    dir: () => dirname(require.resolve('better-sqlite3/package.json')),
    flags: [],
  },
  {
    name: "ssh2's crypto binding",
    required: false,
    probe: "if(!require('ssh2/lib/protocol/crypto.js').bindingAvailable)throw new Error('ssh2 crypto binding not loaded')",
    dir: () => join(dirname(require.resolve('ssh2/package.json')), 'lib', 'protocol', 'crypto'),
    flags: [`--real_openssl_major=${openSslMajor}`],
  },
];

function loads(native) {
  const r = spawnSync(node22.bin, ['-e', native.probe], { cwd: projectRoot, encoding: 'utf8' });
  return { ok: r.status === 0, detail: (r.stderr || '').split('\n').find((l) => /^\w*Error\b/.test(l.trim())) ?? '' };
}

// Build against the headers shipped with the Node 22 binary, whatever nodedir the user's npm config names: npm
// passes its config to scripts as npm_config_* variables, which node-gyp reads before its own flags.
const env = { ...process.env, PATH: dirname(node22.bin) + delimiter + (process.env.PATH ?? '') };
delete env.npm_config_nodedir;
delete env.NPM_CONFIG_NODEDIR;
if (node22.headersDir) env.npm_config_nodedir = node22.headersDir;
const nodedir = node22.headersDir ? [`--nodedir=${node22.headersDir}`] : [];

let failed = false;
for (const native of natives) {
  const first = loads(native);
  if (first.ok) continue;
  console.log(`lifeboat setup: ${native.name} does not load under Node 22 (${first.detail.trim()}); rebuilding it for Node 22`);
  const r = spawnSync(node22.bin, [nodeGyp, 'rebuild', '--release', ...nodedir, ...native.flags], { cwd: native.dir(), env, stdio: 'inherit' });
  if (r.status === 0 && loads(native).ok) {
    console.log(`lifeboat setup: ${native.name} built for Node 22`);
  } else if (native.required) {
    console.error(`lifeboat setup: could not build ${native.name} for Node 22; see the output above`);
    failed = true;
  } else {
    console.warn(`lifeboat setup: could not build ${native.name} for Node 22 (optional; see the output above): it works without, more slowly`);
  }
}
process.exit(failed ? 1 : 0);
