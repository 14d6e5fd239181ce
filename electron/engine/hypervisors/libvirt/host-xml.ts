// Reading the XML a libvirt host describes itself with: storage pools, virtual networks, host interfaces,
// capabilities and domain capabilities. What restore needs to pick a pool, map networks and fix up a VM's
// host-specific parts. Parsed defensively, like domain XML: a missing element yields null or an empty list.
import { attr, child, children, parseXmlDocument, text } from './domain-xml.js';

/** Pool types whose volumes are plain files on the host (qcow2 images can live there). */
export const FILE_POOL_TYPES: ReadonlySet<string> = new Set(['dir', 'fs', 'netfs']);

export interface PoolXml {
  type: string;
  /** `<target><path>`: the folder (dir, fs, netfs) or device folder (logical, disk ...) of its volumes. */
  path: string | null;
}

export function parsePoolXml(xml: string): PoolXml {
  const root = parseXmlDocument(xml, 'pool');
  return { type: attr(root, 'type') ?? 'unknown', path: text(child(child(root, 'target') ?? root, 'path')) };
}

export interface NetworkXml {
  name: string;
  /** `<bridge name=…>`, or null. */
  bridge: string | null;
  /** `<forward mode=…>`: null for an isolated network. */
  forwardMode: string | null;
}

export function parseNetworkXml(xml: string): NetworkXml {
  const root = parseXmlDocument(xml, 'network');
  const forward = child(root, 'forward');
  return {
    name: text(child(root, 'name')) ?? '',
    bridge: attr(child(root, 'bridge'), 'name'),
    forwardMode: forward ? (attr(forward, 'mode') ?? 'nat') : null,
  };
}

/** A host interface's type (`ethernet`, `bridge`, `bond`, `vlan`) and name. */
export function parseInterfaceXml(xml: string): { type: string; name: string } {
  const root = parseXmlDocument(xml, 'interface');
  return { type: attr(root, 'type') ?? 'unknown', name: attr(root, 'name') ?? '' };
}

export interface CapabilitiesXml {
  securityModels: string[];
  guests: {
    osType: string;
    arch: string;
    emulator: string | null;
    machines: string[];
    virtTypes: { type: string; emulator: string | null }[];
  }[];
}

export function parseCapabilitiesXml(xml: string): CapabilitiesXml {
  const root = parseXmlDocument(xml, 'capabilities');
  const host = child(root, 'host');
  const securityModels = host
    ? children(host, 'secmodel')
        .map((model) => text(child(model, 'model')))
        .filter((model): model is string => model !== null)
    : [];
  const guests = children(root, 'guest').flatMap((guest) => {
    const arch = child(guest, 'arch');
    if (!arch) return [];
    const machines = new Set<string>();
    for (const machine of children(arch, 'machine')) {
      const name = text(machine);
      if (name) machines.add(name);
      const canonical = attr(machine, 'canonical');
      if (canonical) machines.add(canonical);
    }
    const domainMachines = children(arch, 'domain').flatMap((domain) => children(domain, 'machine'));
    for (const machine of domainMachines) {
      const name = text(machine);
      if (name) machines.add(name);
    }
    return [
      {
        osType: text(child(guest, 'os_type')) ?? 'hvm',
        arch: attr(arch, 'name') ?? '',
        emulator: text(child(arch, 'emulator')),
        machines: [...machines],
        virtTypes: children(arch, 'domain').map((domain) => ({ type: attr(domain, 'type') ?? '', emulator: text(child(domain, 'emulator')) })),
      },
    ];
  });
  return { securityModels, guests };
}

/** The firmware images a host offers for a kind of guest: `<os><loader><value>` of its domain capabilities. */
export function parseFirmwareImages(xml: string): string[] {
  const root = parseXmlDocument(xml, 'domainCapabilities');
  const loader = child(child(root, 'os') ?? root, 'loader');
  if (!loader) return [];
  return children(loader, 'value')
    .map((value) => text(value))
    .filter((value): value is string => value !== null);
}
