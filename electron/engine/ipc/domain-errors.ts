// The engine's own errors (repository, hypervisor, catalog) as IPC error values: the renderer gets a code it can
// decide on and the error's own readable message, instead of `internal`, which means a bug.
import { IpcError, type ErrorCode } from '../../../shared/ipc/errors.js';
import { CatalogError } from '../catalog/catalog.js';
import { HypervisorError, type HypervisorErrorCode } from '../hypervisors/driver.js';
import { RepositoryError, type RepositoryErrorCode } from '../repository/errors.js';
import { RestoreError, type RestoreErrorCode } from '../restore/restore-vm.js';

const REPOSITORY_CODES: Record<RepositoryErrorCode, ErrorCode> = {
  'not-a-repository': 'not_found',
  'config-invalid': 'unavailable',
  'newer-version': 'unavailable',
  unsupported: 'unavailable',
  'init-refused': 'conflict',
  locked: 'conflict',
  'not-locked': 'unavailable',
  'chunk-corrupt': 'unavailable',
  'chunk-missing': 'unavailable',
  'manifest-damaged': 'unavailable',
  'manifest-invalid': 'unavailable',
  'point-not-found': 'not_found',
  'disk-not-found': 'not_found',
  'point-data': 'unavailable',
  'gc-refused': 'conflict',
  'out-of-space': 'unavailable',
};

const HYPERVISOR_CODES: Partial<Record<HypervisorErrorCode, ErrorCode>> = {
  timeout: 'timeout',
  not_found: 'not_found',
  conflict: 'conflict',
  host_key_mismatch: 'conflict',
  invalid_state: 'conflict',
};

const RESTORE_CODES: Record<RestoreErrorCode, ErrorCode> = {
  invalid_request: 'invalid_params',
  pool_not_found: 'not_found',
  pool_inactive: 'unavailable',
  unsupported: 'unavailable',
  no_space: 'unavailable',
  name_taken: 'conflict',
  original_not_found: 'not_found',
  original_running: 'conflict',
  original_not_replaceable: 'conflict',
  point_damaged: 'unavailable',
  cancelled: 'cancelled',
  host_failed: 'unavailable',
};

/** The IPC error for a known engine error, or null for anything else (a bug: logged, answered `internal`). */
export function domainErrorToIpc(error: unknown): IpcError | null {
  if (error instanceof IpcError) return error;
  if (error instanceof RepositoryError) return new IpcError(REPOSITORY_CODES[error.code], error.message, error.code);
  if (error instanceof HypervisorError) return new IpcError(HYPERVISOR_CODES[error.code] ?? 'unavailable', error.message, error.code);
  if (error instanceof RestoreError) return new IpcError(RESTORE_CODES[error.code], error.message, error.code);
  if (error instanceof CatalogError) return new IpcError('unavailable', error.message, error.code);
  return null;
}
