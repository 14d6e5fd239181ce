// Adapting a VM's stored domain XML (the restore point's configXml) to the host it is restored to: the new
// identity (a copy gets a new name, UUID and MAC addresses; "replace the original" keeps them), each restored disk
// pointed at its new volume, networks the target lacks mapped as the user chose or disconnected, and the parts
// bound to the old host (emulator path, firmware and UEFI variable store, security labels) fixed or dropped. Pure:
// every fact about the target comes in as an argument; every change made is listed, as a code with its values
// (restore-change.ts puts it in English, the renderer in the UI's language), and every doubt the target's facts
// could not settle is a warning in words.
import { randomBytes } from 'node:crypto';
import { XMLSerializer, type Document, type Element } from '@xmldom/xmldom';
import type { RestoreChange, RestoreWarning } from '../../../../shared/model/restore.js';
import type { HostBridge, HostCapabilities, HostNetwork, VolumeFormat, VolumeInfo } from '../driver.js';
import { FILE_POOL_TYPES } from './host-xml.js';
import { DomainXmlError, attr, child, children, parseXmlDocument, text } from './domain-xml.js';

/** Pool types whose volumes are block devices on the host. */
const BLOCK_POOL_TYPES: ReadonlySet<string> = new Set(['logical', 'disk', 'iscsi', 'scsi', 'mpath', 'zfs']);

/** Addresses a graphics server may listen on on any host. */
const PORTABLE_LISTEN = new Set(['0.0.0.0', '::', '127.0.0.1', '::1', 'localhost']);

export interface RestoredDisk {
  target: string;
  volume: VolumeInfo;
  format: VolumeFormat;
}

export interface RestoreXmlTarget {
  /** How the target host is named in messages. */
  label: string;
  networks: readonly HostNetwork[];
  /** Null when the host cannot list its bridges: bridge interfaces are then kept, with a warning. */
  bridges: readonly HostBridge[] | null;
  capabilities: HostCapabilities;
  /** Firmware images the host offers for this guest; null when not asked (the VM boots from BIOS). */
  firmwareImages: readonly string[] | null;
  /** Paths of the disks not restored (CD-ROM images, shared disks) that exist on the target. */
  presentPaths: ReadonlySet<string>;
}

export interface RestoreXmlInput {
  configXml: string;
  name: string;
  uuid: string;
  /** Replace the original: same identity and MAC addresses; otherwise a copy beside it. */
  replace: boolean;
  disks: readonly RestoredDisk[];
  /**
   * What to do with interfaces by the network or bridge they joined: the name of a network or bridge of the target
   * to join instead, or null to leave them out. Interfaces whose network is missing on the target and that are not
   * mapped are left out too, with a warning.
   */
  networkMap: Readonly<Record<string, string | null>>;
  target: RestoreXmlTarget;
  /** A fresh MAC address for a copy's interface (tests pass a deterministic one). */
  newMac?: () => string;
}

export interface RestoreXmlResult {
  xml: string;
  /** What was changed, in order. */
  changes: RestoreChange[];
  /** What may need a person's attention on the target, one sentence each. */
  warnings: RestoreWarning[];
}

/** The adaptation cannot be made as asked (a network mapped to one the target does not have, a disk missing). */
export class RestoreXmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreXmlError';
  }
}

/** A locally administered MAC address in QEMU's range, as libvirt makes them. */
export function randomMac(random: (bytes: number) => Uint8Array): string {
  const tail = [...random(3)].map((b) => b.toString(16).padStart(2, '0'));
  return ['52', '54', '00', ...tail].join(':');
}

/** Where an interface connects: the key the network map uses. */
export interface InterfaceSource {
  /** `network` or `bridge` (the kinds a map can redirect); other kinds are reported as they are. */
  type: string;
  /** The network or bridge name, or the host device of a `direct` interface. */
  name: string | null;
  mac: string | null;
}

/** The interfaces of a domain XML and what each joins, for a wizard to ask about the ones the target lacks. */
export function domainInterfaces(configXml: string): InterfaceSource[] {
  const devices = child(parseXmlDocument(configXml, 'domain'), 'devices');
  if (!devices) return [];
  return children(devices, 'interface').map((iface) => {
    const type = attr(iface, 'type') ?? 'unknown';
    const source = child(iface, 'source');
    const name = type === 'network' ? attr(source, 'network') : type === 'bridge' ? attr(source, 'bridge') : attr(source, 'dev');
    return { type, name, mac: attr(child(iface, 'mac'), 'address') };
  });
}

