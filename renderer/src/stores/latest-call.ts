// A list view may ask for its data again before the previous answer arrived (re-entering the view, pressing
// "Try again"). Only the newest answer may land in the store: the older call is cancelled on the engine, and its
// outcome, whatever it is, is reported as superseded so the store ignores it.
import { toStoreError, type StoreError } from './store-error.js';

export type CallOutcome<T> =
  | { kind: 'done'; value: T }
  | { kind: 'failed'; error: StoreError }
  | { kind: 'superseded' };

export interface LatestCall {
  run<T>(start: (signal: AbortSignal) => Promise<T>): Promise<CallOutcome<T>>;
}

export function createLatestCall(): LatestCall {
  let current: AbortController | null = null;
  return {
    async run(start) {
      current?.abort();
      const controller = new AbortController();
      current = controller;
      try {
        const value = await start(controller.signal);
        return current === controller ? { kind: 'done', value } : { kind: 'superseded' };
      } catch (error) {
        return current === controller ? { kind: 'failed', error: toStoreError(error) } : { kind: 'superseded' };
      } finally {
        if (current === controller) current = null;
      }
    },
  };
}
