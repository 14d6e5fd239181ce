// The development lab (`npm run lab:up`, docs/LAB.md) as the engine sees it: its description, and the host specs
// that reach its hosts from this machine over loopback. The onboarding offers the lab as a first cluster when its
// description is there; the CLI's `cluster add-lab` adds it the same way.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { HostInput } from '../../../shared/model/cluster.js';

export const DEFAULT_LAB_DIR = '/var/tmp/lifeboat-lab';
export const LAB_TRANSPORTS = ['ssh', 'tcp', 'unix'] as const;
export type LabTransport = (typeof LAB_TRANSPORTS)[number];

export const labDescriptionSchema = z.object({
  version: z.literal(1),
  sshKey: z.object({ privateKeyPath: z.string(), user: z.string() }),
  hosts: z.array(
    z.object({
      name: z.string(),
      unixSocket: z.string(),
      tcpPort: z.number().int(),
      sshPort: z.number().int(),
      sshHostKeyFingerprint: z.string(),
    }),
  ),
});
export type LabDescription = z.infer<typeof labDescriptionSchema>;

/** The lab's folder: the one given, else LIFEBOAT_LAB_DIR, else the lab script's default. */
export function labDir(explicit?: string): string {
  return explicit ?? process.env['LIFEBOAT_LAB_DIR'] ?? DEFAULT_LAB_DIR;
}

export async function readLabDescription(dir: string): Promise<LabDescription> {
  return labDescriptionSchema.parse(JSON.parse(await readFile(join(dir, 'lab.json'), 'utf8')));
}

/** The lab's description when one is there and readable; null otherwise (no lab on this machine is the usual case). */
export async function findLab(dir: string): Promise<LabDescription | null> {
  try {
    return await readLabDescription(dir);
  } catch {
    return null;
  }
}

/** The lab's hosts as cluster hosts, reached over loopback: SSH with the lab key and pinned host keys, TCP or unix. */
export function labHostInputs(lab: LabDescription, transport: LabTransport): HostInput[] {
  return lab.hosts.map((host) => ({
    label: host.name,
    spec:
      transport === 'ssh'
        ? {
            transport: 'ssh',
            address: '127.0.0.1',
            port: host.sshPort,
            username: lab.sshKey.user,
            auth: 'key',
            keyPath: lab.sshKey.privateKeyPath,
            hostKeyFingerprint: host.sshHostKeyFingerprint,
          }
        : transport === 'tcp'
          ? { transport: 'tcp', address: '127.0.0.1', port: host.tcpPort }
          : { transport: 'unix', socketPath: host.unixSocket },
  }));
}
