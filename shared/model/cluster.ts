// Clusters and how to reach their hosts. A host's connection spec never holds a secret: passwords and key
// passphrases go to the secret store, and the spec only says whether one is needed.
import { z } from 'zod';

export const clusterIdSchema = z.string().uuid();
export const hostIdSchema = z.string().uuid();

const address = z
  .string()
  .trim()
  .min(1, 'a host name or IP address is required')
  .max(253)
  .regex(/^[A-Za-z0-9._:\-[\]]+$/, 'must be a host name or an IP address');
const libvirtUri = z
  .string()
  .trim()
  .regex(/^[a-z0-9+]+:\/\/\/[a-z]+$/, 'must be a local libvirt URI such as qemu:///system')
  .default('qemu:///system');

/** OpenSSH's form of a SHA-256 host key fingerprint. */
export const sshFingerprintSchema = z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'must be an OpenSSH SHA256 fingerprint');

export const sshHostSpecSchema = z.object({
  transport: z.literal('ssh'),
  address,
  port: z.number().int().min(1).max(65535).default(22),
  username: z.string().trim().min(1).max(64).regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'must be a user name'),
  /** `key`: a private key file on this computer (its passphrase, if any, is the host's secret); `password`. */
  auth: z.enum(['key', 'password']),
  keyPath: z.string().trim().min(1).max(4096).optional(),
  /** The host key the user confirmed on first contact; a different key is refused. */
  hostKeyFingerprint: sshFingerprintSchema.optional(),
  libvirtUri,
});

export const tcpHostSpecSchema = z.object({
  transport: z.literal('tcp'),
  address,
  port: z.number().int().min(1).max(65535).default(16509),
  libvirtUri,
});

export const tlsHostSpecSchema = z.object({
  transport: z.literal('tls'),
  address,
  port: z.number().int().min(1).max(65535).default(16514),
  caPath: z.string().trim().min(1).max(4096),
  certPath: z.string().trim().min(1).max(4096),
  keyPath: z.string().trim().min(1).max(4096),
  libvirtUri,
});

export const unixHostSpecSchema = z.object({
  transport: z.literal('unix'),
  socketPath: z.string().trim().min(1).max(4096),
  libvirtUri,
});

export const hostSpecSchema = z
  .discriminatedUnion('transport', [sshHostSpecSchema, tcpHostSpecSchema, tlsHostSpecSchema, unixHostSpecSchema])
  .superRefine((spec, ctx) => {
    if (spec.transport === 'ssh' && spec.auth === 'key' && !spec.keyPath) {
      ctx.addIssue({ code: 'custom', path: ['keyPath'], message: 'key authentication needs the path of a private key file' });
    }
  });
export type HostSpec = z.infer<typeof hostSpecSchema>;
export type HostSpecInput = z.input<typeof hostSpecSchema>;

/** A host as the user enters it: its spec, a display label and, when the spec needs one, its secret. */
export const hostInputSchema = z.object({
  /** Present when editing an existing host (keeps its id and stored secret). */
  id: hostIdSchema.optional(),
  label: z.string().trim().min(1).max(100).optional(),
  spec: hostSpecSchema,
  /** SSH password or key passphrase. Goes to the secret store only; absent keeps the stored one. */
  secret: z.string().min(1).max(4096).optional(),
});
export type HostInput = z.input<typeof hostInputSchema>;

export const clusterNameSchema = z.string().trim().min(1, 'a cluster needs a name').max(100);

export const clusterHostSchema = z.object({
  id: hostIdSchema,
  label: z.string(),
  spec: hostSpecSchema,
  hasSecret: z.boolean(),
});
export type ClusterHost = z.infer<typeof clusterHostSchema>;

export const clusterSchema = z.object({
  id: clusterIdSchema,
  name: z.string(),
  hosts: z.array(clusterHostSchema),
  createdAt: z.string(),
});
export type Cluster = z.infer<typeof clusterSchema>;

export const clusterSummarySchema = z.object({
  id: clusterIdSchema,
  name: z.string(),
  hostCount: z.number().int().nonnegative(),
  createdAt: z.string(),
});
export type ClusterSummary = z.infer<typeof clusterSummarySchema>;

/** What a user would call a host: its label, else where it is. */
export function describeHostSpec(spec: HostSpec): string {
  switch (spec.transport) {
    case 'ssh':
      return `${spec.username}@${spec.address}${spec.port === 22 ? '' : `:${spec.port}`}`;
    case 'tcp':
    case 'tls':
      return `${spec.address}:${spec.port} (${spec.transport})`;
    case 'unix':
      return spec.socketPath;
  }
}

/** The outcome of testing a connection to one host, as the add-cluster dialog shows it. */
export const hostTestResultSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('ok'),
    hostname: z.string(),
    libvirtVersion: z.string(),
    hypervisorVersion: z.string(),
    vmCount: z.number().int().nonnegative(),
    /** The SSH host key seen (already pinned, or now to be pinned). */
    hostKeyFingerprint: sshFingerprintSchema.optional(),
  }),
  /** First contact over SSH: the user must confirm this fingerprint before the host is trusted. */
  z.object({ status: z.literal('host_key_unknown'), fingerprint: sshFingerprintSchema }),
  /** The host presented another key than the pinned one: possibly a different machine. */
  z.object({ status: z.literal('host_key_mismatch'), expected: sshFingerprintSchema, actual: sshFingerprintSchema }),
  z.object({ status: z.literal('failed'), code: z.string(), message: z.string() }),
]);
export type HostTestResult = z.infer<typeof hostTestResultSchema>;
