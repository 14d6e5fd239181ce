import { spawn } from 'node:child_process';
import type { Command } from '../command.js';
import { CliError } from '../command.js';
import { startHeadlessServer } from '../headless-server.js';
import { openHeadlessRuntime, rendererDir } from '../runtime.js';

/** Opens the URL in the system browser when there is one; failing quietly is right: the URL is printed anyway. */
function openInBrowser(url: string): void {
  const [cmd, args]: [string, string[]] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  if (process.platform === 'linux' && !process.env['DISPLAY'] && !process.env['WAYLAND_DISPLAY']) return;
  try {
    const child = spawn(cmd, args, { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // No browser launcher on this machine.
  }
}

function parsePort(raw: string | boolean | string[] | undefined): number {
  if (raw === undefined) return 0;
  const port = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CliError('invalid_argument', `--port must be a number from 0 to 65535 (0 picks a free port), not ${JSON.stringify(raw)}`, 2);
  }
  return port;
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run Lifeboat headless: the engine plus the app in your browser, on 127.0.0.1 only',
  usage: 'lifeboat serve [--port N] [--open] [--data-dir DIR] [--json]',
  options: { port: { type: 'string' }, open: { type: 'boolean' } },
  optionHelp: [
    '--port N      port on 127.0.0.1 (default 0: a free one)',
    '--open        open the app in the system browser',
  ],
  async run({ values, dataDir, json, io, stopRequested, secretsPassphraseFile }) {
    const port = parsePort(values['port']);
    const { engine, logger } = openHeadlessRuntime(dataDir, {
      runSchedules: true,
      secretsPassphraseFile,
      ...(json ? {} : { console: (line: string) => io.stderr(line) }),
    });
    let server;
    try {
      server = await startHeadlessServer({ engine, port, rendererDir, logger });
    } catch (error) {
      await engine.close();
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new CliError('port_in_use', `Port ${port} on 127.0.0.1 is already in use; choose another with --port, or 0`);
      throw error;
    }
    if (json) {
      io.stdout(JSON.stringify({ url: server.url, port: server.port, dataDir }));
    } else {
      io.stdout(`Lifeboat ${engine.info.version} is running headless at:\n\n  ${server.url}\n`);
      io.stdout(`Data folder: ${dataDir}\nThe URL carries this run's access token; keep it private. Press Ctrl+C to stop.`);
    }
    if (values['open']) openInBrowser(server.url);
    const signal = await stopRequested;
    logger.info('stopping', { signal });
    await server.close();
    await engine.close();
    return 0;
  },
};
