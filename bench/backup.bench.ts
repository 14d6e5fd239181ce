// Backups of a running lab VM through the real engine, against libnbd's nbdcopy, in the same run:
//
//  1. Full backup of a big disk (random data, allocated zeros, holes elsewhere) against nbdcopy copying a pull-mode
//     backup export of the same VM (the same kind of export QEMU gives Lifeboat, on the same host) to a file in the
//     same target folder. Runs take turns, --repeat rounds. Lifeboat is timed over SSH (the product's path) and
//     over the host's local socket (the engine run inside the lab host's mount namespace, as if installed on the
//     hypervisor); nbdcopy over the same two ways in (OpenSSH forwarding of the export's socket, and the socket).
//  2. Incremental backups after --change of the disk was rewritten with random data through the QEMU monitor's
//     qemu-io (the lab's guests have no OS), against the full.
//  3. Peak RSS (VmHWM) of the backing-up process for the --rss disks.
//
// Every Lifeboat backup runs in a child process of its own (a fresh engine and repository, started with the
// engine's V8 flags, as `lifeboat backup` would), which reports its times, its CPU (by thread too) and VmHWM; the
// parent adds the CPU of the VM's QEMU and of the whole machine (/proc/stat) meanwhile, for nbdcopy's runs too: on
// a machine with few cores, a copy that keeps them all busy is bounded by CPU. The VMs are the bench's own
// (`bench-backup-<N>g`: TCG, 64 MiB, no OS but the lab's halting boot sector, one qcow2 disk on --host); they and
// their disks are removed at the end, also after a failure or Ctrl-C (and a leftover of a killed run is removed
// before starting). A measurement: nothing fails on speed; the exit code is 1 only when bytes differ (--no-verify
// skips the checks).
//
//   flock /var/tmp/lifeboat-lab.use.lock npm run bench:backup -- [options]
//
//   --host lab1                 the lab host that runs the bench VMs
//   --size-gib 4                the full/incremental disk: its size,
//   --random-gib 1.5              how much of it is random data,
//   --zero-gib 0.25               how much is allocated but zero (the rest is holes); spread over 64 MiB regions
//   --repeat 3                  rounds of full backups, and incrementals
//   --change 0.01               share of the disk rewritten before each incremental,
//   --change-piece-kib 1024       in pieces of this size at random 64 KiB-aligned offsets
//   --rss 1:0.75,8:1            disks (size:random GiB) backed up once each for the peak RSS; "none" skips them
//   --dir /var/tmp              the target folder: repositories and nbdcopy's output go in a fresh folder in it
//   --no-local                  no runs over the host's local socket
//   --no-verify                 skip exporting the points and comparing them with nbdcopy's copy and the image
//   --cpu-prof DIR              each backing-up child writes a V8 CPU profile (.cpuprofile) into DIR
//
// Needs the lab (npm run lab:up), nbdcopy (libnbd-bin), qemu-img and qemu-io (qemu-utils), nsenter, ssh.
import './support/source-hooks.ts';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, readdirSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BOOT_SECTOR } from '../scripts/lab/disk-content.ts';
import type { LabJson, LabJsonHost } from '../scripts/lab/lab-json.ts';
import { domainXml } from '../scripts/lab/vms.ts';
import { uuidFromName } from '../scripts/lab/config.ts';
import { ENGINE_V8_FLAGS } from '../electron/engine/v8-flags.ts';
import { GiB, MiB, median, mibPerSecond, randomBytes, tool, waitForSocket } from './support/tools.ts';

const RESULT_PREFIX = 'BACKUP-BENCH-RESULT ';
const KiB = 1024;
const REGION = 64 * MiB;
const CLUSTER = 64 * KiB;

interface ChildSpec {
  transport: 'ssh' | 'unix';
  /** The engine's data folder: reusing it keeps the cluster (and so the VM's identity) of an earlier run. */
  dataDir: string;
  repo: string;
  vmUuid: string;
  labDir: string;
}

interface ChildResult {
  type: 'full' | 'incremental';
  pointId: string;
  /** backupVm(): find the VM, connect, start the job, read and store, write the manifest, end the job. */
  totalMs: number;
  /** From the 'reading' phase to the 'writing' one: NBD connect, extents, reads, hashing, compression, storing. */
  readMs: number;
  /** Milliseconds from the call to each phase's start (resolving the VM's host, starting the job, reading, writing the manifest and ending the job). */
  phases: Record<string, number>;
  cpuMs: number;
  bytesRead: number;
  bytesStored: number;
  /** VmHWM of the process at the end, and VmRSS just before the backup started (engine loaded). */
  hwmBytes: number;
  startRssBytes: number;
  /** CPU time of this process's threads by name (/proc/self/task/<tid>/comm) at the end, threads still running. */
  threadCpuMs: Record<string, number>;
  /** CPU time of this process, and of the whole machine, during the data phase. */
  readCpuMs: number;
  readMachineCpuMs: number;
  /** Filled in by the parent: CPU time of the VM's QEMU during the child's run. */
  qemuCpuMs?: number;
  /** Filled in by the parent: CPU time of the whole machine (every process and the kernel) during the child's run. */
  machineCpuMs?: number;
}

