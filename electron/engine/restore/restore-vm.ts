// Restores a VM from a restore point onto one host: check everything first (name, room, networks, the original's
// state) and write nothing when a check fails; create a volume per disk and upload it through the hypervisor's data
// channel, each chunk read from the repository with its hash checked; define the VM from its stored configuration
// adapted to the host; start it if asked. "Replace the original" swaps a shut-off original's definition for the
// restored one only once every new disk is complete, puts the old definition back if anything fails, and deletes
// the old disks last. A failed or cancelled restore removes what it created, and says what it removed and what it
// could not (the host went away): RestoreError.leftovers, for removeRestoreLeftovers once the host is back.
import { randomUUID } from 'node:crypto';
import { formatBytes } from '../../../shared/format/bytes.js';
import type { RestoreChange, RestoreWarning } from '../../../shared/model/restore.js';
import {
  HypervisorError,
  type HostSession,
  type StoragePool,
  type VmDefinition,
  type VolumeFormat,
  type VolumeInfo,
  type VolumeRef,
} from '../hypervisors/driver.js';
import {
  RestoreXmlError,
  adaptDomainXml,
  domainInterfaces,
  guestNeeds,
  type InterfaceSource,
  type RestoreXmlTarget,
} from '../hypervisors/libvirt/restore-xml.js';
import { FILE_POOL_TYPES } from '../hypervisors/libvirt/host-xml.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { PointDataError, readDiskSlots, type Manifest, type Repository } from '../repository/index.js';
import { volumeImage } from './volume-image.js';

export interface RestoreRequest {
  /** The restore point (its manifest, as the repository holds it). */
  point: Manifest;
  /** The storage pool of the target host that receives the disks. */
  targetPool: string;
  /** The restored VM's name. A copy defaults to `<original name>-restored`; a replace keeps the original's. */
  name?: string;
  /** Replace the original (same name, UUID and MAC addresses; it must be shut off on the target host). */
  replace: boolean;
  /**
   * Interfaces by the network or bridge they were on, to the target's network or bridge to use instead, or null to
   * leave them out. Interfaces on a network the target lacks and not named here are left out, with a warning.
   */
  networkMap?: Readonly<Record<string, string | null>>;
  /** Start the VM once it is defined. */
  start: boolean;
  /** Image format of the new volumes (qcow2 needs a file-based pool). */
  format: VolumeFormat;
}

export interface RestoreVmDeps {
  /** A connected session to the target host. */
  session: HostSession;
  /** The repository holding the point (a reader is enough). */
  repository: Repository;
  /** The target host as messages name it (its label in the cluster). */
  hostLabel: string;
}

export type RestorePhase = 'preflight' | 'creating' | 'uploading' | 'defining' | 'starting' | 'finishing' | 'cleaning-up' | 'done';

export interface RestoreDiskProgress {
  target: string;
  /** The new volume, `pool/name`. */
  volume: string;
  /** Bytes of the disk written so far (data and holes). */
  bytesDone: number;
  bytesTotal: number;
}

export interface RestoreProgress {
  phase: RestorePhase;
  disks: RestoreDiskProgress[];
}

export interface RestoreVmOptions {
  signal?: AbortSignal;
  onProgress?: (progress: RestoreProgress) => void;
  logger?: Logger;
  /** Chunk reads in flight ahead of the upload. Default 6. */
  readAhead?: number;
  /** The copy's UUID (tests); random otherwise. */
  newUuid?: string;
  /** Least time between two upload progress reports. Default 200 ms; phase changes are always reported. */
  progressIntervalMs?: number;
}

export interface PlannedDisk {
  target: string;
  capacityBytes: number;
  /** The volume it will be written to. */
  volume: string;
}

/** What a restore will do, checked against the target before anything is written. */
export interface RestorePlan {
  host: string;
  name: string;
  uuid: string;
  replace: boolean;
  format: VolumeFormat;
  pool: StoragePool;
  disks: PlannedDisk[];
  /** Sum of the disks' sizes: what the pool must have free. */
  requiredBytes: number;
  /** The VM's network interfaces and what they were on, for a wizard to map. */
  interfaces: InterfaceSource[];
  /** The original on the target host (replace), else null. */
  original: VmDefinition | null;
  /** What the VM's configuration will change to fit the host, and what needs a look. */
  changes: RestoreChange[];
  warnings: RestoreWarning[];
}

