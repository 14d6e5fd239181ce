// `lab up`: creates the lab, or completes/repairs one that is (partly) up, without touching what already works.
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  BRIDGE_NETNS,
  DEFAULT_HOSTS,
  DEFAULT_SSH_PORT_BASE,
  DEFAULT_TCP_PORT_BASE,
  MARKER_FILE,
  MAX_HOSTS,
  UsageError,
  diskPathOnMachine,
  labHosts,
  readState,
  resolveLabDir,
  sshPaths,
  vmTotal,
  writeState,
} from './config.ts';
import type { LabHost, LabParams } from './config.ts';
import { writeFileIfChanged } from './exec.ts';
import { ensureLibvirtd, ensurePool, ensureSocat, ensureSshd, listDomains, mustVirsh, prepareHostFiles, shareQemuCapabilities, warmQemuCapabilities } from './hosts.ts';
import type { ConfigChanges, DomainInfo } from './hosts.ts';
import { buildLabJson, formatLabJson, labJsonPath, locateVm } from './lab-json.ts';
import { LOCK_FILE } from './lock.ts';
import { ensureBridge, ensureHostNetwork, listNetns } from './network.ts';
import { ensurePackages } from './packages.ts';
import { ensureClientKey, writeClientFiles } from './ssh.ts';
import { domainXml, planVms, writeDiskImage } from './vms.ts';
import type { VmPlan } from './vms.ts';

