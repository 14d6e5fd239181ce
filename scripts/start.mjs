#!/usr/bin/env node
// `npm start`: runs the desktop app, or, where Electron cannot run, the same engine headless in the browser.
//   1. builds the project if it has not been built;
//   2. on Linux, checks for a display (DISPLAY or WAYLAND_DISPLAY);
//   3. finds Electron's binary, fetching it once (time-limited) when npm did not (its install script is denied
//      in package.json `allowScripts`, so a fresh checkout has the package but not the binary);
//   4. builds better-sqlite3 for Electron's ABI into .cache/electron-native/<electron version>/ (once), because
//      the copy in node_modules is built for Node 22 and a non-N-API addon loads in one runtime only;
//   5. runs Electron on this folder and exits with its code.
// When any of 2-4 fails, or Electron dies within a few seconds, it prints one line saying why and runs
// `lifeboat serve --open` instead. LIFEBOAT_HEADLESS=1 goes straight to headless mode.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findNode22, projectRoot } from './node22.mjs';

const require = createRequire(import.meta.url);
const DOWNLOAD_TIMEOUT_MS = 120_000;
/** Compiling SQLite takes one to two minutes on two cores; the header download is part of it. */
const NATIVE_BUILD_TIMEOUT_MS = 15 * 60_000;
/** An Electron that exits with an error this soon never got as far as showing a window. */
const QUICK_EXIT_MS = 3_000;
const ELECTRON_HEADERS_URL = 'https://electronjs.org/headers';

/** A reason Electron cannot run here; main() turns it into the one-line notice and the headless fallback. */
class CannotRunElectron extends Error {}

/** One line, no longer than a terminal is wide, for the notice. */
function oneLine(text, max = 220) {
  const line = String(text).replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The exit code a shell reports for a child that ended with `code` or was killed by `signal`. */
function exitCodeOf(code, signal) {
  return signal ? 128 + (constants.signals[signal] ?? 1) : (code ?? 1);
}

/** Signals to pass on to whichever child runs now, so Ctrl+C and `kill` stop it cleanly rather than orphan it. */
let currentChild = null;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (currentChild && currentChild.exitCode === null && currentChild.signalCode === null) currentChild.kill(signal);
    else process.exit(exitCodeOf(null, signal));
  });
}

/**
 * Runs a command to completion. `capture` keeps its output (returned, and not shown) instead of inheriting the
 * terminal; `timeoutMs` kills it when it runs too long.
 */
function run(command, args, { cwd = projectRoot, env = process.env, capture = false, timeoutMs = 0, shell = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, shell, stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit', windowsHide: true });
    currentChild = child;
    let output = '';
    let timedOut = false;
    if (capture) {
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
    }
    const timer = timeoutMs > 0 ? setTimeout(() => ((timedOut = true), child.kill('SIGKILL')), timeoutMs) : null;
    child.on('error', (error) => {
      if (timer) clearTimeout(timer);
      currentChild = null;
      resolve({ code: null, signal: null, timedOut, output, error });
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      currentChild = null;
      resolve({ code, signal, timedOut, output, error: null });
    });
  });
}

// ---- 1. build ----------------------------------------------------------------------------------------------

const distFiles = {
  main: join(projectRoot, 'dist', 'electron', 'main', 'main.js'),
  preload: join(projectRoot, 'dist', 'electron', 'preload', 'preload.cjs'),
  renderer: join(projectRoot, 'dist', 'renderer', 'index.html'),
  cli: join(projectRoot, 'dist', 'electron', 'cli', 'main.js'),
};

async function ensureBuilt() {
  if ([distFiles.main, distFiles.renderer, distFiles.cli].every((file) => existsSync(file))) return;
  console.log('Lifeboat is not built yet: running `npm run build`.');
  // Through the npm that runs this script when there is one (npm sets npm_execpath), so the same npm and Node
  // run the build; otherwise whatever npm is on PATH.
  const npmCli = process.env.npm_execpath;
  const result =
    npmCli && /\.(c|m)?js$/.test(npmCli)
      ? await run(process.execPath, [npmCli, 'run', 'build'])
      : // Node refuses to spawn npm.cmd on Windows without a shell.
        await run('npm', ['run', 'build'], { shell: process.platform === 'win32' });
  if (result.code !== 0) {
    console.error('Lifeboat could not be built (`npm run build` failed; see above).');
    process.exit(1);
  }
}

// ---- 2. display --------------------------------------------------------------------------------------------

function requireDisplay() {
  if (process.platform !== 'linux') return;
  if (process.env.DISPLAY || process.env.WAYLAND_DISPLAY) return;
  throw new CannotRunElectron('there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)');
}

// ---- 3. the Electron binary --------------------------------------------------------------------------------

