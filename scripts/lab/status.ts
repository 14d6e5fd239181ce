// `lab status`: is every host's libvirtd answering on all three ways in, and is every lab VM there?
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MARKER_FILE, labHosts, readState, resolveLabDir, sshPaths, vmTotal } from './config.ts';
import type { LabHost, SshPaths } from './config.ts';
import { libvirtAnswers, libvirtdPid, listDomains, socatPid, sshdPid } from './hosts.ts';
import type { DomainInfo } from './hosts.ts';
import { locateVm } from './lab-json.ts';
import { listNetns } from './network.ts';
import { planVms } from './vms.ts';

export interface HostStatus {
  name: string;
  netns: boolean;
  libvirtdPid: number | null;
  socatPid: number | null;
  sshdPid: number | null;
  unix: boolean;
  tcp: boolean;
  ssh: boolean;
  domains: DomainInfo[];
}

export interface LabStatus {
  labDir: string;
  up: boolean;
  createdAt: string | null;
  hosts: HostStatus[];
  vms: Array<{ name: string; host: string | null; state: string | null }>;
  problems: string[];
}

/** The qemu+ssh URI verified against the lab's known_hosts (through the `ssh -F` wrapper as libvirt's ssh command). */
export function verifiedSshUri(host: LabHost, ssh: SshPaths): string {
  return `${host.uris.ssh}?command=${ssh.wrapper}`;
}

async function hostStatus(host: LabHost, ssh: SshPaths, namespaces: Set<string>): Promise<HostStatus> {
  const [unix, tcp, sshOk] = await Promise.all([
    libvirtAnswers(host.uris.unix),
    libvirtAnswers(host.uris.tcp),
    libvirtAnswers(verifiedSshUri(host, ssh), 20_000),
  ]);
  return {
    name: host.name,
    netns: namespaces.has(host.netns),
    libvirtdPid: libvirtdPid(host),
    socatPid: socatPid(host),
    sshdPid: sshdPid(host),
    unix,
    tcp,
    ssh: sshOk,
    domains: unix ? await listDomains(host).catch(() => []) : [],
  };
}

export async function labStatus(): Promise<LabStatus> {
  const labDir = resolveLabDir();
  const state = existsSync(join(labDir, MARKER_FILE)) ? readState(labDir) : null;
  if (state === null) return { labDir, up: false, createdAt: null, hosts: [], vms: [], problems: [`no lab at ${labDir}`] };
  const hosts = labHosts(labDir, state.params);
  const namespaces = await listNetns();
  const ssh = sshPaths(labDir);
  const statuses = await Promise.all(hosts.map((h) => hostStatus(h, ssh, namespaces)));
  const problems: string[] = [];
  for (const s of statuses) {
    if (!s.netns) problems.push(`${s.name}: network namespace missing`);
    if (s.libvirtdPid === null) problems.push(`${s.name}: libvirtd not running`);
    if (!s.unix) problems.push(`${s.name}: libvirt unix socket not answering`);
    if (!s.tcp) problems.push(`${s.name}: libvirt TCP (socat) not answering`);
    if (!s.ssh) problems.push(`${s.name}: libvirt over SSH not answering`);
  }
  const domainsByHost = new Map(statuses.map((s) => [s.name, s.domains]));
  const vms = planVms(
    hosts.map((h) => h.name),
    vmTotal(state.params),
  ).map((vm) => {
    const where = locateVm(vm.name, domainsByHost);
    if (where === null) problems.push(`${vm.name}: not defined on any host`);
    return { name: vm.name, host: where?.host ?? null, state: where?.state ?? null };
  });
  if (!existsSync(join(labDir, 'lab.json'))) problems.push('lab.json missing (an `up` did not finish)');
  return { labDir, up: problems.length === 0, createdAt: state.createdAt, hosts: statuses, vms, problems };
}

export function formatStatus(status: LabStatus): string {
  const lines: string[] = [];
  if (status.createdAt === null) return `lab is not up: ${status.problems.join('; ')}`;
  lines.push(`lab at ${status.labDir} (created ${status.createdAt})`);
  const mark = (ok: boolean): string => (ok ? 'ok' : 'DOWN');
  for (const h of status.hosts) {
    const running = h.domains.filter((d) => d.state === 'running').length;
    lines.push(
      `  ${h.name.padEnd(6)} libvirtd ${h.libvirtdPid === null ? 'not running' : `pid ${h.libvirtdPid}`}` +
        `  unix ${mark(h.unix)}  tcp ${mark(h.tcp)}  ssh ${mark(h.ssh)}` +
        `  VMs: ${h.domains.length} defined, ${running} running${h.domains.length > 0 ? ` (${h.domains.map((d) => `${d.name}: ${d.state}`).join(', ')})` : ''}`,
    );
  }
  const present = status.vms.filter((vm) => vm.host !== null).length;
  const running = status.vms.filter((vm) => vm.state === 'running').length;
  lines.push(`  lab VMs: ${present} of ${status.vms.length} present, ${running} running`);
  lines.push(status.up ? 'lab is up' : `lab is NOT fully up:\n${status.problems.map((p) => `  - ${p}`).join('\n')}`);
  return lines.join('\n');
}
