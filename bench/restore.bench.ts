// Restore throughput against a raw `virsh vol-upload` of the same image to the same pool of a lab host, in the
// same run, over the host's unix socket (docs/LAB.md). Prints figures; asserts nothing.
//
//   node bench/restore.bench.ts [--size-mib 1024] [--random 1.0] [--repeat 3] [--host lab3]
//
// Makes a raw disk image of --size-mib MiB whose 4 MiB blocks are random data with probability --random (the rest
// zero), stores it in a temp repository as a restore point, then takes turns (--repeat rounds): `virsh vol-upload`
// of the raw image file (dense, then --sparse) into a fresh volume, and restoreVm of the point to the same pool as
// a raw and as a qcow2 volume (chunks read ahead from the repository, decompressed, hash-checked, uploaded sparse;
// the VM defined, then removed). MiB/s are of the disk's size; the ratio is restore against the dense vol-upload.
// Peak RSS is sampled during the restores (the process's RSS before the first one is printed beside it).
//
// Run it under the lab's lock: flock /var/tmp/lifeboat-lab.use.lock node bench/restore.bench.ts

import './support/engine-flags.ts';
import './support/source-hooks.ts';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import type { Manifest } from '../electron/engine/repository/index.js';

const { Repository, MANIFEST_FORMAT, MANIFEST_VERSION, sumDiskStats } = await import('../electron/engine/repository/index.js');
const { createLibvirtDriver } = await import('../electron/engine/hypervisors/libvirt/libvirt-driver.js');
const { createLogger } = await import('../electron/engine/logging/logger.js');
const { restoreVm } = await import('../electron/engine/restore/restore-vm.js');
const { systemClock } = await import('../electron/engine/clock.js');

const MiB = 2 ** 20;
const BLOCK = 4 * MiB;

const { values } = parseArgs({
  options: {
    'size-mib': { type: 'string', default: '1024' },
    random: { type: 'string', default: '1.0' },
    repeat: { type: 'string', default: '3' },
    host: { type: 'string' },
  },
});
const sizeMiB = Number(values['size-mib']);
const randomShare = Number(values.random);
const rounds = Number(values.repeat);
const labDir = process.env.LIFEBOAT_LAB_DIR ?? '/var/tmp/lifeboat-lab';
const lab = JSON.parse(readFileSync(`${labDir}/lab.json`, 'utf8')) as { hosts: { name: string; unixSocket: string; uri: { unix: string }; poolName: string }[] };
const host = lab.hosts.find((h) => h.name === values.host) ?? lab.hosts.at(-1);
if (!host) throw new Error(`no lab host ${values.host ?? ''} in ${labDir}/lab.json (is the lab up? npm run lab:status)`);
const pool = host.poolName;
const size = sizeMiB * MiB;

