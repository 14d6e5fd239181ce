#!/usr/bin/env node
// The `lifeboat` command's launcher: runs the built CLI on Node 22 (the runtime Electron bundles and the one
// better-sqlite3 was built for) with the engine's V8 flags (electron/engine/v8-flags.ts), which V8 takes only at
// start: started by another node, or without those flags, it replaces itself (execve: same process, so signals
// and `kill` reach the CLI itself) with the project's Node 22 and the flags.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REQUIRED_MAJOR, findNode22, projectRoot } from './node22.mjs';

const dist = join(projectRoot, 'dist', 'electron');
const cli = join(dist, 'cli', 'main.js');
if (!existsSync(cli)) {
  console.error(`lifeboat: not built yet (no ${cli}); run \`npm run build\` in ${projectRoot}`);
  process.exit(1);
}
const { missingV8Flags, nodeArgsWithV8Flags } = await import(pathToFileURL(join(dist, 'engine', 'v8-flags.js')).href);

const onNode22 = Number(process.versions.node.split('.')[0]) === REQUIRED_MAJOR;
if (!onNode22 || missingV8Flags(process.execArgv).length > 0) {
  const node22 = onNode22 ? { bin: process.execPath } : findNode22();
  if (!node22) {
    console.error(`lifeboat: needs Node ${REQUIRED_MAJOR} (this is ${process.version}); run \`npm install\` in ${projectRoot} to get it`);
    process.exit(1);
  }
  const args = nodeArgsWithV8Flags(process.execArgv, process.argv[1], process.argv.slice(2));
  // execve (Node 22.15+, not on Windows) does not return; elsewhere a child runs the CLI and this one waits.
  if (typeof process.execve === 'function' && process.platform !== 'win32') process.execve(node22.bin, [node22.bin, ...args], process.env);
  const r = spawnSync(node22.bin, args, { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const { main } = await import(pathToFileURL(cli).href);
process.exitCode = await main(process.argv.slice(2));
