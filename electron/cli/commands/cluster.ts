// `lifeboat cluster add|list|remove|add-lab`: clusters for cron jobs, servers and the lab.
import { describeHostSpec, type HostInput, type HostSpec } from '../../../shared/model/cluster.js';
import { HostUriError, parseHostUri } from '../../../shared/model/host-uri.js';
import type { Engine } from '../../engine/engine.js';
import { CliError, type Command, type CommandContext } from '../command.js';
import { LAB_TRANSPORTS, labDir, labHostInputs, readLabDescription, type LabDescription, type LabTransport } from '../lab.js';
import { openHeadlessRuntime } from '../runtime.js';

async function withEngine<T>(context: CommandContext, work: (engine: Engine) => Promise<T>): Promise<T> {
  const { engine } = openHeadlessRuntime(context.dataDir, { secretsPassphraseFile: context.secretsPassphraseFile });
  try {
    return await work(engine);
  } finally {
    await engine.close();
  }
}

function asList(value: string | boolean | undefined | string[]): string[] {
  if (Array.isArray(value)) return value;
  return typeof value === 'string' ? [value] : [];
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/**
 * Tests each host before it is saved. A new SSH host key is trusted only when the user named it
 * (--trust-host-key) or asked to accept new keys; a host that cannot be reached is refused unless allowed.
 */
async function verifyHosts(
  engine: Engine,
  context: CommandContext,
  hosts: { spec: HostSpec; secret?: string }[],
  options: { trusted: string[]; acceptNew: boolean; allowUnreachable: boolean },
): Promise<void> {
  for (const host of hosts) {
    const where = describeHostSpec(host.spec);
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const result = await engine.testHost(host.spec, host.secret ?? null);
      if (result.status === 'ok') {
        if (!context.json) context.io.stderr(`${where}: ok (${result.hostname}, libvirt ${result.libvirtVersion}, ${result.vmCount} VMs)`);
        break;
      }
      if (result.status === 'host_key_unknown' && host.spec.transport === 'ssh') {
        if (!options.trusted.includes(result.fingerprint) && !options.acceptNew) {
          throw new CliError(
            'host_key_unknown',
            `${where} presents the host key ${result.fingerprint}. If that is the host's key (on the host: ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub), run again with --trust-host-key ${result.fingerprint}`,
          );
        }
        if (!context.json) context.io.stderr(`${where}: trusting host key ${result.fingerprint}`);
        host.spec = { ...host.spec, hostKeyFingerprint: result.fingerprint };
        continue;
      }
      if (result.status === 'host_key_mismatch') {
        throw new CliError(
          'host_key_mismatch',
          `${where} presents the host key ${result.actual}, not the expected ${result.expected}: it may not be the same machine. Nothing was saved.`,
        );
      }
      const message = result.status === 'failed' ? result.message : result.status;
      if (!options.allowUnreachable) {
        throw new CliError('unreachable', `${where}: ${message}. Nothing was saved (use --allow-unreachable to add it anyway).`);
      }
      if (!context.json) context.io.stderr(`${where}: unreachable (${message}); adding it anyway`);
      break;
    }
  }
}

function printCluster(context: CommandContext, cluster: { name: string; id: string; hosts: { label: string; spec: HostSpec }[] }): void {
  context.io.stdout(`${cluster.name} (${cluster.id})`);
  for (const host of cluster.hosts) context.io.stdout(`  ${host.label}  ${describeHostSpec(host.spec)}`);
}