function procStatusBytes(field: 'VmHWM' | 'VmRSS'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  if (!match) throw new Error(`no ${field} in /proc/self/status`);
  return Number(match[1]) * KiB;
}

/** User + system CPU time in a /proc stat file (a process's or a thread's), in ms (clock ticks of 10 ms). */
function cpuMsInStat(path: string): number {
  const stat = readFileSync(path, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** CPU time of this process's threads so far, summed by thread name (the main thread is the process's own). */
function threadCpuMs(): Record<string, number> {
  const byName: Record<string, number> = {};
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const name = tid === String(process.pid) ? 'main' : readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
      byName[name] = (byName[name] ?? 0) + cpuMsInStat(`/proc/self/task/${tid}/stat`);
    } catch {
      // The thread ended meanwhile.
    }
  }
  return byName;
}

/** One backup in this (child) process, through a real engine; prints a ChildResult line. */
async function runChild(spec: ChildSpec): Promise<void> {
  const { systemClock } = await import('../electron/engine/clock.js');
  const { createLogger } = await import('../electron/engine/logging/logger.js');
  const { CONFIG_FILE, Repository } = await import('../electron/engine/repository/index.js');
  const { labHostInputs, readLabDescription } = await import('../electron/cli/lab.js');
  const { createTestEngine } = await import('../test/support/engine.ts');
  const lab = await readLabDescription(spec.labDir);
  const logger = createLogger([]);
  const engine = createTestEngine(spec.dataDir, { logger });
  try {
    const cluster = engine.clusters.list().find((c) => c.name === 'lab') ?? (await engine.clusters.add({ name: 'lab', hosts: labHostInputs(lab, spec.transport) }));
    const repository = existsSync(join(spec.repo, CONFIG_FILE))
      ? await Repository.open(spec.repo, { clock: systemClock, logger, writer: true })
      : await Repository.init(spec.repo, { clock: systemClock, logger, writer: true });
    try {
      const phases: Record<string, number> = {};
      const phaseCpu: Record<string, { own: number; machine: number }> = {};
      const startRssBytes = procStatusBytes('VmRSS');
      const cpu = process.cpuUsage();
      const started = performance.now();
      const { manifest } = await engine.backupVm(
        repository,
        { clusterId: cluster.id, vmUuid: spec.vmUuid },
        {
          onProgress: (progress) => {
            if (phases[progress.phase] !== undefined) return;
            phases[progress.phase] = performance.now() - started;
            const own = process.cpuUsage();
            phaseCpu[progress.phase] = { own: (own.user + own.system) / 1000, machine: machineCpuMs() };
          },
        },
      );
      const totalMs = performance.now() - started;
      const used = process.cpuUsage(cpu);
      const result: ChildResult = {
        type: manifest.type,
        pointId: manifest.id,
        totalMs,
        readMs: (phases['writing'] ?? 0) - (phases['reading'] ?? 0),
        phases,
        cpuMs: (used.user + used.system) / 1000,
        readCpuMs: (phaseCpu['writing']?.own ?? 0) - (phaseCpu['reading']?.own ?? 0),
        readMachineCpuMs: (phaseCpu['writing']?.machine ?? 0) - (phaseCpu['reading']?.machine ?? 0),
        bytesRead: manifest.stats.bytesRead,
        bytesStored: manifest.stats.bytesStored,
        hwmBytes: procStatusBytes('VmHWM'),
        startRssBytes,
        threadCpuMs: threadCpuMs(),
      };
      process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
    } finally {
      await repository.close();
    }
  } finally {
    await engine.close();
  }
}

const { values } = parseArgs({
  options: {
    child: { type: 'string' },
    host: { type: 'string', default: 'lab1' },
    'size-gib': { type: 'string', default: '4' },
    'random-gib': { type: 'string', default: '1.5' },
    'zero-gib': { type: 'string', default: '0.25' },
    repeat: { type: 'string', default: '3' },
    change: { type: 'string', default: '0.01' },
    'change-piece-kib': { type: 'string', default: '1024' },
    rss: { type: 'string', default: '1:0.75,8:1' },
    dir: { type: 'string', default: '/var/tmp' },
    'no-local': { type: 'boolean', default: false },
    'no-verify': { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
  },
});

if (values.child !== undefined) {
  await runChild(JSON.parse(values.child) as ChildSpec);
  process.exit(0);
}

// ---- the parent: VMs, nbdcopy, children, figures ------------------------------------------------------------

function number(name: string, raw: string, check: (n: number) => boolean): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || !check(n)) throw new Error(`--${name} ${raw} is out of range`);
  return n;
}
const sizeGiB = number('size-gib', values['size-gib'], (n) => Number.isInteger(n) && n >= 1);
const randomGiB = number('random-gib', values['random-gib'], (n) => n >= 0);
const zeroGiB = number('zero-gib', values['zero-gib'], (n) => n >= 0 && randomGiB + n <= sizeGiB);
const repeat = number('repeat', values.repeat, (n) => Number.isInteger(n) && n >= 1);
const changeShare = number('change', values.change, (n) => n > 0 && n <= 0.5);
const changePiece = number('change-piece-kib', values['change-piece-kib'], (n) => Number.isInteger(n) && n >= 64 && n % 64 === 0) * KiB;
const rssDisks =
  values.rss === 'none'
    ? []
    : values.rss.split(',').map((item) => {
        const [size, random] = item.split(':');
        const disk = { sizeGiB: Number(size), randomGiB: Number(random ?? 0) };
        if (!Number.isInteger(disk.sizeGiB) || disk.sizeGiB < 1 || !(disk.randomGiB >= 0 && disk.randomGiB <= disk.sizeGiB)) throw new Error(`--rss ${item}: want SIZE:RANDOM in GiB`);
        return disk;
      });