function docOf(element: Element): Document {
  const doc = element.ownerDocument;
  if (!doc) throw new DomainXmlError('XML element without a document');
  return doc;
}

function setText(element: Element, value: string): void {
  while (element.firstChild) element.removeChild(element.firstChild);
  element.appendChild(docOf(element).createTextNode(value));
}

function removeAll(parent: Element, name: string): number {
  const found = children(parent, name);
  for (const element of found) parent.removeChild(element);
  return found.length;
}

/** Sets `<name>text</name>` under `parent`, creating the element (first) when missing. */
function ensureTextChild(parent: Element, name: string, value: string): void {
  const existing = child(parent, name);
  if (existing) {
    setText(existing, value);
    return;
  }
  const created = docOf(parent).createElement(name);
  created.appendChild(docOf(parent).createTextNode(value));
  parent.insertBefore(created, parent.firstChild);
}

/** A disk's source as messages show it: a path, pool/volume or protocol:name; null when it has none. */
function describeDiskSource(disk: Element): string | null {
  const source = child(disk, 'source');
  const file = attr(source, 'file') ?? attr(source, 'dev');
  if (file) return file;
  const pool = attr(source, 'pool');
  const volume = attr(source, 'volume');
  if (pool && volume) return `${pool}/${volume}`;
  const name = attr(source, 'name');
  return name ? `${attr(source, 'protocol') ?? 'network'}:${name}` : null;
}

export function adaptDomainXml(input: RestoreXmlInput): RestoreXmlResult {
  const root = parseXmlDocument(input.configXml, 'domain');
  const doc = docOf(root);
  const changes: RestoreChange[] = [];
  const warnings: RestoreWarning[] = [];
  const where = input.target.label;
  const copy = !input.replace;

  // ---- Identity ----
  const oldName = text(child(root, 'name'));
  const oldUuid = text(child(root, 'uuid'))?.toLowerCase() ?? null;
  if (!oldName || !oldUuid) throw new DomainXmlError('Domain XML without a name or uuid');
  if (oldName !== input.name) {
    ensureTextChild(root, 'name', input.name);
    changes.push({ code: 'renamed', name: input.name, was: oldName });
  }
  if (oldUuid !== input.uuid.toLowerCase()) {
    ensureTextChild(root, 'uuid', input.uuid.toLowerCase());
    changes.push({ code: 'new_uuid', uuid: input.uuid.toLowerCase() });
  }
  // The guest is being put back in time: Windows (AD domain controllers above all) must see a new generation ID.
  const genid = child(root, 'genid');
  if (genid) {
    root.removeChild(genid);
    const fresh = doc.createElement('genid');
    const uuidElement = child(root, 'uuid');
    root.insertBefore(fresh, uuidElement ? uuidElement.nextSibling : root.firstChild);
    changes.push({ code: 'genid_renewed' });
  }
  // SMBIOS may repeat the UUID; libvirt refuses a definition where the two differ.
  const sysinfo = child(root, 'sysinfo');
  const system = sysinfo ? child(sysinfo, 'system') : null;
  for (const entry of system ? children(system, 'entry') : []) {
    if (attr(entry, 'name') === 'uuid' && text(entry)?.toLowerCase() !== input.uuid.toLowerCase()) {
      setText(entry, input.uuid.toLowerCase());
      changes.push({ code: 'smbios_uuid' });
    }
  }

  // ---- Guest kind: emulator, machine, firmware ----
  const os = child(root, 'os');
  const osType = child(os ?? root, 'type');
  const arch = attr(osType, 'arch');
  const machine = attr(osType, 'machine');
  const virtType = attr(root, 'type') ?? 'kvm';
  const guest =
    input.target.capabilities.guests.find((g) => g.osType === (text(osType) ?? 'hvm') && (arch === null || g.arch === arch)) ?? null;
  const devices = child(root, 'devices');
  const emulator = devices ? child(devices, 'emulator') : null;
  if (!guest) {
    warnings.push({ code: 'guest_unsupported', host: where, arch, osType: text(osType) ?? 'hvm' });
  } else {
    const virt = guest.virtTypes.find((v) => v.type === virtType);
    if (!virt) {
      warnings.push({ code: 'virt_type_unsupported', host: where, virtType, arch: guest.arch, offered: guest.virtTypes.map((v) => v.type) });
    }
    const targetEmulator = virt?.emulator ?? guest.emulator;
    const current = text(emulator);
    if (emulator && devices) {
      if (targetEmulator === null) {
        devices.removeChild(emulator);
        changes.push({ code: 'emulator_dropped', path: current, host: where });
      } else if (current !== targetEmulator) {
        setText(emulator, targetEmulator);
        changes.push({ code: 'emulator_changed', emulator: targetEmulator, host: where, was: current });
      }
    }
    if (machine && guest.machines.length > 0 && !guest.machines.includes(machine)) {
      warnings.push({ code: 'machine_unsupported', host: where, machine, arch: guest.arch, machines: guest.machines.slice(0, 4) });
    }
  }
  if (os) adaptFirmware(os, input, changes, warnings);

  // ---- Security labels ----
  for (const label of children(root, 'seclabel')) {
    const model = attr(label, 'model');
    const type = attr(label, 'type') ?? 'dynamic';
    if (model && !input.target.capabilities.securityModels.includes(model)) {
      root.removeChild(label);
      changes.push({ code: 'security_label_unused', model, host: where });
    } else if (copy && type === 'static') {
      root.removeChild(label);
      changes.push({ code: 'security_label_static', model: model || null, host: where });
    } else {
      // Labels libvirt assigned at run time (kept only in a live definition), the process's and its images',
      // belong to the old process.
      const runTime = type === 'dynamic' ? removeAll(label, 'label') + removeAll(label, 'imagelabel') : 0;
      if (runTime > 0) {
        changes.push({ code: 'security_label_runtime', model: model || null });
      }
    }
  }

  if (devices) {
    adaptDisks(devices, input, changes, warnings);
    adaptInterfaces(devices, input, changes, warnings);
    adaptOtherDevices(devices, input, changes, warnings);
  }
  const cputune = child(root, 'cputune');
  if (cputune && children(cputune, 'vcpupin').length + children(cputune, 'emulatorpin').length > 0) {
    warnings.push({ code: 'cpu_pinning', host: where });
  }
  return { xml: new XMLSerializer().serializeToString(root), changes, warnings };
}