export interface RestoredVolume extends VolumeInfo {
  target: string;
  format: VolumeFormat;
}

export interface RestoreResult {
  host: string;
  vm: { uuid: string; name: string };
  replaced: boolean;
  volumes: RestoredVolume[];
  started: boolean;
  /** Why the VM did not start when asked to (it is restored and defined all the same). */
  startError: string | null;
  changes: RestoreChange[];
  warnings: RestoreWarning[];
  /** Replace: the original's disks deleted once the restored VM was defined. */
  removedOldDisks: string[];
  /** Replace: the original's disks left in place (not in the point, or not deletable through a pool), to look at by hand. */
  keptOldDisks: string[];
}

/** What a failed restore made and could not remove: remove it once the host answers (removeRestoreLeftovers). */
export interface RestoreLeftovers {
  host: string;
  volumes: VolumeRef[];
  /** A copy the restore defined. */
  vm: { uuid: string; name: string } | null;
  /** Replace: the original's definition, to put back (the restored one replaced it). */
  originalConfig: string | null;
}

export const RESTORE_ERROR_CODES = [
  /** The request itself is wrong (unknown network in the map, a name for a replace, a point without disks). */
  'invalid_request',
  'pool_not_found',
  'pool_inactive',
  /** The pool cannot hold the format (qcow2 in a block pool). */
  'unsupported',
  'no_space',
  /** A VM or volume by that name is on the host already. */
  'name_taken',
  'original_not_found',
  'original_running',
  /** Shut off, but with a saved memory state or snapshots that the new disks would betray. */
  'original_not_replaceable',
  /** A chunk of the point is damaged or missing. */
  'point_damaged',
  'cancelled',
  /** The host failed or went away. */
  'host_failed',
] as const;
export type RestoreErrorCode = (typeof RESTORE_ERROR_CODES)[number];

export class RestoreError extends Error {
  readonly code: RestoreErrorCode;
  /** Refused by the checks: nothing on the host was touched. */
  readonly beforeWrite: boolean;
  /** What the restore created and removed again while failing. */
  readonly removed: readonly string[];
  /** What it created and could not remove; null when nothing is left. */
  readonly leftovers: RestoreLeftovers | null;
  constructor(
    code: RestoreErrorCode,
    message: string,
    extra: { beforeWrite?: boolean; removed?: readonly string[]; leftovers?: RestoreLeftovers | null; cause?: unknown } = {},
  ) {
    super(message, extra.cause === undefined ? undefined : { cause: extra.cause });
    this.name = 'RestoreError';
    this.code = code;
    this.beforeWrite = extra.beforeWrite ?? false;
    this.removed = extra.removed ?? [];
    this.leftovers = extra.leftovers ?? null;
  }
}

const DEFAULT_READ_AHEAD = 6;
const PROGRESS_INTERVAL_MS = 200;

/** A volume name from the VM's name: libvirt and LVM accept letters, digits and `._+-`. */
export function volumeNameFor(vmName: string, target: string, format: VolumeFormat, suffix = ''): string {
  const safe = vmName.replace(/[^A-Za-z0-9._+-]/g, '_');
  return `${safe}-${target}${suffix}.${format}`;
}

function refuse(code: RestoreErrorCode, message: string): RestoreError {
  return new RestoreError(code, message, { beforeWrite: true });
}

function isCode(error: unknown, code: HypervisorError['code']): boolean {
  return error instanceof HypervisorError && error.code === code;
}

/** Where a volume of the pool will be, before it exists (for the configuration preview). */
function predictedVolume(pool: StoragePool, name: string): VolumeInfo {
  return { pool: pool.name, name, path: pool.path ? `${pool.path.replace(/\/+$/, '')}/${name}` : name, poolType: pool.type };
}

interface Preparation {
  plan: RestorePlan;
  /** Facts for the configuration adaptation, gathered once. */
  target: RestoreXmlTarget;
  /** The original's definition (replace), to put back on failure. */
  originalConfig: string | null;
  /** The original's disk sources (replace), by target. */
  originalDisks: Map<string, string>;
}