function electronPackage() {
  try {
    const packageFile = require.resolve('electron/package.json');
    return { dir: dirname(packageFile), version: JSON.parse(readFileSync(packageFile, 'utf8')).version };
  } catch {
    throw new CannotRunElectron('the electron package is not installed (run `npm install`)');
  }
}

/** The binary as node_modules/electron/index.js finds it: path.txt names it below dist/ (or the override). */
function electronBinary(dir) {
  const pathFile = join(dir, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!override && !executable) return null;
  const binary = override ? join(override, executable || 'electron') : join(dir, 'dist', executable);
  return existsSync(binary) ? binary : null;
}

/** The most telling line of a failed tool's output: the first error message, without stack frames. */
function errorSummary(output) {
  const lines = output.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  // node-gyp hides the cause of a failed header download behind a paragraph about proxies.
  if (/related to network connectivity/.test(output)) {
    const url = /gyp http GET (\S+)/.exec(output)?.[1];
    return `the Electron headers could not be downloaded${url ? ` from ${new URL(url).host}` : ''}: network error`;
  }
  // node-gyp spreads one message over several `gyp ERR! stack` lines, followed by the stack frames.
  const stackStart = lines.findIndex((line) => /^gyp ERR! stack \w*Error/.test(line));
  const gypMessage =
    stackStart === -1
      ? undefined
      : lines
          .slice(stackStart)
          .map((line) => line.replace(/^gyp ERR! stack /, ''))
          .filter((line, index, all) => all.slice(0, index + 1).every((l) => !/^at /.test(l) && !/^gyp ERR!/.test(l)))
          .join(' ');
  const pick =
    gypMessage ??
    lines.find((line) => /^(\w+Error|Error)\b/.test(line)) ??
    lines.find((line) => /^gyp ERR!/.test(line) && !/ (cwd|node -v|node-gyp -v|command|System|not ok)\b/.test(line)) ??
    lines.at(-1) ??
    'no output';
  return oneLine(pick.replace(/^(\w*Error):\s*/, ''), 160);
}

async function ensureElectronBinary(dir, version) {
  const existing = electronBinary(dir);
  if (existing) return existing;
  console.log(`Electron ${version} is not downloaded yet: fetching it (at most ${DOWNLOAD_TIMEOUT_MS / 1000} s).`);
  const result = await run(process.execPath, [join(dir, 'install.js')], { capture: true, timeoutMs: DOWNLOAD_TIMEOUT_MS });
  if (result.timedOut) throw new CannotRunElectron(`its binary could not be downloaded (no answer within ${DOWNLOAD_TIMEOUT_MS / 1000} s)`);
  if (result.error) throw new CannotRunElectron(`its binary could not be downloaded (${oneLine(result.error.message, 160)})`);
  if (result.code !== 0) throw new CannotRunElectron(`its binary could not be downloaded (${errorSummary(result.output)})`);
  const binary = electronBinary(dir);
  if (!binary) throw new CannotRunElectron('its binary is still missing after the download');
  return binary;
}

// ---- 4. better-sqlite3 for Electron ------------------------------------------------------------------------

/** The environment for node-gyp: npm's own config (e.g. a user-level `nodedir`) must not redirect the headers. */
function nativeBuildEnv() {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^npm_config_(nodedir|target|runtime|disturl|dist_url|arch|target_arch|devdir|build_from_source)$/i.test(key)) delete env[key];
  }
  return env;
}

async function ensureSqliteForElectron(version) {
  let sourceDir;
  try {
    sourceDir = dirname(require.resolve('better-sqlite3/package.json'));
  } catch {
    throw new CannotRunElectron('better-sqlite3 is not installed (run `npm install`)');
  }
  const moduleVersion = JSON.parse(readFileSync(join(sourceDir, 'package.json'), 'utf8')).version;
  const copyDir = join(projectRoot, '.cache', 'electron-native', version, 'better-sqlite3');
  const binding = join(copyDir, 'build', 'Release', 'better_sqlite3.node');
  const stampFile = join(copyDir, '.lifeboat-build.json');
  const stamp = { betterSqlite3: moduleVersion, electron: version, platform: process.platform, arch: process.arch };
  if (existsSync(binding) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === JSON.stringify(stamp)) return binding;

  // A private copy, so node_modules keeps the Node 22 build the engine, CLI and tests load.
  rmSync(copyDir, { recursive: true, force: true });
  mkdirSync(dirname(copyDir), { recursive: true });
  cpSync(sourceDir, copyDir, {
    recursive: true,
    // The old build output is for Node; node-gyp would wipe it anyway.
    filter: (source) => relative(sourceDir, source).split(sep)[0] !== 'build',
  });
  console.log(`Building better-sqlite3 ${moduleVersion} for Electron ${version} (once; a minute or two).`);
  const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
  const args = [
    nodeGyp,
    'rebuild',
    '--release',
    `--target=${version}`,
    `--dist-url=${ELECTRON_HEADERS_URL}`,
    '--runtime=electron',
    `--arch=${process.arch}`,
    '--jobs=max',
  ];
  const result = await run(process.execPath, args, { cwd: copyDir, env: nativeBuildEnv(), capture: true, timeoutMs: NATIVE_BUILD_TIMEOUT_MS });
  const logFile = join(dirname(copyDir), 'better-sqlite3-build.log');
  writeFileSync(logFile, result.output);
  if (result.timedOut) throw new CannotRunElectron(`better-sqlite3 could not be built for it (timed out; log: ${relative(projectRoot, logFile)})`);
  if (result.error || result.code !== 0 || !existsSync(binding)) {
    const why = result.error ? oneLine(result.error.message, 160) : errorSummary(result.output);
    throw new CannotRunElectron(`better-sqlite3 could not be built for it (${why}; log: ${relative(projectRoot, logFile)})`);
  }
  writeFileSync(stampFile, JSON.stringify(stamp));
  return binding;
}