function adaptFirmware(os: Element, input: RestoreXmlInput, changes: RestoreChange[], warnings: RestoreWarning[]): void {
  const where = input.target.label;
  const firmware = attr(os, 'firmware');
  const loader = child(os, 'loader');
  const loaderPath = text(loader);
  if (loader && loaderPath) {
    const offered = input.target.firmwareImages;
    if (offered !== null && !offered.includes(loaderPath)) {
      if (firmware !== null) {
        // Firmware chosen by libvirt: let the target choose again among its own images.
        while (loader.firstChild) loader.removeChild(loader.firstChild);
        changes.push({ code: 'firmware_dropped', path: loaderPath, host: where, firmware });
      } else if (offered.length === 0) {
        warnings.push({ code: 'firmware_unlisted', path: loaderPath, host: where });
      } else {
        warnings.push({ code: 'firmware_unoffered', path: loaderPath, host: where, offered: offered.slice(0, 3) });
      }
    }
  }
  const nvram = child(os, 'nvram');
  if (nvram && !input.replace) {
    // The UEFI variable store is a file of the original VM; a copy sharing it would overwrite the original's boot
    // entries. Without a path libvirt makes one for the new name, from the template.
    const path = text(nvram) ?? attr(child(nvram, 'source'), 'file');
    while (nvram.firstChild) nvram.removeChild(nvram.firstChild);
    if (path) changes.push({ code: 'nvram_not_shared', path, host: where, name: input.name });
    warnings.push({ code: 'nvram_not_backed_up' });
  }
}

function diskSourceFor(disk: Element, restored: RestoredDisk): void {
  const doc = docOf(disk);
  for (const old of [...children(disk, 'source'), ...children(disk, 'backingStore')]) disk.removeChild(old);
  const source = doc.createElement('source');
  const { volume } = restored;
  if (FILE_POOL_TYPES.has(volume.poolType)) {
    disk.setAttribute('type', 'file');
    source.setAttribute('file', volume.path);
  } else if (BLOCK_POOL_TYPES.has(volume.poolType)) {
    disk.setAttribute('type', 'block');
    source.setAttribute('dev', volume.path);
  } else {
    // Network pools (rbd, gluster, iscsi-direct): libvirt resolves the volume itself.
    disk.setAttribute('type', 'volume');
    source.setAttribute('pool', volume.pool);
    source.setAttribute('volume', volume.name);
  }
  let driver = child(disk, 'driver');
  if (!driver) {
    driver = doc.createElement('driver');
    disk.insertBefore(driver, disk.firstChild);
  }
  if (!attr(driver, 'name')) driver.setAttribute('name', 'qemu');
  driver.setAttribute('type', restored.format);
  disk.insertBefore(source, driver.nextSibling);
}