async function prepare(deps: RestoreVmDeps, request: RestoreRequest, options: RestoreVmOptions): Promise<Preparation> {
  const { session, hostLabel } = deps;
  const { point } = request;
  const signal = options.signal;
  if (request.format !== 'qcow2' && request.format !== 'raw') throw refuse('invalid_request', `unknown disk format ${String(request.format)}: use qcow2 or raw`);
  if (point.disks.length === 0) throw refuse('invalid_request', `restore point ${point.id} holds no disks`);
  const copyName = request.name ?? `${point.vm.name}-restored`;
  if (!request.replace && (copyName.trim() === '' || copyName.includes('/') || copyName.length > 200)) {
    throw refuse('invalid_request', `"${copyName}" is not a usable VM name`);
  }

  const [pools, networks, bridges, capabilities, original, sameName] = await Promise.all([
    session.listStoragePools(signal),
    session.listNetworks(signal),
    session.listBridges(signal),
    session.capabilities(signal),
    request.replace ? session.findVm({ uuid: point.vm.vmUuid }, signal) : Promise.resolve(null),
    request.replace ? Promise.resolve(null) : session.findVm({ name: copyName }, signal),
  ]);

  // ---- The pool and its room ----
  const pool = pools.find((p) => p.name === request.targetPool);
  if (!pool) throw refuse('pool_not_found', `${hostLabel} has no storage pool ${request.targetPool} (it has ${pools.map((p) => p.name).join(', ') || 'none'})`);
  if (!pool.active) throw refuse('pool_inactive', `storage pool ${pool.name} on ${hostLabel} is not running; start it first`);
  if (request.format === 'qcow2' && !FILE_POOL_TYPES.has(pool.type)) {
    throw refuse('unsupported', `storage pool ${pool.name} on ${hostLabel} (${pool.type}) holds block volumes, not qcow2 files: restore as raw`);
  }
  const requiredBytes = point.disks.reduce((n, d) => n + d.capacityBytes, 0);
  if (requiredBytes > pool.availableBytes) {
    throw refuse(
      'no_space',
      `storage pool ${pool.name} on ${hostLabel} has ${formatBytes(pool.availableBytes)} free; the VM's disks need ${formatBytes(requiredBytes)} ` +
        `(${point.disks.map((d) => `${d.target} ${formatBytes(d.capacityBytes)}`).join(', ')}). Nothing was written.`,
    );
  }

  // ---- Identity ----
  let name: string;
  let uuid: string;
  let originalConfig: string | null = null;
  const originalDisks = new Map<string, string>();
  if (request.replace) {
    if (!original) {
      throw refuse(
        'original_not_found',
        `${point.vm.name} (${point.vm.vmUuid}) is not defined on ${hostLabel}: restore it as a copy, or to the host that holds it`,
      );
    }
    if (request.name !== undefined && request.name !== original.name) {
      throw refuse('invalid_request', `a replaced VM keeps its name (${original.name}); restore a copy to give it another name`);
    }
    if (original.active) {
      throw refuse('original_running', `${original.name} is ${original.state} on ${hostLabel}: shut it down first (a running VM is never replaced). Nothing was changed.`);
    }
    if (original.hasSavedState) {
      throw refuse('original_not_replaceable', `${original.name} has a saved memory state on ${hostLabel} that its restored disks would not match: discard it first (virsh managedsave-remove)`);
    }
    if (original.snapshots > 0) {
      throw refuse('original_not_replaceable', `${original.name} has ${original.snapshots} snapshot(s) on ${hostLabel} that refer to its current disks: delete them first, or restore a copy`);
    }
    name = original.name;
    uuid = original.uuid;
    originalConfig = await session.getVmConfig(original.uuid, signal);
    for (const disk of guestNeeds(originalConfig).diskPaths) originalDisks.set(disk.target, disk.path);
  } else {
    if (sameName) throw refuse('name_taken', `${hostLabel} already has a VM named ${copyName}: choose another name, or replace the original`);
    name = copyName;
    uuid = (options.newUuid ?? randomUUID()).toLowerCase();
  }

  // ---- Volume names: `<vm>-<target>.<format>`; a replace whose old disk has that name uses a suffixed one ----
  const oldPaths = new Set(originalDisks.values());
  const disks: PlannedDisk[] = [];
  for (const disk of point.disks) {
    let volume = volumeNameFor(name, disk.target, request.format);
    let existing = await session.findVolume({ pool: pool.name, name: volume }, signal);
    if (existing && request.replace && oldPaths.has(existing.path)) {
      volume = volumeNameFor(name, disk.target, request.format, `-${point.id.slice(0, 8)}`);
      existing = await session.findVolume({ pool: pool.name, name: volume }, signal);
    }
    if (existing) throw refuse('name_taken', `storage pool ${pool.name} on ${hostLabel} already has a volume ${volume}: remove it, or restore under another name`);
    disks.push({ target: disk.target, capacityBytes: disk.capacityBytes, volume });
  }

  // ---- What the configuration needs from the host ----
  const needs = guestNeeds(point.configXml);
  const restoredTargets = new Set(point.disks.map((d) => d.target));
  const presentPaths = new Set<string>();
  for (const { target, path } of needs.diskPaths) {
    if (restoredTargets.has(target)) continue;
    if (await session.findVolumeByPath(path, signal)) presentPaths.add(path);
  }
  const firmwareImages = needs.usesFirmware
    ? await session.firmwareImages({ arch: needs.arch ?? capabilities.guests[0]?.arch ?? 'x86_64', virtType: needs.virtType, machine: needs.machine }, signal)
    : null;
  const target: RestoreXmlTarget = { label: hostLabel, networks, bridges, capabilities, firmwareImages, presentPaths };
  let preview;
  try {
    preview = adaptDomainXml({
      configXml: point.configXml,
      name,
      uuid,
      replace: request.replace,
      disks: disks.map((d) => ({ target: d.target, volume: predictedVolume(pool, d.volume), format: request.format })),
      networkMap: request.networkMap ?? {},
      target,
    });
  } catch (error) {
    if (error instanceof RestoreXmlError) throw refuse('invalid_request', error.message);
    throw error;
  }
  return {
    plan: {
      host: hostLabel,
      name,
      uuid,
      replace: request.replace,
      format: request.format,
      pool,
      disks,
      requiredBytes,
      interfaces: domainInterfaces(point.configXml),
      original: request.replace ? original : null,
      changes: preview.changes,
      warnings: preview.warnings,
    },
    target,
    originalConfig,
    originalDisks,
  };
}

