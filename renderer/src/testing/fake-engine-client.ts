// A stand-in for the engine client in store tests: it answers calls with handlers the test sets, records every
// call and subscription, lets the test emit topic events as if another window caused them, and can close the
// "connection" the way the real client does (pending calls and subscriptions are told `transport_closed`).
import type { CallOptions, CancelSignal, SubscribeOptions } from '../../../shared/ipc/client.js';
import type { AppContract } from '../../../shared/ipc/contract.js';
import type { MethodName, ParamsIn, PayloadOf, ResultOf, TopicName } from '../../../shared/ipc/contract-kit.js';
import { IpcError } from '../../../shared/ipc/errors.js';
import type { EngineClient } from '../ipc/connect.js';

type Method = MethodName<AppContract>;
type Topic = TopicName<AppContract>;

export type FakeHandler<M extends Method> = (
  params: ParamsIn<AppContract, M>,
  signal: CancelSignal | undefined,
) => ResultOf<AppContract, M> | Promise<ResultOf<AppContract, M>>;

export type FakeHandlers = { [M in Method]?: FakeHandler<M> };

export interface RecordedCall {
  method: Method;
  params: unknown;
  /** How the call ended: still pending, answered, refused with an error code, or cancelled by its caller. */
  outcome: 'pending' | 'resolved' | 'rejected' | 'cancelled';
}

export interface RecordedSubscription {
  topic: Topic;
  filter: unknown;
  active: boolean;
}

export interface FakeEngineClient extends EngineClient {
  readonly calls: RecordedCall[];
  readonly subscriptions: RecordedSubscription[];
  handle<M extends Method>(method: M, handler: FakeHandler<M>): void;
  /** Delivers an event to every active subscription of the topic. */
  emit<T extends Topic>(topic: T, payload: PayloadOf<AppContract, T>): void;
  /** Refuses the active subscriptions of the topic, as the engine does for an unknown topic or bad filter. */
  refuseSubscriptions(topic: Topic, error: IpcError): void;
  /** Closes the connection from the far side: what a dropped WebSocket or an unloading window does. */
  closeTransport(reason: string): void;
  callsTo(method: Method): RecordedCall[];
}

interface LiveSubscription {
  record: RecordedSubscription;
  listener(payload: unknown): void;
  onError?: (error: IpcError) => void;
}

interface PendingCall {
  record: RecordedCall;
  reject(error: IpcError): void;
}

export function createFakeEngineClient(initialHandlers: FakeHandlers = {}): FakeEngineClient {
  const handlers = new Map<Method, (params: unknown, signal: CancelSignal | undefined) => unknown>(
    Object.entries(initialHandlers) as [Method, (params: unknown, signal: CancelSignal | undefined) => unknown][],
  );
  const calls: RecordedCall[] = [];
  const subscriptions: RecordedSubscription[] = [];
  const live = new Set<LiveSubscription>();
  const pending = new Set<PendingCall>();
  let closedReason: string | null = null;

  const closedError = (): IpcError =>
    new IpcError('transport_closed', `Connection to the engine closed: ${closedReason ?? 'unknown'}`);

  const call = (method: Method, params: unknown, options?: CallOptions): Promise<unknown> => {
    const record: RecordedCall = { method, params, outcome: 'pending' };
    calls.push(record);
    if (closedReason !== null) {
      record.outcome = 'rejected';
      return Promise.reject(closedError());
    }
    return new Promise((resolve, reject) => {
      const entry: PendingCall = {
        record,
        reject: (error) => {
          record.outcome = 'rejected';
          reject(error);
        },
      };
      pending.add(entry);
      const signal = options?.signal;
      const settle = (finish: () => void): void => {
        if (!pending.delete(entry)) return;
        signal?.removeEventListener('abort', onAbort);
        finish();
      };
      const onAbort = (): void =>
        settle(() => {
          record.outcome = 'cancelled';
          reject(new IpcError('cancelled', `${method} was cancelled`));
        });
      signal?.addEventListener('abort', onAbort, { once: true });

      const handler = handlers.get(method);
      const answer = handler
        ? Promise.resolve().then(() => handler(params, signal))
        : Promise.reject(new IpcError('unknown_method', `No handler for ${method} in this test`));
      answer.then(
        (result) =>
          settle(() => {
            record.outcome = 'resolved';
            resolve(result);
          }),
        (error: unknown) =>
          settle(() => {
            record.outcome = 'rejected';
            reject(error instanceof IpcError ? error : new IpcError('internal', String(error)));
          }),
      );
    });
  };

  const subscribe = (
    topic: Topic,
    filter: unknown,
    listener: (payload: unknown) => void,
    options?: SubscribeOptions,
  ): (() => void) => {
    const record: RecordedSubscription = { topic, filter, active: closedReason === null };
    subscriptions.push(record);
    if (closedReason !== null) {
      options?.onError?.(closedError());
      return () => undefined;
    }
    const entry: LiveSubscription = { record, listener, ...(options?.onError ? { onError: options.onError } : {}) };
    live.add(entry);
    return () => {
      live.delete(entry);
      record.active = false;
    };
  };

  return {
    calls,
    subscriptions,
    call: call as EngineClient['call'],
    subscribe: subscribe as EngineClient['subscribe'],

    close() {
      this.closeTransport('closed by the client');
    },

    handle(method, handler) {
      handlers.set(method, handler as (params: unknown, signal: CancelSignal | undefined) => unknown);
    },

    emit(topic, payload) {
      for (const entry of [...live]) if (entry.record.topic === topic) entry.listener(payload);
    },

    refuseSubscriptions(topic, error) {
      for (const entry of [...live]) {
        if (entry.record.topic !== topic) continue;
        live.delete(entry);
        entry.record.active = false;
        entry.onError?.(error);
      }
    },

    closeTransport(reason) {
      if (closedReason !== null) return;
      closedReason = reason;
      const error = closedError();
      for (const entry of [...pending]) {
        pending.delete(entry);
        entry.reject(error);
      }
      for (const entry of [...live]) {
        live.delete(entry);
        entry.record.active = false;
        entry.onError?.(error);
      }
    },

    callsTo(method) {
      return calls.filter((recorded) => recorded.method === method);
    },
  };
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** A promise the test settles when it chooses, for answers that must arrive after something else happened. */
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every queued promise callback run (the fake answers on a later turn, as real transports do). */
export function flushPromises(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