function adaptDisks(devices: Element, input: RestoreXmlInput, changes: RestoreChange[], warnings: RestoreWarning[]): void {
  const where = input.target.label;
  const byTarget = new Map(input.disks.map((d) => [d.target, d]));
  const seen = new Set<string>();
  for (const disk of children(devices, 'disk')) {
    const target = attr(child(disk, 'target'), 'dev') ?? '';
    const device = attr(disk, 'device') ?? 'disk';
    const restored = byTarget.get(target);
    const before = describeDiskSource(disk);
    if (restored) {
      seen.add(target);
      diskSourceFor(disk, restored);
      changes.push({ code: 'disk_volume', target, pool: restored.volume.pool, volume: restored.volume.name, format: restored.format, was: before });
      continue;
    }
    const source = child(disk, 'source');
    const path = attr(source, 'file') ?? attr(source, 'dev');
    if (!source) continue;
    if (device === 'cdrom' || device === 'floppy') {
      if (path && !input.target.presentPaths.has(path)) {
        disk.removeChild(source);
        warnings.push({ code: 'removable_missing', device, target, path, host: where });
      }
      continue;
    }
    // A disk the backup did not hold (read-only, shared, network or pass-through storage).
    if (path && !input.target.presentPaths.has(path)) {
      devices.removeChild(disk);
      warnings.push({ code: 'disk_left_out', target, path, host: where });
    } else {
      const shared = child(disk, 'readonly') === null && input.replace === false;
      warnings.push({ code: 'disk_kept', target, source: before, shared });
    }
  }
  for (const restored of input.disks) {
    if (!seen.has(restored.target)) throw new RestoreXmlError(`The VM's configuration has no disk ${restored.target} to attach the restored volume to`);
  }
}

function adaptInterfaces(devices: Element, input: RestoreXmlInput, changes: RestoreChange[], warnings: RestoreWarning[]): void {
  const where = input.target.label;
  const networks = new Map(input.target.networks.map((n) => [n.name, n]));
  const bridges = input.target.bridges === null ? null : new Set(input.target.bridges.map((b) => b.name));
  // A libvirt network's own bridge is a bridge of the host too (the interface list may not show it).
  const networkBridges = new Set(input.target.networks.map((n) => n.bridge).filter((b): b is string => b !== null));
  /** true, false, or null when the host cannot tell (no bridge list). */
  const exists = (type: string, name: string): boolean | null => {
    if (type === 'network') return networks.has(name);
    if (networkBridges.has(name) || bridges?.has(name)) return true;
    return bridges === null ? null : false;
  };
  const doc = docOf(devices);

  for (const iface of children(devices, 'interface')) {
    const type = attr(iface, 'type') ?? 'unknown';
    const source = child(iface, 'source');
    const mac = attr(child(iface, 'mac'), 'address');
    const nic = mac ?? type;
    const fromType = type === 'network' || type === 'bridge' ? type : null;
    const from = fromType === null ? null : attr(source, fromType);
    if (type === 'direct') warnings.push({ code: 'nic_host_device', nic, device: attr(source, 'dev'), host: where });
    else if (type !== 'network' && type !== 'bridge' && type !== 'user') warnings.push({ code: 'nic_other_type', nic, type, host: where });

    if (fromType !== null && from !== null) {
      const mapped = Object.prototype.hasOwnProperty.call(input.networkMap, from);
      if (mapped) {
        const to = input.networkMap[from] ?? null;
        if (to === null) {
          devices.removeChild(iface);
          changes.push({ code: 'nic_left_out', nic, source: { type: fromType, name: from } });
          continue;
        }
        const toType = networks.has(to) ? 'network' : 'bridge';
        const found = exists(toType, to);
        if (found === false) throw new RestoreXmlError(`${where} has no network or bridge named ${to} (chosen for the interfaces on ${from})`);
        if (found === null) warnings.push({ code: 'bridges_unlisted', bridge: to, host: where });
        if (to !== from || toType !== type) {
          for (const old of children(iface, 'source')) iface.removeChild(old);
          const fresh = doc.createElement('source');
          fresh.setAttribute(toType, to);
          iface.setAttribute('type', toType);
          const macElement = child(iface, 'mac');
          iface.insertBefore(fresh, macElement ? macElement.nextSibling : iface.firstChild);
          // A port group or virtual port profile belonged to the old network.
          removeAll(iface, 'virtualport');
          changes.push({ code: 'nic_moved', nic, from: { type: fromType, name: from }, to: { type: toType, name: to } });
        }
      } else {
        const found = exists(type, from);
        if (found === false) {
          devices.removeChild(iface);
          warnings.push({ code: 'nic_source_missing', nic, source: { type: fromType, name: from }, host: where });
          continue;
        }
        if (found === null) warnings.push({ code: 'nic_bridge_unknown', nic, bridge: from, host: where });
        else if (type === 'network' && networks.get(from)?.active === false) warnings.push({ code: 'nic_network_inactive', nic, network: from, host: where });
      }
    }

    if (!input.replace) {
      const macElement = child(iface, 'mac');
      if (macElement && mac) {
        const fresh = (input.newMac ?? (() => randomMac(randomBytes)))();
        macElement.setAttribute('address', fresh);
        changes.push({ code: 'nic_new_mac', nic, mac: fresh });
      }
      // A fixed tap device name would clash with the original's.
      const target = child(iface, 'target');
      const dev = attr(target, 'dev');
      if (target && dev) {
        iface.removeChild(target);
        changes.push({ code: 'nic_device_dropped', nic, device: dev });
      }
    }
  }
}

