#!/usr/bin/env node
// The `lifeboat` command's launcher: runs the built CLI on Node 22 (the runtime Electron bundles and the one
// better-sqlite3 was built for), re-executing itself with the project's Node 22 when started by another node.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REQUIRED_MAJOR, findNode22, projectRoot } from './node22.mjs';

if (Number(process.versions.node.split('.')[0]) !== REQUIRED_MAJOR) {
  const node22 = findNode22();
  if (!node22) {
    console.error(`lifeboat: needs Node ${REQUIRED_MAJOR} (this is ${process.version}); run \`npm install\` in ${projectRoot} to get it`);
    process.exit(1);
  }
  const r = spawnSync(node22.bin, [process.argv[1], ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

const cli = join(projectRoot, 'dist', 'electron', 'cli', 'main.js');
if (!existsSync(cli)) {
  console.error(`lifeboat: not built yet (no ${cli}); run \`npm run build\` in ${projectRoot}`);
  process.exit(1);
}
const { main } = await import(pathToFileURL(cli).href);
process.exitCode = await main(process.argv.slice(2));
