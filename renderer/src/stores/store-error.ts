// Stores keep errors as plain `{code, message}` values (the shape that crossed IPC), so a component can show one
// next to the thing that failed and a test can compare it, without holding on to thrown objects.
import { IpcError, type ErrorValue } from '../../../shared/ipc/errors.js';

export type StoreError = ErrorValue;

/** Where a store is with fetching its data; data already loaded stays visible while `loading` again. */
export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export function toStoreError(error: unknown): StoreError {
  if (error instanceof IpcError) return error.toValue();
  // Anything else is a renderer-side bug (a throw in a store action), not an engine answer.
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message };
}

export function isConnectionLoss(error: unknown): error is IpcError {
  return error instanceof IpcError && error.code === 'transport_closed';
}
