// Throughput of the libvirt RPC client against the lab (docs/LAB.md): small calls per second with 1 and 16 in
// flight, and volume stream bandwidth (dense upload and download of a scratch rpctest- volume). Prints figures;
// asserts nothing.
//
//   node bench/libvirt-rpc.bench.ts [--transport unix|tcp|ssh] [--host lab1] [--seconds 5] [--stream-mib 128]
//
// Runs under Node 22 straight from the sources (support/source-hooks.ts).

import './support/engine-flags.ts';
import './support/source-hooks.ts';
import { readFileSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import type { LibvirtConnectionSpec } from '../electron/engine/hypervisors/libvirt/rpc/connection.js';
import type { DownloadChunk } from '../electron/engine/hypervisors/libvirt/rpc/streams.js';

const { openLibvirtConnection } = await import('../electron/engine/hypervisors/libvirt/rpc/connection.js');

interface LabHost {
  name: string;
  unixSocket: string;
  tcpPort: number;
  sshPort: number;
  sshHostKeyFingerprint: string;
  poolName: string;
}

const { values } = parseArgs({
  options: {
    transport: { type: 'string', default: 'unix' },
    host: { type: 'string' },
    seconds: { type: 'string', default: '5' },
    'stream-mib': { type: 'string', default: '128' },
  },
});
const labDir = process.env.LIFEBOAT_LAB_DIR ?? '/var/tmp/lifeboat-lab';
const lab = JSON.parse(readFileSync(`${labDir}/lab.json`, 'utf8')) as { hosts: LabHost[]; sshKey: { privateKeyPath: string; user: string } };
const host = lab.hosts.find((h) => h.name === values.host) ?? lab.hosts[0];
if (!host) throw new Error(`no lab host ${values.host ?? ''} in ${labDir}/lab.json (is the lab up? npm run lab:status)`);
const seconds = Number(values.seconds);
const streamMiB = Number(values['stream-mib']);

function specFor(transport: string): LibvirtConnectionSpec {
  if (!host) throw new Error('no host');
  switch (transport) {
    case 'unix':
      return { transport: { kind: 'unix', socketPath: host.unixSocket } };
    case 'tcp':
      return { transport: { kind: 'tcp', host: '127.0.0.1', port: host.tcpPort } };
    case 'ssh':
      return {
        transport: {
          kind: 'ssh',
          host: '127.0.0.1',
          port: host.sshPort,
          username: lab.sshKey.user,
          privateKeyPath: lab.sshKey.privateKeyPath,
          hostKey: { pinnedFingerprint: host.sshHostKeyFingerprint },
        },
      };
    default:
      throw new Error(`unknown transport ${transport} (unix, tcp or ssh)`);
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;
}

const connection = await openLibvirtConnection(specFor(values.transport ?? 'unix'));
const { api } = connection;
console.log(`libvirt RPC bench: ${connection.description} (host ${host.name}), ${seconds} s per run, Node ${process.version}`);

for (let i = 0; i < 200; i += 1) await api.getHostname();

for (const inFlight of [1, 16]) {
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        await api.getHostname();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  console.log(
    `getHostname, ${String(inFlight).padStart(2)} in flight: ${Math.round(latencies.length / elapsed)} calls/s ` +
      `(${latencies.length} calls; latency p50 ${percentile(latencies, 50).toFixed(3)} ms, p99 ${percentile(latencies, 99).toFixed(3)} ms)`,
  );
}

if (streamMiB > 0) {
  const pool = await api.storagePoolLookupByName(host.poolName);
  const name = `rpctest-bench-${process.pid}.raw`;
  const bytes = streamMiB * 1024 * 1024;
  const volume = await api.storageVolCreateXml(pool, `<volume><name>${name}</name><capacity unit='bytes'>${bytes}</capacity><allocation>0</allocation><target><format type='raw'/></target></volume>`);
  try {
    const block = Buffer.alloc(1024 * 1024, 0x5a);
    let t0 = performance.now();
    const upload = await api.storageVolUpload(volume);
    for (let i = 0; i < streamMiB; i += 1) {
      if (!upload.write(block)) await new Promise((resolve) => upload.once('drain', resolve));
    }
    upload.end();
    await finished(upload);
    const uploadS = (performance.now() - t0) / 1000;
    t0 = performance.now();
    let received = 0;
    for await (const chunk of (await api.storageVolDownload(volume)) as AsyncIterable<DownloadChunk>) if (chunk.kind === 'data') received += chunk.data.length;
    const downloadS = (performance.now() - t0) / 1000;
    if (received !== bytes) throw new Error(`downloaded ${received} of ${bytes} bytes`);
    console.log(`volume upload ${streamMiB} MiB (dense): ${(streamMiB / uploadS).toFixed(0)} MiB/s; download: ${(streamMiB / downloadS).toFixed(0)} MiB/s`);
  } finally {
    await api.storageVolDelete(volume);
  }
}

await connection.close();