const withLocal = !values['no-local'];
const verify = !values['no-verify'];

const status = spawnSync(process.execPath, [resolve('scripts/lab/lab.ts'), 'status'], { encoding: 'utf8' });
const labDir = process.env['LIFEBOAT_LAB_DIR'] ?? '/var/tmp/lifeboat-lab';
if (status.status !== 0) {
  console.error(`the lab is not up (npm run lab:up):\n${status.stdout}${status.stderr}`);
  process.exit(2);
}
const lab = JSON.parse(readFileSync(join(labDir, 'lab.json'), 'utf8')) as LabJson;
const host: LabJsonHost = lab.hosts.find((h) => h.name === values.host) ?? (() => { throw new Error(`no lab host ${values.host}`); })();

function virsh(...args: string[]): string {
  return tool('virsh', ['-c', host.uri.unix, ...args]);
}
function virshQuiet(...args: string[]): void {
  spawnSync('virsh', ['-c', host.uri.unix, ...args], { stdio: 'ignore' });
}

/** A path of the host (its /var/lib/libvirt is a private bind mount of <labDir>/hosts/<host>/lib) from here. */
function fromHere(pathInHost: string): string {
  return join(labDir, 'hosts', host.name, 'lib', pathInHost.replace(/^\/var\/lib\/libvirt\//, ''));
}

// Everything made is undone by these, newest first, whatever happens (synchronous, so a signal handler can run them).
const cleanups: Array<{ what: string; run: () => void }> = [];
function runCleanups(): void {
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      cleanup.run();
    } catch (error) {
      console.error(`cleanup (${cleanup.what}) failed: ${String(error)}`);
    }
  }
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up`);
    runCleanups();
    process.exit(130);
  });
}

const runDir = mkdtempSync(join(values.dir, 'lifeboat-bench-backup-'));
cleanups.push({ what: `remove ${runDir}`, run: () => rmSync(runDir, { recursive: true, force: true }) });

/** A deterministic PRNG (mulberry32) for the layout and the change offsets. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Layout {
  random: Array<[number, number]>;
  zero: Array<[number, number]>;
}

/**
 * In every 64 MiB region, one extent of random data and one of allocated zeros, in the shares asked, at random
 * 64 KiB-aligned places (so most extents start and end inside a 4 MiB chunk); holes elsewhere.
 */
function layoutFor(size: number, randomShare: number, zeroShare: number, seed: number): Layout {
  const next = prng(seed);
  const layout: Layout = { random: [], zero: [] };
  const round = (bytes: number): number => Math.round(bytes / CLUSTER) * CLUSTER;
  for (let region = 0; region < size; region += REGION) {
    const length = Math.min(REGION, size - region);
    const data = round(length * randomShare);
    const zero = round(length * zeroShare);
    const gap = length - data - zero;
    if (gap < 0) throw new Error('random and zero shares add up to more than the disk');
    const before = round(next() * gap);
    const between = round(next() * (gap - before));
    if (data > 0) layout.random.push([region + before, data]);
    if (zero > 0) layout.zero.push([region + before + data + between, zero]);
  }
  return layout;
}

interface BenchVm {
  name: string;
  uuid: string;
  size: number;
  /** Bytes the disk holds (random + allocated zeros), what a reader of its allocated extents reads. */
  allocated: number;
  randomBytes: number;
  pathInHost: string;
  imageHere: string;
}

/** Removes a bench VM (and any backup job, checkpoints, disk and scratch files of it) if it exists. */
function removeVm(name: string): void {
  const pathInHost = `${host.poolPath}/${name}.qcow2`;
  if (virsh('list', '--all', '--name').split('\n').includes(name)) {
    virshQuiet('domjobabort', name);
    virshQuiet('destroy', name);
    virsh('undefine', name, '--checkpoints-metadata');
  }
  rmSync(fromHere(pathInHost), { force: true });
  virshQuiet('pool-refresh', host.poolName);
}

/** Creates, defines and starts a bench VM with one disk of the given layout; registers its removal. */
function createVm(sizeGiB: number, randomGiB: number, zeroGiB: number): BenchVm {
  const name = `bench-backup-${sizeGiB}g`;
  for (const other of lab.hosts) {
    if (other.name !== host.name && spawnSync('virsh', ['-c', other.uri.unix, 'domstate', name], { stdio: 'ignore' }).status === 0) {
      throw new Error(`a VM ${name} exists on ${other.name}: remove it first`);
    }
  }
  removeVm(name);
  cleanups.push({ what: `remove VM ${name}`, run: () => removeVm(name) });
  const size = sizeGiB * GiB;
  const layout = layoutFor(size, randomGiB / sizeGiB, zeroGiB / sizeGiB, sizeGiB);
  const pathInHost = `${host.poolPath}/${name}.qcow2`;
  const imageHere = fromHere(pathInHost);
  const started = performance.now();

  // Written raw and sparse, converted to qcow2 (holes stay unallocated), then the zero extents written as data.
  const raw = join(runDir, `${name}.raw`);
  const fd = openSync(raw, 'w');
  try {
    ftruncateSync(fd, size);
    for (const [offset, length] of layout.random) {
      for (let at = 0; at < length; at += 4 * MiB) {
        const piece = Math.min(4 * MiB, length - at);
        writeSync(fd, randomBytes(`${name}:${offset}`, piece, at), 0, piece, offset + at);
      }
    }
    writeSync(fd, BOOT_SECTOR, 0, BOOT_SECTOR.length, 0);
  } finally {
    closeSync(fd);
  }
  tool('qemu-img', ['convert', '-q', '-f', 'raw', '-O', 'qcow2', raw, imageHere]);
  rmSync(raw);
  if (layout.zero.length > 0) tool('qemu-io', ['-f', 'qcow2', ...layout.zero.flatMap(([offset, length]) => ['-c', `write -q -P 0 ${offset} ${length}`]), imageHere]);

  const uuid = uuidFromName(`bench/${name}`);
  const xml = join(runDir, `${name}.xml`);
  const diskPlan = { target: 'vda', fileName: `${name}.qcow2`, path: pathInHost, seed: 0, capacityBytes: size, bootSector: true, dataExtents: [] };
  writeFileSync(xml, domainXml({ name, uuid, host: host.name, running: true, disks: [diskPlan] }));
  virsh('define', xml);
  virsh('start', name);
  virshQuiet('pool-refresh', host.poolName);
  const randomTotal = layout.random.reduce((n, [, length]) => n + length, 0);
  const allocated = randomTotal + layout.zero.reduce((n, [, length]) => n + length, 0);
  console.log(
    `VM ${name} on ${host.name}: ${sizeGiB} GiB qcow2, ${(randomTotal / GiB).toFixed(2)} GiB random, ${(allocated - randomTotal) / GiB} GiB allocated zeros, ` +
      `the rest holes (made in ${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
  return { name, uuid, size, allocated, randomBytes: randomTotal, pathInHost, imageHere };
}

/** A qemu-io command on the running VM's disk, through the QEMU monitor. */
function qemuIo(vm: BenchVm, command: string): void {
  virsh('qemu-monitor-command', vm.name, '--hmp', `qemu-io -d /machine/peripheral/virtio-disk0/virtio-backend "${command}"`);
}

/** Rewrites `share` of the disk with random data in pieces at random offsets; returns the bytes written. */
function changeDisk(vm: BenchVm, share: number, round: number): number {
  const next = prng(1000 + round);
  const pieces = Math.max(1, Math.round((vm.size * share) / changePiece));
  const dir = join(runDir, `change-${round}`);
  mkdirSync(dir);
  for (let i = 0; i < pieces; i += 1) {
    // qemu-io fills its buffer from the start of the file: one file per piece, so every piece is new data.
    const source = join(dir, `${i}.bin`);
    writeFileSync(source, randomBytes(`change:${round}:${i}`, changePiece));
    const offset = Math.floor(next() * ((vm.size - changePiece) / CLUSTER)) * CLUSTER;
    qemuIo(vm, `write -q -s ${source} ${offset} ${changePiece}`);
  }
  rmSync(dir, { recursive: true });
  return pieces * changePiece;
}

// ---- measuring ------------------------------------------------------------------------------------------------

interface Sample {
  ms: number;
  cpuMs: number | null;
  hwmBytes: number | null;
  /** CPU time of the VM's QEMU (the NBD server) meanwhile. */
  qemuCpuMs?: number;
  /** CPU time of the whole machine meanwhile: the copier, QEMU, sshd and ssh, the kernel writing back. */
  machineCpuMs?: number;
}

/** CPU time (user + system) a process has used so far. */
function cpuMsOf(pid: number): number {
  return cpuMsInStat(`/proc/${pid}/stat`);
}

/**
 * CPU time the whole machine has used so far (every CPU's non-idle time in /proc/stat). On a machine with few
 * cores, a copy that keeps them all busy is bounded by CPU: only less work per byte makes it faster.
 */
function machineCpuMs(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return ((fields.reduce((sum, n) => sum + n, 0) - idle) * 1000) / 100;
}

/** Adds the CPU time the VM's QEMU, and the whole machine, used while `run` ran to what it returns. */
async function withQemuCpu<T extends { qemuCpuMs?: number; machineCpuMs?: number }>(vm: BenchVm, run: () => Promise<T> | T): Promise<T> {
  const pid = Number(readFileSync(join(labDir, 'hosts', host.name, 'run', 'qemu', `${vm.name}.pid`), 'utf8').trim());
  const before = cpuMsOf(pid);
  const machineBefore = machineCpuMs();
  const result = await run();
  result.qemuCpuMs = cpuMsOf(pid) - before;
  result.machineCpuMs = machineCpuMs() - machineBefore;
  return result;
}

/** Runs a command, timed, with its CPU time and peak RSS from GNU time. */
function timed(command: string, args: readonly string[]): Sample {
  const report = join(runDir, 'time.txt');
  const started = performance.now();
  tool('/usr/bin/time', ['-o', report, '-f', '%U %S %M', command, ...args]);
  const ms = performance.now() - started;
  const [user, system, maxKiB] = readFileSync(report, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  return { ms, cpuMs: ((user ?? 0) + (system ?? 0)) * 1000, hwmBytes: (maxKiB ?? 0) * KiB };
}

/** The pull-mode backup export nbdcopy reads: the same kind of job Lifeboat starts, without a checkpoint. */
async function withExport<T>(vm: BenchVm, body: (socketHere: string, socketInHost: string) => Promise<T>): Promise<T> {
  const { pullBackupXml } = await import('../electron/engine/hypervisors/libvirt/backup-xml.js');
  const socketInHost = `/var/lib/libvirt/qemu/bench-nbd-${vm.name}.sock`;
  const xml = join(runDir, 'backup.xml');
  writeFileSync(xml, pullBackupXml({ socketPath: socketInHost, disks: [{ target: 'vda', scratchPath: `/var/lib/libvirt/qemu/bench-scratch-${vm.name}.qcow2` }], incrementalFrom: null }));
  virsh('backup-begin', vm.name, xml);
  try {
    return await body(fromHere(socketInHost), socketInHost);
  } finally {
    virsh('domjobabort', vm.name);
  }
}

/** OpenSSH forwarding of a unix socket of the host to one here, for nbdcopy over SSH. */
async function withSshForward<T>(socketInHost: string, body: (socketHere: string) => Promise<T>): Promise<T> {
  const local = join(runDir, 'fwd.sock');
  rmSync(local, { force: true });
  const ssh: ChildProcess = spawn('ssh', ['-F', join(labDir, 'ssh', 'config'), '-N', '-o', 'ExitOnForwardFailure=yes', '-L', `${local}:${socketInHost}`, host.name], { stdio: 'ignore' });
  const stop = (): void => {
    if (ssh.exitCode === null) ssh.kill('SIGTERM');
  };
  cleanups.push({ what: 'stop ssh forwarding', run: stop });
  try {
    await waitForSocket(local, ssh, 'ssh -L');
    return await body(local);
  } finally {
    stop();
  }
}

function nbdcopy(socketHere: string, out: string): Sample {
  rmSync(out, { force: true });
  return timed('nbdcopy', ['--flush', `nbd+unix:///vda?socket=${socketHere}`, out]);
}

/** One Lifeboat backup in a child process: over SSH, or over the host's local socket from inside its mount namespace. */
function lifeboat(vm: BenchVm, via: 'ssh' | 'local', dataDir: string, repo: string): Promise<ChildResult> {
  const spec: ChildSpec = { transport: via === 'ssh' ? 'ssh' : 'unix', dataDir, repo, vmUuid: vm.uuid, labDir };
  const profile = values['cpu-prof'] === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${resolve(values['cpu-prof'])}`];
  const node = [process.execPath, ...profile, ...ENGINE_V8_FLAGS, resolve(import.meta.dirname, 'backup.bench.ts'), '--child', JSON.stringify(spec)];
  const [command, ...args] = via === 'ssh' ? node : ['nsenter', '-t', String(host.libvirtdPid), '-m', '-u', '--', ...node];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command!, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (data: string) => (out += data));
    child.once('error', reject);
    child.once('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || line === undefined) reject(new Error(`the backup child (${via}) failed with ${code}: ${out.slice(-2000)}`));
      else resolvePromise(JSON.parse(line.slice(RESULT_PREFIX.length)) as ChildResult);
    });
  });
}

async function exportPoint(repo: string, pointId: string, out: string): Promise<void> {
  const { systemClock } = await import('../electron/engine/clock.js');
  const { createLogger } = await import('../electron/engine/logging/logger.js');
  const { Repository } = await import('../electron/engine/repository/index.js');
  const repository = await Repository.open(repo, { clock: systemClock, logger: createLogger([]) });
  try {
    await repository.exportDisk(await repository.points.read(pointId), 'vda', out, { format: 'raw', overwrite: true });
  } finally {
    await repository.close();
  }
}

function compare(what: string, args: readonly string[]): boolean {
  const result = spawnSync('qemu-img', ['compare', ...args], { encoding: 'utf8' });
  const same = result.status === 0 && result.stdout.includes('Images are identical');
  console.log(`verify: ${what}: ${same ? 'identical' : `DIFFERENT (${(result.stdout + result.stderr).trim()})`}`);
  if (!same) process.exitCode = 1;
  return same;
}

// ---- figures --------------------------------------------------------------------------------------------------

const s = (ms: number): string => (ms / 1000).toFixed(2);
const mb = (bytes: number): string => `${(bytes / MiB).toFixed(0)} MiB`;

interface Row {
  label: string;
  samples: Sample[];
}

/** Median time of each phase: finding the VM (inventory), starting the job, reading and storing, manifest and job end. */
function phaseLine(label: string, results: readonly ChildResult[]): string {
  const at = (phase: string): number => median(results.map((r) => r.phases[phase] ?? r.totalMs));
  const parts: Array<[string, number]> = [
    ['find the VM', at('starting')],
    ['start the job', at('reading') - at('starting')],
    ['read and store', at('writing') - at('reading')],
    ['manifest, end the job', median(results.map((r) => r.totalMs)) - at('writing')],
  ];
  return `  ${label}: ${parts.map(([name, ms]) => `${name} ${s(ms)} s`).join(', ')}`;
}

/** Median CPU of each kind of thread: the event loop (main), libuv's pool, the chunk hashers, V8's helpers. */
function threadLine(label: string, results: readonly ChildResult[]): string {
  const names = [...new Set(results.flatMap((r) => Object.keys(r.threadCpuMs)))].sort();
  const parts = names.map((name) => [name, median(results.map((r) => r.threadCpuMs[name] ?? 0))] as const).filter(([, ms]) => ms >= 50);
  return `  ${label}: ${parts.map(([name, ms]) => `${name} ${s(ms)} s`).join(', ')}`;
}

function printRows(title: string, rows: Row[], bytes: number, reference: Map<string, Row>): void {
  console.log(`\n${title}`);
  console.log(`${'run'.padEnd(52)}${'median s'.padStart(9)}${'best s'.padStart(8)}${'MiB/s'.padStart(7)}${'vs nbdcopy*'.padStart(12)}${'CPU s'.padStart(7)}${'peak RSS'.padStart(10)}${'QEMU CPU s'.padStart(12)}${'machine CPU s'.padStart(15)}`);
  for (const row of rows) {
    const ms = median(row.samples.map((x) => x.ms));
    const ref = reference.get(row.label);
    const vs = ref ? `${(median(ref.samples.map((x) => x.ms)) / ms).toFixed(2)}x` : '';
    const cpu = row.samples.every((x) => x.cpuMs !== null) ? s(median(row.samples.map((x) => x.cpuMs ?? 0))) : '';
    const hwm = row.samples.every((x) => x.hwmBytes !== null) ? mb(Math.max(...row.samples.map((x) => x.hwmBytes ?? 0))) : '';
    const qemu = row.samples.every((x) => x.qemuCpuMs !== undefined) ? s(median(row.samples.map((x) => x.qemuCpuMs ?? 0))) : '';
    const machine = row.samples.every((x) => x.machineCpuMs !== undefined) ? s(median(row.samples.map((x) => x.machineCpuMs ?? 0))) : '';
    console.log(
      `${row.label.padEnd(52)}${s(ms).padStart(9)}${s(Math.min(...row.samples.map((x) => x.ms))).padStart(8)}${mibPerSecond(bytes, ms).toFixed(0).padStart(7)}${vs.padStart(12)}${cpu.padStart(7)}${hwm.padStart(10)}${qemu.padStart(12)}${machine.padStart(15)}`,
    );
  }
}

// ---- the run --------------------------------------------------------------------------------------------------

try {
  console.log(
    `backup benchmark, ${new Date().toISOString()}: lab host ${host.name}, target folder ${runDir}, ${repeat} round(s), ` +
      `UV_THREADPOOL_SIZE=${process.env['UV_THREADPOOL_SIZE'] ?? '(default 4)'}`,
  );
  const vm = createVm(sizeGiB, randomGiB, zeroGiB);
  const info = await withExport(vm, (socket) => Promise.resolve(tool('nbdinfo', [`nbd+unix:///vda?socket=${socket}`])));
  const multiConn = /can_multi_conn: true/.test(info);
  console.log(`its pull-mode backup export: multi-conn ${multiConn ? 'yes' : 'no'} (nbdcopy uses ${multiConn ? 4 : 1} connection(s) by default)`);

  const rows = {
    nbdLocal: { label: 'nbdcopy, local socket (defaults, --flush)', samples: [] } as Row,
    nbdSsh: { label: 'nbdcopy, OpenSSH forwarding (defaults, --flush)', samples: [] } as Row,
    lbLocalData: { label: 'Lifeboat, local socket: data phase', samples: [] } as Row,
    lbLocalTotal: { label: 'Lifeboat, local socket: whole backup', samples: [] } as Row,
    lbSshData: { label: 'Lifeboat, SSH: data phase', samples: [] } as Row,
    lbSshTotal: { label: 'Lifeboat, SSH: whole backup', samples: [] } as Row,
  };
  const nbdcopyOut = join(runDir, 'nbdcopy.raw');
  let kept: { dataDir: string; repo: string; pointId: string } | null = null;
  const sshFulls: ChildResult[] = [];
  const localFulls: ChildResult[] = [];
  const incrementals: ChildResult[] = [];
  for (let round = 0; round < repeat; round += 1) {
    await withExport(vm, async (socketHere, socketInHost) => {
      rows.nbdLocal.samples.push(await withQemuCpu(vm, () => nbdcopy(socketHere, nbdcopyOut)));
      rows.nbdSsh.samples.push(await withSshForward(socketInHost, (forwarded) => withQemuCpu(vm, () => nbdcopy(forwarded, nbdcopyOut))));
    });
    for (const via of withLocal ? (['local', 'ssh'] as const) : (['ssh'] as const)) {
      const dataDir = join(runDir, `engine-${via}-${round}`);
      const repo = join(runDir, `repo-${via}-${round}`);
      const result = await withQemuCpu(vm, () => lifeboat(vm, via, dataDir, repo));
      if (result.type !== 'full') throw new Error(`expected a full backup, got ${result.type}`);
      (via === 'ssh' ? sshFulls : localFulls).push(result);
      const data = via === 'ssh' ? rows.lbSshData : rows.lbLocalData;
      const total = via === 'ssh' ? rows.lbSshTotal : rows.lbLocalTotal;
      data.samples.push({ ms: result.readMs, cpuMs: result.readCpuMs, hwmBytes: null, machineCpuMs: result.readMachineCpuMs });
      total.samples.push({ ms: result.totalMs, cpuMs: result.cpuMs, hwmBytes: result.hwmBytes, qemuCpuMs: result.qemuCpuMs ?? 0, machineCpuMs: result.machineCpuMs ?? 0 });
      // The last SSH repository goes on to the incrementals (its checkpoint is the VM's newest); others go now.
      if (via === 'ssh') {
        if (kept) rmSync(kept.repo, { recursive: true, force: true });
        kept = { dataDir, repo, pointId: result.pointId };
      } else rmSync(repo, { recursive: true, force: true });
    }
    console.log(`round ${round + 1}/${repeat} done`);
  }
  if (kept === null) throw new Error('no SSH backup ran');
  if (verify) {
    const out = join(runDir, 'lifeboat-full.raw');
    await exportPoint(kept.repo, kept.pointId, out);
    compare('the last full point against nbdcopy’s copy of the same disk', ['-f', 'raw', '-F', 'raw', out, nbdcopyOut]);
    rmSync(out);
  }
  rmSync(nbdcopyOut, { force: true });

  const reference = new Map<string, Row>([
    [rows.lbLocalData.label, rows.nbdLocal],
    [rows.lbLocalTotal.label, rows.nbdLocal],
    [rows.lbSshData.label, rows.nbdSsh],
    [rows.lbSshTotal.label, rows.nbdSsh],
  ]);
  const fullRows = withLocal ? Object.values(rows) : [rows.nbdLocal, rows.nbdSsh, rows.lbSshData, rows.lbSshTotal];

  // Incrementals: each after a fresh change, into the repository of the last SSH full.
  const incremental: Row = { label: `Lifeboat, SSH: incremental, whole backup`, samples: [] };
  const incrementalData: Row = { label: `Lifeboat, SSH: incremental, data phase`, samples: [] };
  let changed = 0;
  let readIncremental = 0;
  let lastIncremental = '';
  for (let round = 0; round < repeat; round += 1) {
    changed = changeDisk(vm, changeShare, round);
    const result = await lifeboat(vm, 'ssh', kept.dataDir, kept.repo);
    if (result.type !== 'incremental') throw new Error(`expected an incremental backup, got ${result.type}`);
    incrementals.push(result);
    incremental.samples.push({ ms: result.totalMs, cpuMs: result.cpuMs, hwmBytes: result.hwmBytes });
    incrementalData.samples.push({ ms: result.readMs, cpuMs: null, hwmBytes: null });
    readIncremental = result.bytesRead;
    lastIncremental = result.pointId;
  }
  if (verify) {
    qemuIo(vm, 'flush');
    const out = join(runDir, 'lifeboat-incremental.raw');
    await exportPoint(kept.repo, lastIncremental, out);
    compare('the last incremental point against the VM’s disk image', ['-U', '-f', 'raw', '-F', 'qcow2', out, vm.imageHere]);
    rmSync(out);
  }
  removeVm(vm.name);
  rmSync(kept.repo, { recursive: true, force: true });

  // Peak RSS: one SSH full backup of each --rss disk, in a child process of its own.
  const rss: Array<{ label: string; result: ChildResult }> = [];
  for (const disk of rssDisks) {
    const small = createVm(disk.sizeGiB, disk.randomGiB, 0);
    const repo = join(runDir, `repo-rss-${disk.sizeGiB}`);
    const result = await lifeboat(small, 'ssh', join(runDir, `engine-rss-${disk.sizeGiB}`), repo);
    rss.push({ label: `${disk.sizeGiB} GiB disk, ${(small.randomBytes / GiB).toFixed(2)} GiB random`, result });
    removeVm(small.name);
    rmSync(repo, { recursive: true, force: true });
  }

  // ---- the tables ----
  printRows(
    `Full backup: ${vm.name}, ${sizeGiB} GiB (${(vm.allocated / GiB).toFixed(2)} GiB allocated: ${(vm.randomBytes / GiB).toFixed(2)} GiB random, the rest zeros), ` +
      `median of ${repeat}; MiB/s of allocated data; CPU: the copying process (nbdcopy's from GNU time); QEMU CPU: the NBD server meanwhile; machine CPU: every process and the kernel meanwhile (${availableParallelism()} cores)`,
    fullRows,
    vm.allocated,
    reference,
  );
  console.log('  * nbdcopy over the same way in (local socket or SSH), time over time: ≥ 0.90x is the goal');
  console.log('Where a Lifeboat backup spends its time (medians):');
  if (localFulls.length > 0) console.log(phaseLine('full, local socket', localFulls));
  console.log(phaseLine('full, SSH', sshFulls));
  console.log('Its CPU by thread (medians, whole backup):');
  if (localFulls.length > 0) console.log(threadLine('full, local socket', localFulls));
  console.log(threadLine('full, SSH', sshFulls));
  const fullMs = median(rows.lbSshTotal.samples.map((x) => x.ms));
  const incrementalMs = median(incremental.samples.map((x) => x.ms));
  const bound = 0.05 * fullMs + 2000;
  console.log(
    `\nIncremental after rewriting ${(changeShare * 100).toFixed(1)} % of the disk (${mb(changed)} in ${changed / changePiece} random pieces of ${changePiece / KiB} KiB; ` +
      `it read ${mb(readIncremental)}), median of ${repeat}:`,
  );
  for (const row of [incrementalData, incremental]) {
    console.log(`${row.label.padEnd(52)}${s(median(row.samples.map((x) => x.ms))).padStart(9)}${s(Math.min(...row.samples.map((x) => x.ms))).padStart(8)}`);
  }
  console.log(phaseLine('incremental, SSH', incrementals));
  console.log(
    `  = ${((incrementalMs / fullMs) * 100).toFixed(1)} % of the full over SSH (${s(fullMs)} s); goal ≤ 5 % of the full + 2 s = ${s(bound)} s: ${incrementalMs <= bound ? 'met' : 'MISSED'}`,
  );
  for (const [data, ref] of withLocal ? [[rows.lbLocalData, rows.nbdLocal], [rows.lbSshData, rows.nbdSsh]] : [[rows.lbSshData, rows.nbdSsh]]) {
    const ratio = median(ref!.samples.map((x) => x.ms)) / median(data!.samples.map((x) => x.ms));
    console.log(`goal ≥ 0.9x nbdcopy: ${data!.label} ${ratio.toFixed(2)}x ${ref!.label}: ${ratio >= 0.9 ? 'met' : 'MISSED'}`);
  }
  console.log('\nPeak RSS of the backing-up process (VmHWM; the child process runs one SSH full backup):');
  const fullHwm = Math.max(...rows.lbSshTotal.samples.map((x) => x.hwmBytes ?? 0));
  console.log(`  ${`${sizeGiB} GiB disk (the full backups above)`.padEnd(40)} ${mb(fullHwm).padStart(8)}`);
  for (const { label, result } of rss) {
    console.log(`  ${label.padEnd(40)} ${mb(result.hwmBytes).padStart(8)}  (VmRSS ${mb(result.startRssBytes)} before the backup; ${s(result.totalMs)} s, read ${mb(result.bytesRead)})`);
  }
  const peaks = [fullHwm, ...rss.map((r) => r.result.hwmBytes)];
  console.log(`  goal ≤ 300 MB and about the same for every size: ${Math.max(...peaks) <= 300e6 ? 'met' : 'MISSED'} (${(Math.min(...peaks) / 1e6).toFixed(0)}-${(Math.max(...peaks) / 1e6).toFixed(0)} MB)`);
} finally {
  runCleanups();
}
