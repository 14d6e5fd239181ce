// The XML of libvirt's backup API: what Lifeboat asks for (a pull-mode backup exporting each disk over NBD on
// a unix socket of the host, with a new checkpoint), and what libvirt answers (export and bitmap names).
import { XMLSerializer, type Element } from '@xmldom/xmldom';
import { parseXmlDocument } from './domain-xml.js';

/** Names and paths that go into XML come from our own code or the host; they are escaped all the same. */
export function xmlEscape(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

/**
 * A pull-mode backup. Each disk needs a scratch file on the host: QEMU copies there the old contents of blocks the
 * guest overwrites while the backup is read, so the export stays the disk as it was at the start.
 */
export function pullBackupXml(options: {
  socketPath: string;
  disks: readonly { target: string; scratchPath: string }[];
  incrementalFrom: string | null;
}): string {
  const incremental = options.incrementalFrom ? `  <incremental>${xmlEscape(options.incrementalFrom)}</incremental>\n` : '';
  const disks = options.disks
    .map(
      (disk) =>
        `    <disk name='${xmlEscape(disk.target)}' backup='yes' type='file'>\n` +
        `      <scratch file='${xmlEscape(disk.scratchPath)}'/>\n    </disk>`,
    )
    .join('\n');
  return (
    `<domainbackup mode='pull'>\n${incremental}` +
    `  <server transport='unix' socket='${xmlEscape(options.socketPath)}'/>\n` +
    `  <disks>\n${disks}\n  </disks>\n</domainbackup>\n`
  );
}

export function checkpointXml(options: { name: string; disks: readonly string[] }): string {
  const disks = options.disks.map((target) => `    <disk name='${xmlEscape(target)}' checkpoint='bitmap'/>`).join('\n');
  return (
    `<domaincheckpoint>\n  <name>${xmlEscape(options.name)}</name>\n` +
    `  <description>Lifeboat backup</description>\n  <disks>\n${disks}\n  </disks>\n</domaincheckpoint>\n`
  );
}

export interface RunningBackupDisk {
  target: string;
  exportName: string;
  /** Set for an incremental export: the bitmap whose NBD meta context is `qemu:dirty-bitmap:<name>`. */
  exportBitmap: string | null;
}

/** Reads the export and bitmap names of a running backup job from `virDomainBackupGetXMLDesc`. */
export function parseRunningBackup(xml: string): RunningBackupDisk[] {
  const root = parseXmlDocument(xml, 'domainbackup');
  const disks: RunningBackupDisk[] = [];
  for (let node = root.firstChild; node; node = node.nextSibling) {
    if (node.nodeType !== 1 || (node as Element).tagName !== 'disks') continue;
    for (let disk = node.firstChild; disk; disk = disk.nextSibling) {
      if (disk.nodeType !== 1 || (disk as Element).tagName !== 'disk') continue;
      const element = disk as Element;
      if (element.getAttribute('backup') !== 'yes') continue;
      const target = element.getAttribute('name') ?? '';
      disks.push({
        target,
        exportName: element.getAttribute('exportname') || target,
        exportBitmap: element.getAttribute('exportbitmap') || null,
      });
    }
  }
  return disks;
}

/**
 * A checkpoint's XML as recorded, minus its `<parent>`: Lifeboat keeps one checkpoint per VM, so the parent named
 * in the record was deleted when the backup finished, and libvirt would refuse to redefine a checkpoint whose
 * parent it does not know.
 */
export function checkpointXmlWithoutParent(xml: string): string {
  const root = parseXmlDocument(xml, 'domaincheckpoint');
  for (let node = root.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1 && (node as Element).tagName === 'parent') {
      root.removeChild(node);
      break;
    }
  }
  return new XMLSerializer().serializeToString(root);
}