export const clusterCommand: Command = {
  name: 'cluster',
  summary: 'Add, list and remove clusters (add-lab adds the running lab)',
  usage:
    'lifeboat cluster add NAME --host URI [--host URI ...] [--password-stdin] [--trust-host-key SHA256:...] [--accept-new-host-keys] [--allow-unreachable]\n' +
    '       lifeboat cluster list | remove NAME | add-lab [--name lab] [--transport ssh|tcp|unix] [--lab-dir DIR]',
  options: {
    host: { type: 'string', multiple: true },
    'password-stdin': { type: 'boolean' },
    'trust-host-key': { type: 'string', multiple: true },
    'accept-new-host-keys': { type: 'boolean' },
    'allow-unreachable': { type: 'boolean' },
    name: { type: 'string' },
    transport: { type: 'string' },
    'lab-dir': { type: 'string' },
  },
  optionHelp: [
    '--host URI               a host as libvirt writes it: qemu+ssh://root@kvm1/system?keyfile=~/.ssh/id_ed25519,',
    '                         qemu+tcp://kvm2:16509/system, qemu+tls://kvm3/system?pkipath=DIR, qemu+unix:///system?socket=PATH',
    '--password-stdin         read the SSH password (or key passphrase) from standard input',
    '--trust-host-key FP      trust this SSH host key fingerprint (as shown on first contact)',
    '--accept-new-host-keys   trust every host key seen for the first time (for scripts on trusted networks)',
    '--allow-unreachable      add hosts that cannot be reached right now',
    '--transport T            add-lab: reach the lab hosts over ssh (default), tcp or unix',
  ],
  async run(context) {
    const [sub, ...args] = context.positionals;
    switch (sub) {
      case 'list':
        return withEngine(context, async (engine) => {
          await engine.clusters.ready;
          const clusters = engine.clusters.list();
          if (context.json) context.io.stdout(JSON.stringify(clusters));
          else if (clusters.length === 0) context.io.stdout('No clusters. Add one with `lifeboat cluster add NAME --host URI`.');
          else clusters.forEach((cluster) => printCluster(context, cluster));
          return 0;
        });
      case 'remove': {
        const target = args[0];
        if (!target) throw new CliError('invalid_argument', 'cluster remove needs the cluster name', 2);
        return withEngine(context, async (engine) => {
          const cluster = engine.clusters.findByName(target) ?? engine.clusters.list().find((c) => c.id === target);
          if (!cluster) throw new CliError('not_found', `no cluster named "${target}"`);
          await engine.clusters.remove(cluster.id);
          if (context.json) context.io.stdout(JSON.stringify({ removed: cluster.id }));
          else context.io.stdout(`Removed cluster ${cluster.name}. Its restore points, if any, are kept in their repositories.`);
          return 0;
        });
      }
      case 'add': {
        const name = args[0];
        if (!name) throw new CliError('invalid_argument', 'cluster add needs a name: lifeboat cluster add NAME --host URI', 2);
        const uris = asList(context.values['host'] as string | string[] | undefined);
        if (uris.length === 0) throw new CliError('invalid_argument', 'cluster add needs at least one --host URI', 2);
        let specs: HostSpec[];
        try {
          specs = uris.map((uri) => parseHostUri(uri));
        } catch (error) {
          if (error instanceof HostUriError) throw new CliError('invalid_argument', error.message, 2);
          throw error;
        }
        const secret = context.values['password-stdin'] ? await readStdin() : undefined;
        const needsSecret = specs.some((s) => s.transport === 'ssh' && s.auth === 'password');
        if (needsSecret && !secret) throw new CliError('invalid_argument', 'an SSH host uses password authentication: pass the password with --password-stdin', 2);
        const hosts = specs.map((spec) => ({ spec, ...(secret && spec.transport === 'ssh' ? { secret } : {}) }));
        return withEngine(context, async (engine) => {
          await verifyHosts(engine, context, hosts, {
            trusted: asList(context.values['trust-host-key'] as string | string[] | undefined),
            acceptNew: context.values['accept-new-host-keys'] === true,
            allowUnreachable: context.values['allow-unreachable'] === true,
          });
          const cluster = await engine.clusters.add({ name, hosts: hosts as HostInput[] });
          if (context.json) context.io.stdout(JSON.stringify(cluster));
          else printCluster(context, cluster);
          return 0;
        });
      }
      case 'add-lab':
        return addLab(context);
      default:
        throw new CliError('invalid_argument', `unknown cluster subcommand "${sub ?? ''}": use add, list, remove or add-lab`, 2);
    }
  },
};

async function addLab(context: CommandContext): Promise<number> {
  const dir = labDir(context.values['lab-dir'] as string | undefined);
  const transport = (context.values['transport'] as string | undefined) ?? 'ssh';
  if (!(LAB_TRANSPORTS as readonly string[]).includes(transport)) throw new CliError('invalid_argument', '--transport must be ssh, tcp or unix', 2);
  const name = (context.values['name'] as string | undefined) ?? 'lab';
  let lab: LabDescription;
  try {
    lab = await readLabDescription(dir);
  } catch (error) {
    throw new CliError('lab_not_found', `no usable lab description at ${dir}/lab.json (is the lab up? npm run lab:up): ${(error as Error).message}`);
  }
  const hosts = labHostInputs(lab, transport as LabTransport);
  return withEngine(context, async (engine) => {
    const existing = engine.clusters.findByName(name);
    const cluster = existing ? await engine.clusters.update(existing.id, { hosts }) : await engine.clusters.add({ name, hosts });
    if (context.json) context.io.stdout(JSON.stringify(cluster));
    else {
      context.io.stdout(`${existing ? 'Updated' : 'Added'} cluster ${cluster.name} (${lab.hosts.length} lab hosts over ${transport}).`);
      printCluster(context, cluster);
    }
    return 0;
  });
}