function virsh(...args: string[]): string {
  const r = spawnSync('virsh', ['-c', host!.uri.unix, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`virsh ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

// ---- The image: a sparse raw file, and the same bytes as a restore point ----
const temp = mkdtempSync(join(tmpdir(), 'lifeboat-restore-bench-'));
const logger = createLogger([]);
const imagePath = join(temp, 'disk.raw');
const repository = await Repository.init(join(temp, 'repo'), { clock: systemClock, logger, writer: true });
let dataBlocks = 0;
try {
  const fd = openSync(imagePath, 'w');
  const writer = repository.createDiskImageWriter({ capacityBytes: size });
  // Deterministic choice of the data blocks: every block whose index hashes under the share.
  for (let index = 0; index < writer.chunkCount; index += 1) {
    const length = writer.lengthOf(index);
    const data = ((index * 2_654_435_761) % 1000) / 1000 < randomShare;
    const bytes = data ? randomBytes(length) : Buffer.alloc(length);
    if (data) {
      writeSync(fd, bytes, 0, length, index * BLOCK);
      dataBlocks += 1;
    }
    await writer.write(index, bytes);
  }
  spawnSync('truncate', ['-s', String(size), imagePath]);
  closeSync(fd);
  const { chunks, stats } = await writer.finish();
  const disks = [{ target: 'vda', format: 'raw', capacityBytes: size, chunkSize: BLOCK, chunks, stats }];
  const point: Manifest = {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    id: crypto.randomUUID(),
    createdAt: new Date().toISOString(),
    completedAt: new Date().toISOString(),
    vm: { clusterId: crypto.randomUUID(), vmUuid: crypto.randomUUID(), name: 'restorebench' },
    sourceHost: { id: crypto.randomUUID(), label: 'bench', hostname: 'bench' },
    configXml:
      `<domain type='qemu'><name>restorebench</name><uuid>${crypto.randomUUID()}</uuid><memory unit='MiB'>32</memory><vcpu>1</vcpu>` +
      `<os><type arch='x86_64'>hvm</type></os><devices><disk type='file' device='disk'><driver name='qemu' type='raw'/>` +
      `<source file='/var/lib/libvirt/images/restorebench.raw'/><target dev='vda' bus='virtio'/></disk></devices></domain>`,
    type: 'full',
    checkpoint: null,
    parentPointId: null,
    disks,
    stats: sumDiskStats(disks),
  };
  await repository.points.write(point);
  // Warm the page cache for both sides: the raw file and the chunk files.
  spawnSync('cat', [imagePath], { stdio: ['ignore', 'ignore', 'ignore'] });
  spawnSync('sh', ['-c', `cat ${join(temp, 'repo', 'chunks')}/*/* > /dev/null`]);

  const session = await createLibvirtDriver().connect(
    { transport: 'unix', socketPath: host.unixSocket, libvirtUri: 'qemu:///system' },
    { secret: null, timeoutMs: 10_000, logger },
  );
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const results: Record<string, number[]> = { 'virsh vol-upload': [], 'virsh vol-upload --sparse': [], 'restore raw': [], 'restore qcow2': [] };

  const timeVirsh = (sparse: boolean): number => {
    const name = `restorebench-virsh-${process.pid}.raw`;
    virsh('vol-create-as', pool, name, String(size), '--format', 'raw', '--allocation', '0');
    try {
      const started = process.hrtime.bigint();
      virsh('vol-upload', '--pool', pool, ...(sparse ? ['--sparse'] : []), name, imagePath);
      return Number(process.hrtime.bigint() - started) / 1e9;
    } finally {
      virsh('vol-delete', '--pool', pool, name);
    }
  };
  const timeRestore = async (format: 'raw' | 'qcow2'): Promise<number> => {
    const name = `restorebench-${process.pid}-${format}`;
    const started = process.hrtime.bigint();
    const result = await restoreVm({ session, repository, hostLabel: host.name }, { point, targetPool: pool, name, replace: false, start: false, format });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await session.undefineVm(result.vm.uuid, { removeNvram: true });
    for (const volume of result.volumes) await session.deleteVolume(volume);
    return seconds;
  };

  try {
    for (let round = 0; round < rounds; round += 1) {
      results['virsh vol-upload']!.push(timeVirsh(false));
      results['restore raw']!.push(await timeRestore('raw'));
      results['virsh vol-upload --sparse']!.push(timeVirsh(true));
      results['restore qcow2']!.push(await timeRestore('qcow2'));
    }
  } finally {
    clearInterval(sampler);
    await session.close();
  }

  const baseline = size / MiB / median(results['virsh vol-upload']!);
  console.log(`restore bench: ${sizeMiB} MiB disk, ${dataBlocks} of ${Math.ceil(size / BLOCK)} 4 MiB blocks random data, pool ${pool} on ${host.name} (unix socket), ${rounds} rounds`);
  for (const [what, seconds] of Object.entries(results)) {
    const mibs = size / MiB / median(seconds);
    const best = size / MiB / Math.min(...seconds);
    console.log(`  ${what.padEnd(26)} ${mibs.toFixed(0).padStart(6)} MiB/s median, ${best.toFixed(0).padStart(6)} best  (${(mibs / baseline).toFixed(2)}x vol-upload)`);
  }
  console.log(`  peak RSS during the restores: ${(peakRss / MiB).toFixed(0)} MiB (before: ${(rssBefore / MiB).toFixed(0)} MiB)`);
} finally {
  await repository.close();
  rmSync(temp, { recursive: true, force: true });
}