function adaptOtherDevices(devices: Element, input: RestoreXmlInput, changes: RestoreChange[], warnings: RestoreWarning[]): void {
  const where = input.target.label;
  for (const graphics of children(devices, 'graphics')) {
    const type = attr(graphics, 'type') ?? 'graphics';
    const port = attr(graphics, 'port');
    if (!input.replace && attr(graphics, 'autoport') === 'no' && port) {
      // Two VMs cannot serve on one port.
      graphics.setAttribute('autoport', 'yes');
      graphics.removeAttribute('port');
      graphics.removeAttribute('tlsPort');
      graphics.removeAttribute('websocket');
      changes.push({ code: 'display_port', display: type.toUpperCase(), port });
    }
    const addresses = [attr(graphics, 'listen'), ...children(graphics, 'listen').map((l) => attr(l, 'address'))].filter((a): a is string => a !== null);
    for (const address of new Set(addresses)) {
      if (!PORTABLE_LISTEN.has(address)) warnings.push({ code: 'display_listen', display: type.toUpperCase(), address, host: where });
    }
  }
  const hostdevs = children(devices, 'hostdev').length;
  if (hostdevs > 0) {
    warnings.push({ code: 'host_devices', count: hostdevs, host: where, copy: !input.replace });
  }
}

/** What a restore must ask the target about before adapting a domain XML. */
export interface GuestNeeds {
  arch: string | null;
  virtType: string;
  machine: string | null;
  /** The VM boots a firmware image (`<os><loader>`, or firmware autoselection). */
  usesFirmware: boolean;
  /** Disk sources by target (CD-ROM images, disks the backup did not hold): a restore checks which exist there. */
  diskPaths: { target: string; path: string }[];
}

export function guestNeeds(configXml: string): GuestNeeds {
  const root = parseXmlDocument(configXml, 'domain');
  const os = child(root, 'os');
  const osType = os ? child(os, 'type') : null;
  const devices = child(root, 'devices');
  const diskPaths = (devices ? children(devices, 'disk') : []).flatMap((disk) => {
    const source = child(disk, 'source');
    const path = attr(source, 'file') ?? attr(source, 'dev');
    const target = attr(child(disk, 'target'), 'dev');
    return path && target ? [{ target, path }] : [];
  });
  return {
    arch: attr(osType, 'arch'),
    virtType: attr(root, 'type') ?? 'kvm',
    machine: attr(osType, 'machine'),
    usesFirmware: os !== null && (child(os, 'loader') !== null || attr(os, 'firmware') !== null),
    diskPaths,
  };
}
