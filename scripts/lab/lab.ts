// The lab: a real libvirt/QEMU cluster of N hosts on this one machine (see docs/LAB.md).
//   node scripts/lab/lab.ts up [--hosts N] [--vms-per-host K] [--tcp-port-base P] [--ssh-port-base P]
//   node scripts/lab/lab.ts down
//   node scripts/lab/lab.ts status [--json]
// Exit codes: 0 done / lab up; 1 failed / lab not (fully) up; 2 bad usage or not root.
import { parseArgs } from 'node:util';
import { existsSync, mkdirSync } from 'node:fs';
import { UsageError, resolveLabDir } from './config.ts';
import { down } from './down.ts';
import { withLabLock } from './lock.ts';
import { formatStatus, labStatus } from './status.ts';
import { up } from './up.ts';
import type { UpOptions } from './up.ts';

const USAGE = `usage: node scripts/lab/lab.ts <command> [options]   (npm run lab:<command> -- [options])
  up      [--hosts N (3)] [--vms-per-host K] [--tcp-port-base P (16600)] [--ssh-port-base P (2200)]
  down
  status  [--json]
The lab dir is $LIFEBOAT_LAB_DIR (default /var/tmp/lifeboat-lab).`;

function log(line: string): void {
  process.stdout.write(`lab: ${line}\n`);
}

function intOption(values: Record<string, unknown>, name: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw) || !Number.isSafeInteger(n)) throw new UsageError(`--${name} needs a whole number, got "${String(raw)}"`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  if (!['up', 'down', 'status'].includes(command)) throw new UsageError(`unknown command "${command}"\n${USAGE}`);
  const { values } = parseArgs({
    args: rest,
    strict: true,
    allowPositionals: false,
    options:
      command === 'up'
        ? {
            hosts: { type: 'string' },
            'vms-per-host': { type: 'string' },
            'tcp-port-base': { type: 'string' },
            'ssh-port-base': { type: 'string' },
          }
        : command === 'status'
          ? { json: { type: 'boolean' } }
          : {},
  });
  if (process.platform !== 'linux') throw new UsageError('the lab runs on Linux only (network namespaces, libvirtd)');
  if (process.getuid?.() !== 0) {
    throw new UsageError(`lab ${command} must run as root (it creates network namespaces and runs libvirtd): try \`sudo npm run lab:${command}\``);
  }

  if (command === 'up') {
    const options: UpOptions = {};
    const hosts = intOption(values, 'hosts');
    const vmsPerHost = intOption(values, 'vms-per-host');
    const tcpPortBase = intOption(values, 'tcp-port-base');
    const sshPortBase = intOption(values, 'ssh-port-base');
    if (hosts !== undefined) options.hosts = hosts;
    if (vmsPerHost !== undefined) options.vmsPerHost = vmsPerHost;
    if (tcpPortBase !== undefined) options.tcpPortBase = tcpPortBase;
    if (sshPortBase !== undefined) options.sshPortBase = sshPortBase;
    const labDir = resolveLabDir();
    mkdirSync(labDir, { recursive: true, mode: 0o755 });
    await withLabLock(labDir, log, () => up(options, log));
    return 0;
  }
  if (command === 'down') {
    const labDir = resolveLabDir();
    if (existsSync(labDir)) await withLabLock(labDir, log, () => down(log));
    else log(`no lab at ${labDir}; nothing to do`);
    return 0;
  }
  const status = await labStatus();
  process.stdout.write(values['json'] === true ? `${JSON.stringify(status, null, 2)}\n` : `${formatStatus(status)}\n`);
  return status.up ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const usage = err instanceof UsageError || (err instanceof Error && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'));
    process.stderr.write(`lab: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = usage ? 2 : 1;
  },
);