export interface UpOptions {
  hosts?: number;
  vmsPerHost?: number;
  tcpPortBase?: number;
  sshPortBase?: number;
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

function describeParams(p: LabParams): string {
  const vms = p.vmsPerHost === null ? `${vmTotal(p)} VMs` : `${p.vmsPerHost} VMs per host`;
  return `${p.hosts} host${p.hosts === 1 ? '' : 's'}, ${vms}, TCP ports from ${p.tcpPortBase + 1}, SSH ports from ${p.sshPortBase + 1}`;
}

/** The requested shape; a lab that is already up keeps its own unless asked for the very same. */
function resolveParams(opts: UpOptions, previous: LabParams | null, labDir: string): LabParams {
  const params: LabParams = {
    hosts: opts.hosts ?? previous?.hosts ?? DEFAULT_HOSTS,
    vmsPerHost: opts.vmsPerHost ?? (previous === null ? null : previous.vmsPerHost),
    tcpPortBase: opts.tcpPortBase ?? previous?.tcpPortBase ?? DEFAULT_TCP_PORT_BASE,
    sshPortBase: opts.sshPortBase ?? previous?.sshPortBase ?? DEFAULT_SSH_PORT_BASE,
  };
  if (params.hosts < 1 || params.hosts > MAX_HOSTS) throw new UsageError(`--hosts must be between 1 and ${MAX_HOSTS}`);
  if (params.vmsPerHost !== null && params.vmsPerHost < 1) throw new UsageError('--vms-per-host must be at least 1');
  if (vmTotal(params) < 3) throw new UsageError('the lab needs at least 3 VMs in all (raise --vms-per-host)');
  for (const base of [params.tcpPortBase, params.sshPortBase]) {
    if (base < 1 || base + params.hosts > 65535) throw new UsageError(`port base ${base} out of range`);
  }
  const ranges = [params.tcpPortBase, params.sshPortBase].sort((a, b) => a - b);
  if ((ranges[1] ?? 0) - (ranges[0] ?? 0) < params.hosts) throw new UsageError('the TCP and SSH port ranges overlap');
  const same =
    previous !== null &&
    previous.hosts === params.hosts &&
    previous.vmsPerHost === params.vmsPerHost &&
    previous.tcpPortBase === params.tcpPortBase &&
    previous.sshPortBase === params.sshPortBase;
  if (previous !== null && !same) {
    throw new UsageError(
      `the lab at ${labDir} is set up as ${describeParams(previous)}; run \`npm run lab:down\` first to change it to ${describeParams(params)}`,
    );
  }
  return params;
}

async function writeDisks(vm: VmPlan, host: LabHost, tmpDir: string): Promise<void> {
  for (const disk of vm.disks) await writeDiskImage(disk, diskPathOnMachine(host, disk.path), tmpDir);
}

export async function up(opts: UpOptions, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  const labDir = resolveLabDir();

  const previous = existsSync(join(labDir, MARKER_FILE)) ? readState(labDir) : null;
  const params = resolveParams(opts, previous?.params ?? null, labDir);
  const hosts = labHosts(labDir, params);
  const fresh = previous === null;

  const installed = await ensurePackages(log);
  log(installed.length === 0 ? 'packages: all present' : `packages: installed ${installed.join(' ')} (${seconds(started)})`);

  if (fresh) {
    const foreign = existsSync(labDir) ? readdirSync(labDir).filter((e) => !e.startsWith(LOCK_FILE)) : [];
    if (foreign.length > 0 && !existsSync(join(labDir, MARKER_FILE))) {
      throw new UsageError(`${labDir} exists, is not empty and is not a lab dir; set LIFEBOAT_LAB_DIR to another directory`);
    }
    const taken = [...(await listNetns())].filter((n) => n === BRIDGE_NETNS || hosts.some((h) => h.netns === n));
    if (taken.length > 0) {
      throw new Error(
        `network namespace(s) ${taken.join(', ')} already exist but belong to no lab at ${labDir} (another LIFEBOAT_LAB_DIR, or leftovers: ` +
          `see \`ip netns pids NAME\`, remove with \`ip netns del NAME\`)`,
      );
    }
  }
  mkdirSync(labDir, { recursive: true, mode: 0o755 });
  writeFileIfChanged(join(labDir, MARKER_FILE), 'This directory is a Lifeboat lab (scripts/lab); `npm run lab:down` empties it.\n');
  const createdAt = previous?.createdAt ?? new Date().toISOString();
  // Recorded before anything is started, so `down` can clean up after an `up` that fails half-way.
  writeState(labDir, { version: 1, createdAt, params });
  log(`${fresh ? 'creating' : 'checking'} the lab at ${labDir}: ${describeParams(params)}`);

  const ssh = sshPaths(labDir);
  await ensureClientKey(ssh);
  const changes = new Map<string, ConfigChanges>();
  await Promise.all(hosts.map(async (h) => changes.set(h.name, await prepareHostFiles(h, hosts, ssh))));
  writeClientFiles(hosts, ssh);

  const netns = await listNetns();
  await ensureBridge(netns);
  for (const host of hosts) await ensureHostNetwork(host, netns);
  log(`network: ${hosts.map((h) => `${h.name}=${h.internalAddress}`).join(' ')} on a bridge in netns ${BRIDGE_NETNS}`);

  const plan = planVms(
    hosts.map((h) => h.name),
    vmTotal(params),
  );
  const hostByName = new Map(hosts.map((h) => [h.name, h]));
  const tmpDir = join(labDir, 'tmp');
  const written = new Set<string>();

  // Disk images of a brand-new lab are written while the daemons start (nothing can exist yet). On an existing
  // lab they are only written for VMs that turn out to be missing, so `up` leaves a lab in use alone.
  const writeAllDisks = async (): Promise<void> => {
    if (!fresh) return;
    const t = Date.now();
    for (const vm of plan) {
      await writeDisks(vm, hostByName.get(vm.host) as LabHost, tmpDir);
      written.add(vm.name);
    }
    log(`disks: ${plan.reduce((n, vm) => n + vm.disks.length, 0)} images written (${seconds(t)})`);
  };
  const libvirtdPids = new Map<string, number>();
  const startDaemons = async (host: LabHost): Promise<void> => {
    const t = Date.now();
    const libvirtd = await ensureLibvirtd(host);
    libvirtdPids.set(host.name, libvirtd.pid);
    const changed = changes.get(host.name);
    if (!libvirtd.started && changed?.libvirt === true) {
      log(`${host.name}: libvirt config changed; it applies after \`npm run lab:down && npm run lab:up\``);
    }
    const socat = await ensureSocat(host);
    const sshd = await ensureSshd(host, libvirtd.pid, changed?.sshd === true);
    await ensurePool(host);
    const startedNow = [libvirtd.started && 'libvirtd', socat.started && 'socat', sshd.started && 'sshd'].filter((d) => d !== false);
    log(
      `${host.name}: ${startedNow.length === 0 ? 'all running' : `started ${startedNow.join(', ')}`} (libvirtd pid ${libvirtd.pid}, ` +
        `tcp 127.0.0.1:${host.tcpPort}, ssh 127.0.0.1:${host.sshPort}) (${seconds(t)})`,
    );
    if (host.index === 1 && fresh) {
      const probe = Date.now();
      await warmQemuCapabilities(host);
      log(`${host.name}: QEMU capabilities probed${hosts.length > 1 ? ', to be shared with the other hosts' : ''} (${seconds(probe)})`);
    }
  };
  await Promise.all([writeAllDisks(), ...hosts.map(startDaemons)]);

  // VMs: a VM defined on any lab host (it may have been migrated) is left as it is; missing ones are created.
  const domainsByHost = new Map<string, DomainInfo[]>();
  for (const host of hosts) domainsByHost.set(host.name, await listDomains(host));
  const missing = plan.filter((vm) => locateVm(vm.name, domainsByHost) === null);
  if (missing.length > 0) {
    // A host whose libvirtd was restarted may not have probed yet: the first host's cache serves it too.
    if (!fresh) await warmQemuCapabilities(hosts[0] as LabHost);
    shareQemuCapabilities(hosts[0] as LabHost, hosts);
  }
  await Promise.all(
    hosts.map(async (host) => {
      const vms = missing.filter((vm) => vm.host === host.name);
      if (vms.length === 0) return;
      const t = Date.now();
      for (const vm of vms) if (!written.has(vm.name)) await writeDisks(vm, host, tmpDir);
      await mustVirsh(host, ['pool-refresh', 'default']);
      mkdirSync(join(labDir, 'domains'), { recursive: true });
      for (const vm of vms) {
        const xmlPath = join(labDir, 'domains', `${vm.name}.xml`);
        writeFileIfChanged(xmlPath, domainXml(vm));
        await mustVirsh(host, ['define', xmlPath]);
      }
      for (const vm of vms.filter((v) => v.running)) {
        // Autostart, like on a real hypervisor: after a reboot, `up` starts libvirtd and the VMs come back.
        await mustVirsh(host, ['autostart', vm.name]);
        await mustVirsh(host, ['start', vm.name]);
      }
      const names = vms.map((vm) => `${vm.name}${vm.running ? '' : ' (shut off)'}`);
      log(`${host.name}: created ${names.join(', ')} (${seconds(t)})`);
    }),
  );
  if (missing.length === 0) log(`VMs: all ${plan.length} present`);

  // A VM the lab runs that is shut off now (its host was killed, its QEMU died): started again where it is, so
  // every run of the tests starts from the lab as planned.
  for (const vm of plan.filter((v) => v.running && !missing.includes(v))) {
    const where = locateVm(vm.name, domainsByHost);
    if (where === null || where.state !== 'shut off') continue;
    await mustVirsh(hostByName.get(where.host) as LabHost, ['start', vm.name]);
    log(`${where.host}: started ${vm.name} again (it was shut off)`);
  }

  rmSync(tmpDir, { recursive: true, force: true });
  for (const host of hosts) domainsByHost.set(host.name, await listDomains(host));
  const description = buildLabJson({ createdAt, labDir, ssh, hosts, libvirtdPids, vms: plan, domainsByHost });
  writeFileIfChanged(labJsonPath(labDir), formatLabJson(description));
  const running = description.vms.filter((vm) => vm.state === 'running').length;
  log(
    `lab up in ${seconds(started)}: ${hosts.length} host${hosts.length === 1 ? '' : 's'}, ${plan.length} VMs (${running} running, ${plan.length - running} not); ` +
      `description in ${labJsonPath(labDir)}`,
  );
}
