// The typed client both the renderer and tests use: `call(method, params)` and `subscribe(topic, filter, cb)`,
// over any ClientTransport. Inbound messages are validated: a malformed server message is dropped, not trusted.
import { IpcError } from './errors.js';
import type { Contract, FilterIn, MethodName, ParamsIn, PayloadOf, ResultOf, TopicName } from './contract-kit.js';
import { serverMessageSchema, type ClientTransport } from './wire.js';

/** The part of AbortSignal the client uses; shared/ loads neither the DOM's nor Node's types, both of which fit. */
export interface CancelSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface CallOptions {
  /** Aborting sends a cancel to the engine, whose handler sees its own signal abort; the call rejects `cancelled`. */
  signal?: CancelSignal;
}

export interface SubscribeOptions {
  /** Told when the engine refuses the subscription (unknown topic, bad filter) or the transport closes. */
  onError?: (error: IpcError) => void;
}

export interface IpcClient<C extends Contract> {
  call<M extends MethodName<C>>(method: M, params: ParamsIn<C, M>, options?: CallOptions): Promise<ResultOf<C, M>>;
  subscribe<T extends TopicName<C>>(
    topic: T,
    filter: FilterIn<C, T>,
    listener: (payload: PayloadOf<C, T>) => void,
    options?: SubscribeOptions,
  ): () => void;
  /** Rejects pending calls with `transport_closed` and closes the transport. */
  close(): void;
}

interface PendingCall {
  resolve(result: unknown): void;
  reject(error: IpcError): void;
}

interface Subscription {
  topic: string;
  listener(payload: unknown): void;
  onError?: (error: IpcError) => void;
}

export function createIpcClient<C extends Contract>(contract: C, transport: ClientTransport): IpcClient<C> {
  const pending = new Map<string, PendingCall>();
  const subscriptions = new Map<string, Subscription>();
  let nextId = 1;
  let closedReason: string | null = null;

  const newId = (): string => `${(nextId++).toString(36)}`;

  const failAll = (reason: string): void => {
    if (closedReason !== null) return;
    closedReason = reason;
    const error = new IpcError('transport_closed', `Connection to the engine closed: ${reason}`);
    for (const call of pending.values()) call.reject(error);
    pending.clear();
    for (const sub of subscriptions.values()) sub.onError?.(error);
    subscriptions.clear();
  };

  const stopListening = transport.onMessage((raw) => {
    const parsed = serverMessageSchema.safeParse(raw);
    if (!parsed.success) return;
    const message = parsed.data;
    switch (message.t) {
      case 'result': {
        const call = pending.get(message.id);
        if (!call) return;
        pending.delete(message.id);
        if (message.ok) call.resolve(message.result);
        else call.reject(IpcError.fromValue(message.error));
        return;
      }
      case 'subscribed': {
        if (message.ok) return;
        const sub = subscriptions.get(message.id);
        subscriptions.delete(message.id);
        sub?.onError?.(IpcError.fromValue(message.error));
        return;
      }
      case 'event': {
        const sub = subscriptions.get(message.id);
        if (!sub || sub.topic !== message.topic) return;
        const spec = contract.topics[sub.topic];
        const payload = spec?.payload.safeParse(message.payload);
        if (payload?.success) sub.listener(payload.data);
        return;
      }
      case 'fault':
        // A fault answers a message the engine could not read; the client only sends well-formed ones.
        return;
    }
  });
  const stopClose = transport.onClose((reason) => failAll(reason));

  return {
    call(method, params, options) {
      return new Promise((resolve, reject) => {
        if (closedReason !== null) {
          reject(new IpcError('transport_closed', `Connection to the engine closed: ${closedReason}`));
          return;
        }
        const signal = options?.signal;
        if (signal?.aborted) {
          reject(new IpcError('cancelled', `${method} was cancelled before it was sent`));
          return;
        }
        const id = newId();
        const onAbort = (): void => {
          if (!pending.has(id)) return;
          pending.delete(id);
          transport.send({ t: 'cancel', id });
          reject(new IpcError('cancelled', `${method} was cancelled`));
        };
        pending.set(id, {
          resolve: (result) => {
            signal?.removeEventListener('abort', onAbort);
            resolve(result as ResultOf<C, typeof method>);
          },
          reject: (error) => {
            signal?.removeEventListener('abort', onAbort);
            reject(error);
          },
        });
        signal?.addEventListener('abort', onAbort, { once: true });
        transport.send({ t: 'call', id, method, params });
      });
    },

    subscribe(topic, filter, listener, options) {
      if (closedReason !== null) {
        options?.onError?.(new IpcError('transport_closed', `Connection to the engine closed: ${closedReason}`));
        return () => undefined;
      }
      const id = newId();
      subscriptions.set(id, {
        topic,
        listener: listener as (payload: unknown) => void,
        ...(options?.onError ? { onError: options.onError } : {}),
      });
      transport.send({ t: 'sub', id, topic, filter });
      return () => {
        if (!subscriptions.delete(id) || closedReason !== null) return;
        transport.send({ t: 'unsub', id });
      };
    },

    close() {
      failAll('closed by the client');
      stopListening();
      stopClose();
      transport.close();
    },
  };
}