// ---- 5. run ------------------------------------------------------------------------------------------------

/**
 * Runs Electron with this folder as the app. Resolves with its exit code, or throws CannotRunElectron when it
 * failed right away (missing system libraries, a sandbox it cannot set up, an engine that does not start).
 */
async function runElectron(binary, sqliteBinding, extraArgs) {
  // The engine's V8 flags, given here so the app does not relaunch itself to get them (electron/main/v8-relaunch.ts).
  const { ENGINE_V8_FLAGS } = await import(pathToFileURL(join(projectRoot, 'dist', 'electron', 'engine', 'v8-flags.js')).href);
  const env = { ...process.env, LIFEBOAT_SQLITE_BINDING: sqliteBinding };
  // Set by some tools to make Electron behave as plain Node; the app would not start.
  delete env.ELECTRON_RUN_AS_NODE;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    // stderr is passed through but also kept, to name the cause if Electron dies at once.
    const child = spawn(binary, [`--js-flags=${ENGINE_V8_FLAGS.join(' ')}`, projectRoot, ...extraArgs], { cwd: projectRoot, env, stdio: ['inherit', 'inherit', 'pipe'] });
    currentChild = child;
    let recentErrors = '';
    child.stderr.on('data', (chunk) => {
      process.stderr.write(chunk);
      recentErrors = (recentErrors + chunk).slice(-4000);
    });
    child.on('error', (error) => {
      currentChild = null;
      reject(new CannotRunElectron(`its binary could not be started (${oneLine(error.message, 160)})`));
    });
    child.on('close', (code, signal) => {
      currentChild = null;
      const failed = code !== 0 || signal !== null;
      if (failed && Date.now() - started < QUICK_EXIT_MS) {
        const last = recentErrors.split(/\r?\n/).map((line) => line.trim()).filter(Boolean).at(-1);
        const status = signal ? `signal ${signal}` : `code ${code}`;
        reject(new CannotRunElectron(`it exited right after starting (${status}${last ? `: ${oneLine(last, 160)}` : ''})`));
        return;
      }
      resolve(exitCodeOf(code, signal));
    });
  });
}

async function runHeadless(extraArgs) {
  const launcher = join(projectRoot, 'scripts', 'lifeboat.mjs');
  if (!existsSync(launcher)) {
    console.error(`Headless mode is not available: ${relative(projectRoot, launcher)} is missing.`);
    return 1;
  }
  // The launcher re-executes itself on Node 22 when needed; starting it there directly saves a process.
  const node = findNode22()?.bin ?? process.execPath;
  const result = await run(node, [launcher, 'serve', '--open', ...extraArgs]);
  if (result.error) {
    console.error(`Headless mode could not be started: ${result.error.message}`);
    return 1;
  }
  return exitCodeOf(result.code, result.signal);
}

async function main() {
  const extraArgs = process.argv.slice(2);
  await ensureBuilt();
  if (process.env.LIFEBOAT_HEADLESS === '1') {
    console.log('LIFEBOAT_HEADLESS=1: starting Lifeboat in headless mode.');
    return runHeadless(extraArgs);
  }
  try {
    requireDisplay();
    const { dir, version } = electronPackage();
    if (!existsSync(distFiles.preload)) {
      throw new CannotRunElectron(`the preload bundle is missing (${relative(projectRoot, distFiles.preload)}: the build did not make it)`);
    }
    const binary = await ensureElectronBinary(dir, version);
    const sqliteBinding = await ensureSqliteForElectron(version);
    return await runElectron(binary, sqliteBinding, extraArgs);
  } catch (error) {
    if (!(error instanceof CannotRunElectron)) throw error;
    console.log(`Electron can't run here: ${error.message}; starting Lifeboat in headless mode instead.`);
    return runHeadless(extraArgs);
  }
}

process.exitCode = await main();