/**
 * Checks a restore against the target host without writing anything: the pool and its free space, the name, the
 * original's state (replace), the networks, and previews the configuration changes. Throws a RestoreError (with
 * `beforeWrite`) for the first check that fails.
 */
export async function preflightRestore(deps: RestoreVmDeps, request: RestoreRequest, options: RestoreVmOptions = {}): Promise<RestorePlan> {
  try {
    return (await prepare(deps, request, options)).plan;
  } catch (error) {
    throw asRestoreError(error, options.signal, { beforeWrite: true });
  }
}

function asRestoreError(error: unknown, signal: AbortSignal | undefined, extra: { beforeWrite?: boolean; removed?: readonly string[]; leftovers?: RestoreLeftovers | null }): RestoreError {
  if (error instanceof RestoreError) {
    return extra.removed || extra.leftovers ? new RestoreError(error.code, error.message, { ...extra, beforeWrite: error.beforeWrite, cause: error.cause ?? error }) : error;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (signal?.aborted) return new RestoreError('cancelled', 'the restore was cancelled', { ...extra, cause: error });
  if (error instanceof PointDataError) return new RestoreError('point_damaged', message, { ...extra, cause: error });
  if (isCode(error, 'no_space')) return new RestoreError('no_space', message, { ...extra, cause: error });
  if (isCode(error, 'conflict')) return new RestoreError('name_taken', message, { ...extra, cause: error });
  return new RestoreError('host_failed', message, { ...extra, cause: error });
}

/** What cleanup says, appended to the failure's message. */
function cleanupSentence(removed: readonly string[], leftovers: RestoreLeftovers | null): string {
  const parts: string[] = [];
  if (removed.length > 0) parts.push(`removed what it had created: ${removed.join(', ')}`);
  if (leftovers) {
    const left = [
      ...leftovers.volumes.map((v) => `volume ${v.pool}/${v.name}`),
      ...(leftovers.vm ? [`VM ${leftovers.vm.name}`] : []),
      ...(leftovers.originalConfig ? ["the original's definition to put back"] : []),
    ];
    parts.push(`could not remove (the host did not answer), to clean up on ${leftovers.host} later: ${left.join(', ')}`);
  }
  return parts.length > 0 ? ` The restore ${parts.join('; ')}.` : ' Nothing had been written.';
}

/**
 * Removes what a failed restore left on a host (RestoreError.leftovers) once it answers again: puts the original's
 * definition back, undefines the copy, deletes the volumes. Returns what it removed and what it still could not.
 */
export async function removeRestoreLeftovers(session: HostSession, leftovers: RestoreLeftovers): Promise<{ removed: string[]; failed: string[] }> {
  const removed: string[] = [];
  const failed: string[] = [];
  if (leftovers.originalConfig) {
    try {
      await session.defineVm(leftovers.originalConfig);
      removed.push("the original's definition put back");
    } catch (error) {
      failed.push(`the original's definition (${(error as Error).message})`);
    }
  }
  if (leftovers.vm) {
    try {
      await session.undefineVm(leftovers.vm.uuid, { removeNvram: true });
      removed.push(`VM ${leftovers.vm.name}`);
    } catch (error) {
      if (isCode(error, 'not_found')) removed.push(`VM ${leftovers.vm.name} (already gone)`);
      else failed.push(`VM ${leftovers.vm.name} (${(error as Error).message})`);
    }
  }
  for (const volume of leftovers.volumes) {
    try {
      await session.deleteVolume(volume);
      removed.push(`volume ${volume.pool}/${volume.name}`);
    } catch (error) {
      if (isCode(error, 'not_found')) removed.push(`volume ${volume.pool}/${volume.name} (already gone)`);
      else failed.push(`volume ${volume.pool}/${volume.name} (${(error as Error).message})`);
    }
  }
  return { removed, failed };
}

export async function restoreVm(deps: RestoreVmDeps, request: RestoreRequest, options: RestoreVmOptions = {}): Promise<RestoreResult> {
  const { session, repository, hostLabel } = deps;
  const { point } = request;
  const signal = options.signal;
  const logger = (options.logger ?? createLogger([])).child({ point: point.id, host: hostLabel });
  const progress: RestoreProgress = { phase: 'preflight', disks: [] };
  let lastEmit = 0;
  const emit = (force = true): void => {
    const now = Date.now();
    if (!force && now - lastEmit < (options.progressIntervalMs ?? PROGRESS_INTERVAL_MS)) return;
    lastEmit = now;
    options.onProgress?.({ phase: progress.phase, disks: progress.disks.map((d) => ({ ...d })) });
  };
  emit();

  let prepared: Preparation;
  try {
    prepared = await prepare(deps, request, options);
  } catch (error) {
    throw asRestoreError(error, signal, { beforeWrite: true });
  }
  const { plan } = prepared;
  logger.info('restoring', { vm: point.vm.name, as: plan.name, replace: plan.replace, pool: plan.pool.name, format: plan.format });
  progress.disks = plan.disks.map((d) => ({ target: d.target, volume: `${plan.pool.name}/${d.volume}`, bytesDone: 0, bytesTotal: d.capacityBytes }));

  // What this restore made, for cleanup.
  const createdVolumes: RestoredVolume[] = [];
  let definedCopy: { uuid: string; name: string } | null = null;
  let swapped = false;

  try {
    // ---- Volumes ----
    progress.phase = 'creating';
    emit();
    for (const disk of plan.disks) {
      signal?.throwIfAborted();
      const info = await session.createVolume({ pool: plan.pool.name, name: disk.volume, format: plan.format, capacityBytes: disk.capacityBytes }, signal);
      createdVolumes.push({ ...info, target: disk.target, format: plan.format });
    }

    // ---- Data ----
    progress.phase = 'uploading';
    emit();
    for (const [i, volume] of createdVolumes.entries()) {
      const manifestDisk = point.disks.find((d) => d.target === volume.target)!;
      const slots = readDiskSlots(repository.chunks, point, volume.target, {
        readAhead: options.readAhead ?? DEFAULT_READ_AHEAD,
        ...(signal ? { signal } : {}),
      });
      const pieces = volumeImage(plan.format, manifestDisk).pieces(slots, (slot) => {
        progress.disks[i]!.bytesDone += slot.length;
        emit(false);
      });
      await session.uploadVolume(volume, pieces, signal ? { signal } : {});
      emit();
      logger.info('disk restored', { target: volume.target, volume: `${volume.pool}/${volume.name}` });
    }

    // ---- Definition ----
    signal?.throwIfAborted();
    progress.phase = 'defining';
    emit();
    const adapted = adaptDomainXml({
      configXml: point.configXml,
      name: plan.name,
      uuid: plan.uuid,
      replace: plan.replace,
      disks: createdVolumes.map((v) => ({ target: v.target, volume: v, format: v.format })),
      networkMap: request.networkMap ?? {},
      target: prepared.target,
    });
    if (plan.replace) {
      // The original must still be shut off: it may have been started while the disks uploaded.
      const now = await session.findVm({ uuid: plan.uuid }, signal);
      if (!now) throw new RestoreError('original_not_found', `${plan.name} was undefined on ${hostLabel} while its disks were restored`);
      if (now.active) throw new RestoreError('original_running', `${plan.name} was started on ${hostLabel} while its disks were restored: it was left as it is`);
      swapped = true;
    }
    const defined = await session.defineVm(adapted.xml, signal);
    if (!plan.replace) definedCopy = defined;

    // ---- Start ----
    let started = false;
    let startError: string | null = null;
    if (request.start) {
      progress.phase = 'starting';
      emit();
      try {
        await session.startVm(defined.uuid, signal);
        started = true;
      } catch (error) {
        if (signal?.aborted) throw error;
        // The VM is restored and defined; a start that fails (a network not running, a device missing) is reported.
        startError = error instanceof Error ? error.message : String(error);
        logger.warn('restored VM did not start', { error: startError });
      }
    }

    // ---- Replace: the original's disks go last ----
    const removedOldDisks: string[] = [];
    const keptOldDisks: string[] = [];
    if (plan.replace) {
      progress.phase = 'finishing';
      emit();
      const newPaths = new Set(createdVolumes.map((v) => v.path));
      for (const [target, path] of prepared.originalDisks) {
        if (newPaths.has(path)) continue;
        // A disk the point does not hold (added after the backup, or never backed up) is not the restore's to delete.
        if (!point.disks.some((d) => d.target === target)) {
          keptOldDisks.push(path);
          continue;
        }
        try {
          const volume = await session.findVolumeByPath(path);
          if (volume) {
            await session.deleteVolume(volume);
            removedOldDisks.push(path);
          } else {
            keptOldDisks.push(path);
          }
        } catch (error) {
          logger.warn("could not delete the original's old disk", { path, error });
          keptOldDisks.push(path);
        }
      }
      // The old disks' bitmaps are gone: the checkpoints naming them would only fail the next backup's first try.
      await session.forgetCheckpoints(plan.uuid).catch((error: unknown) => logger.warn('could not forget old checkpoints', { error }));
    }

    progress.phase = 'done';
    emit();
    const warnings = [...adapted.warnings];
    if (startError) warnings.push({ code: 'not_started', error: startError });
    if (keptOldDisks.length > 0) warnings.push({ code: 'original_disks_kept', disks: keptOldDisks });
    logger.info('restore finished', { vm: defined.name, uuid: defined.uuid, started });
    return {
      host: hostLabel,
      vm: defined,
      replaced: plan.replace,
      volumes: createdVolumes,
      started,
      startError,
      changes: adapted.changes,
      warnings,
      removedOldDisks,
      keptOldDisks,
    };
  } catch (error) {
    progress.phase = 'cleaning-up';
    emit();
    logger.warn('restore failed; removing what it created', { error });
    const removed: string[] = [];
    const left: RestoreLeftovers = { host: hostLabel, volumes: [], vm: null, originalConfig: null };
    // No signal here: a cancelled restore still cleans up (each call is bounded by the session's call timeout).
    if (swapped && prepared.originalConfig) {
      try {
        await session.defineVm(prepared.originalConfig);
        removed.push(`the restored definition of ${plan.name} (the original's is back)`);
      } catch {
        left.originalConfig = prepared.originalConfig;
      }
    }
    if (definedCopy) {
      try {
        await session.undefineVm(definedCopy.uuid, { removeNvram: true });
        removed.push(`VM ${definedCopy.name}`);
      } catch {
        left.vm = definedCopy;
      }
    }
    for (const volume of createdVolumes) {
      try {
        await session.deleteVolume(volume);
        removed.push(`volume ${volume.pool}/${volume.name}`);
      } catch (deleteError) {
        if (isCode(deleteError, 'not_found')) removed.push(`volume ${volume.pool}/${volume.name}`);
        else left.volumes.push({ pool: volume.pool, name: volume.name });
      }
    }
    const leftovers = left.volumes.length > 0 || left.vm || left.originalConfig ? left : null;
    const failure = asRestoreError(error, signal, {});
    logger.info('restore cleanup', { removed, leftovers });
    throw new RestoreError(failure.code, `${failure.message.replace(/\.$/, '')}.${cleanupSentence(removed, leftovers)}`, {
      removed,
      leftovers,
      cause: failure.cause ?? error,
    });
  }
}
