// Reading libvirt domain XML: the facts the inventory and the backup engine need (identity, size, disks). The
// XML comes from a host, so it is parsed defensively: a missing element yields null, never a crash.
import { DOMParser, type Element } from '@xmldom/xmldom';

export interface DomainDiskXml {
  /** `vda`, `sdb` ... */
  target: string;
  /** `disk`, `cdrom`, `floppy`, `lun`. */
  device: string;
  /** `file`, `block`, `volume`, `network`, ... */
  sourceType: string;
  /** The file or block device path, when the source is a path. */
  path: string | null;
  /** Pool and volume names, when the source is `type='volume'`. */
  pool: string | null;
  volume: string | null;
  /** The image format (`qcow2`, `raw`), from the driver element. */
  format: string | null;
  readOnly: boolean;
}

export interface DomainXml {
  name: string;
  uuid: string;
  memoryBytes: number;
  vcpus: number;
  disks: DomainDiskXml[];
}

export class DomainXmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DomainXmlError';
  }
}

const UNIT_BYTES: Readonly<Record<string, number>> = {
  b: 1, bytes: 1, k: 1024, kib: 1024, kb: 1000, m: 2 ** 20, mib: 2 ** 20, mb: 1e6, g: 2 ** 30, gib: 2 ** 30, gb: 1e9, t: 2 ** 40, tib: 2 ** 40, tb: 1e12,
};

/** The child elements of `parent` named `name`, in document order. */
export function children(parent: Element, name: string): Element[] {
  const out: Element[] = [];
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1 && (node as Element).tagName === name) out.push(node as Element);
  }
  return out;
}

export function child(parent: Element, name: string): Element | null {
  return children(parent, name)[0] ?? null;
}

/** Trimmed text content, or null when empty or missing. */
export function text(element: Element | null): string | null {
  const value = element?.textContent?.trim();
  return value ? value : null;
}

/** An attribute's value, or null when empty or missing. */
export function attr(element: Element | null, name: string): string | null {
  const value = element?.getAttribute(name);
  return value ? value : null;
}

/** Parses XML from a host, refusing documents with a DTD (no entity tricks) or parse errors. */
export function parseXmlDocument(xml: string, expectedRoot: string): Element {
  if (/<!DOCTYPE/i.test(xml)) throw new DomainXmlError('XML with a DOCTYPE is not accepted');
  const errors: string[] = [];
  let root: Element | null;
  try {
    const doc = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') errors.push(message);
      },
    }).parseFromString(xml, 'text/xml');
    root = doc.documentElement;
  } catch (error) {
    // xmldom throws on fatal errors (after reporting them): both paths end in the same readable error.
    throw new DomainXmlError(`Malformed XML: ${errors[0] ?? (error as Error).message}`);
  }
  if (errors.length > 0 || !root) throw new DomainXmlError(`Malformed XML: ${errors[0] ?? 'no root element'}`);
  if (root.tagName !== expectedRoot) throw new DomainXmlError(`Expected a <${expectedRoot}> document, got <${root.tagName}>`);
  return root;
}

export function parseDomainXml(xml: string): DomainXml {
  const root = parseXmlDocument(xml, 'domain');
  const name = text(child(root, 'name'));
  const uuid = text(child(root, 'uuid'))?.toLowerCase() ?? null;
  if (!name || !uuid) throw new DomainXmlError('Domain XML without a name or uuid');
  const memory = child(root, 'memory');
  const memoryValue = Number(text(memory) ?? '0');
  const unit = (attr(memory, 'unit') ?? 'KiB').toLowerCase();
  const vcpus = Number(text(child(root, 'vcpu')) ?? '0');
  const devices = child(root, 'devices');
  const disks = devices
    ? children(devices, 'disk').map((disk): DomainDiskXml => {
        const source = child(disk, 'source');
        const sourceType = attr(disk, 'type') ?? 'file';
        return {
          target: attr(child(disk, 'target'), 'dev') ?? '',
          device: attr(disk, 'device') ?? 'disk',
          sourceType,
          path: attr(source, 'file') ?? attr(source, 'dev'),
          pool: sourceType === 'volume' ? attr(source, 'pool') : null,
          volume: sourceType === 'volume' ? attr(source, 'volume') : null,
          format: attr(child(disk, 'driver'), 'type'),
          readOnly: child(disk, 'readonly') !== null,
        };
      })
    : [];
  return {
    name,
    uuid,
    memoryBytes: Number.isFinite(memoryValue) ? memoryValue * (UNIT_BYTES[unit] ?? 1024) : 0,
    vcpus: Number.isFinite(vcpus) ? vcpus : 0,
    disks: disks.filter((d) => d.target !== ''),
  };
}
