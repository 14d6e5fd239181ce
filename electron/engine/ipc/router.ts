// The engine side of the IPC contract. Each transport (Electron IPC, WebSocket, in-memory) hands its inbound
// messages to a connection made here; everything a message asks for is validated against the contract before a
// handler sees it, and every answer is a `{ok, result}` or `{ok:false, error:{code, message}}` value.
import { randomUUID } from 'node:crypto';
import type {
  Contract,
  FilterOf,
  MethodName,
  ParamsOf,
  PayloadOf,
  ResultOf,
  TopicName,
} from '../../../shared/ipc/contract-kit.js';
import { IpcError, describeSchemaIssues, type ErrorValue } from '../../../shared/ipc/errors.js';
import type { ServerConnection, ServerConnector } from '../../../shared/ipc/memory-transport.js';
import type { z } from 'zod';
import { clientMessageSchema, type ServerMessage } from '../../../shared/ipc/wire.js';
import { rememberSecretsIn } from '../logging/known-secrets.js';
import { isSecretKey, pathsToRedact, redactAt, redactText, type Logger } from '../logging/logger.js';

export interface HandlerContext {
  /** Aborts when the caller cancels the call or its connection closes. */
  signal: AbortSignal;
  logger: Logger;
  connectionId: string;
}

export type Handlers<C extends Contract> = {
  [M in MethodName<C>]: (params: ParamsOf<C, M>, context: HandlerContext) => Promise<ResultOf<C, M>> | ResultOf<C, M>;
};

/** The current state of a topic, sent to a new subscriber at once (a reloaded window sees the job it missed). */
export type SnapshotProviders<C extends Contract> = {
  [T in TopicName<C>]?: (filter: FilterOf<C, T>) => PayloadOf<C, T>[];
};

export interface IpcRouter<C extends Contract> {
  /** Opens a connection for a transport; `send` delivers a server message to that client. */
  connect: ServerConnector;
  publish<T extends TopicName<C>>(topic: T, payload: PayloadOf<C, T>): void;
  readonly connectionCount: number;
  /** Closes every connection, aborting their calls. */
  close(): void;
}

interface Subscription {
  topic: string;
  filter: unknown;
}

function errorValue(error: unknown, method: string, logger: Logger, mapError?: (error: unknown) => IpcError | null): ErrorValue {
  const known = error instanceof IpcError ? error : (mapError?.(error) ?? null);
  if (known) return { ...known.toValue(), message: redactText(known.message) };
  if (error instanceof Error && error.name === 'AbortError') return { code: 'cancelled', message: `${method} was cancelled` };
  logger.error(`${method} failed`, { error });
  const detail = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: `${method} failed: ${redactText(detail)}` };
}

function hasOwn(record: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}

/**
 * Secret values shorter than this are masked in error messages and logs, but not inside results and events: there
 * a short password ("system", "backup") could equal an ordinary field (a libvirt URI, a VM name).
 */
const MIN_SECRET_LENGTH_IN_DATA = 8;

/**
 * `value` (already valid for `schema`) with every secret in its strings masked: known secret values and what looks
 * like one (a URL's password, a private key). A masked string must still fit the schema, so a short secret that
 * happens to equal an enum word or a host name is left where the contract requires that exact value.
 */
function withoutSecrets(value: unknown, schema: z.ZodType): unknown {
  const paths = pathsToRedact(value, MIN_SECRET_LENGTH_IN_DATA);
  if (paths.length === 0) return value;
  const whole = schema.safeParse(paths.reduce((v, path) => redactAt(v, path, MIN_SECRET_LENGTH_IN_DATA), value));
  if (whole.success) return whole.data;
  let current = value;
  for (const path of paths) {
    const candidate = schema.safeParse(redactAt(current, path, MIN_SECRET_LENGTH_IN_DATA));
    if (candidate.success) current = candidate.data;
  }
  return current;
}

/** What leaves the engine as an error: always `{code, message}` (and the engine's reason), the message redacted. */
function safeError(error: ErrorValue): ErrorValue {
  const safe: ErrorValue = { code: error.code, message: redactText(String(error.message)) };
  return typeof error.reason === 'string' && /^[a-z_-]{1,64}$/.test(error.reason) ? { ...safe, reason: error.reason } : safe;
}

export function createIpcRouter<C extends Contract>(
  contract: C,
  handlers: Handlers<C>,
  options: {
    logger: Logger;
    snapshots?: SnapshotProviders<C>;
    /** Turns the engine's own errors into coded IPC errors; anything else is answered `internal` and logged. */
    mapError?: (error: unknown) => IpcError | null;
  },
): IpcRouter<C> {
  const connections = new Set<{ deliver(topic: string, payload: unknown): void; close(): void }>();
  const rootLogger = options.logger;

  const connect: ServerConnector = (sendToClient) => {
    const connectionId = randomUUID();
    const logger = rootLogger.child({ connection: connectionId.slice(0, 8) });
    const inFlight = new Map<string, AbortController>();
    const subscriptions = new Map<string, Subscription>();
    let open = true;

    const send = (message: ServerMessage): void => {
      if (!open) return;
      try {
        sendToClient('error' in message ? { ...message, error: safeError(message.error) } : message);
      } catch (error) {
        logger.debug('could not deliver a message; the client is gone', { error });
      }
    };

    const runCall = async (id: string, method: string, rawParams: unknown): Promise<void> => {
      try {
        await dispatch(id, method, rawParams);
      } catch (error) {
        // Only a bug of the router itself gets here (a handler's failure is answered inside dispatch).
        logger.error(`${method} could not be dispatched`, { error });
        send({ t: 'result', id, ok: false, error: { code: 'internal', message: `${method} failed` } });
      }
    };

    const dispatch = async (id: string, method: string, rawParams: unknown): Promise<void> => {
      if (!hasOwn(contract.methods, method)) {
        send({ t: 'result', id, ok: false, error: { code: 'unknown_method', message: `Unknown method: ${method}` } });
        return;
      }
      const spec = contract.methods[method]!;
      const params = spec.params.safeParse(rawParams ?? {});
      if (!params.success) {
        const message = `Invalid params for ${method}: ${describeSchemaIssues(params.error)}`;
        send({ t: 'result', id, ok: false, error: { code: 'invalid_params', message } });
        return;
      }
      if (inFlight.has(id)) {
        send({ t: 'result', id, ok: false, error: { code: 'invalid_message', message: `Request id ${id} is already in use` } });
        return;
      }
      // What a caller sends in a secret-named field (a host's password) is masked wherever it would show up later.
      rememberSecretsIn(params.data, isSecretKey);
      const controller = new AbortController();
      inFlight.set(id, controller);
      const handler = handlers[method as MethodName<C>] as (p: unknown, c: HandlerContext) => unknown;
      try {
        const result = await handler(params.data, { signal: controller.signal, logger, connectionId });
        const checked = spec.result.safeParse(result);
        if (!checked.success) {
          // The engine broke its own contract: a bug to log, not something the caller can fix.
          logger.error(`${method} returned a result that does not match the contract`, {
            issues: describeSchemaIssues(checked.error),
          });
          send({ t: 'result', id, ok: false, error: { code: 'internal', message: `${method} returned an invalid result` } });
          return;
        }
        send({ t: 'result', id, ok: true, result: withoutSecrets(checked.data, spec.result) });
      } catch (error) {
        const value = controller.signal.aborted
          ? { code: 'cancelled' as const, message: `${method} was cancelled` }
          : errorValue(error, method, logger, options.mapError);
        send({ t: 'result', id, ok: false, error: value });
      } finally {
        inFlight.delete(id);
      }
    };

    const subscribe = (id: string, topic: string, rawFilter: unknown): void => {
      if (!hasOwn(contract.topics, topic)) {
        send({ t: 'subscribed', id, ok: false, error: { code: 'unknown_topic', message: `Unknown topic: ${topic}` } });
        return;
      }
      const spec = contract.topics[topic]!;
      const filter = spec.filter.safeParse(rawFilter ?? {});
      if (!filter.success) {
        const message = `Invalid filter for ${topic}: ${describeSchemaIssues(filter.error)}`;
        send({ t: 'subscribed', id, ok: false, error: { code: 'invalid_params', message } });
        return;
      }
      subscriptions.set(id, { topic, filter: filter.data });
      send({ t: 'subscribed', id, ok: true });
      const snapshot = options.snapshots?.[topic as TopicName<C>] as ((f: unknown) => unknown[]) | undefined;
      let payloads: unknown[] = [];
      try {
        payloads = snapshot?.(filter.data) ?? [];
      } catch (error) {
        logger.error(`the snapshot of ${topic} failed; the subscription starts without it`, { error });
      }
      for (const payload of payloads) {
        // Held to the contract like any event: validated, and its secrets masked.
        const checked = spec.payload.safeParse(payload);
        if (checked.success) send({ t: 'event', id, topic, payload: withoutSecrets(checked.data, spec.payload) });
        else logger.error(`snapshot for ${topic} does not match the contract; not sent`, { issues: describeSchemaIssues(checked.error) });
      }
    };

    const connection = {
      deliver(topic: string, payload: unknown) {
        const spec = contract.topics[topic]!;
        for (const [id, sub] of subscriptions) {
          let matches = false;
          try {
            matches = sub.topic === topic && spec.matches(sub.filter, payload);
          } catch (error) {
            logger.error(`the filter of ${topic} failed on an event`, { error });
          }
          if (matches) send({ t: 'event', id, topic, payload });
        }
      },
      close() {
        if (!open) return;
        open = false;
        for (const controller of inFlight.values()) controller.abort(new IpcError('cancelled', 'the connection closed'));
        inFlight.clear();
        subscriptions.clear();
        connections.delete(connection);
      },
    };
    connections.add(connection);

    const receive = (raw: unknown): void => {
      if (!open) return;
      const parsed = clientMessageSchema.safeParse(raw);
      if (!parsed.success) {
        const envelope = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as { id?: unknown; t?: unknown }) : {};
        const id = hasOwn(envelope, 'id') ? envelope.id : undefined;
        const t = hasOwn(envelope, 't') ? envelope.t : undefined;
        const error: ErrorValue = { code: 'invalid_message', message: `Malformed message: ${describeSchemaIssues(parsed.error)}` };
        // A call or a subscription whose id can be read is answered as such, so the client can tell which failed.
        if (typeof id === 'string' && id.length > 0 && id.length <= 64 && t === 'call') send({ t: 'result', id, ok: false, error });
        else if (typeof id === 'string' && id.length > 0 && id.length <= 64 && t === 'sub') send({ t: 'subscribed', id, ok: false, error });
        else send({ t: 'fault', error });
        return;
      }
      const message = parsed.data;
      switch (message.t) {
        case 'call':
          void runCall(message.id, message.method, message.params);
          return;
        case 'cancel':
          inFlight.get(message.id)?.abort(new IpcError('cancelled', 'cancelled by the caller'));
          return;
        case 'sub':
          subscribe(message.id, message.topic, message.filter);
          return;
        case 'unsub':
          subscriptions.delete(message.id);
          return;
      }
    };

    const serverConnection: ServerConnection = {
      receive(raw) {
        // Whatever a message does, it never throws into the transport that carried it (a socket's event loop).
        try {
          receive(raw);
        } catch (error) {
          logger.error('a message could not be handled', { error });
          send({ t: 'fault', error: { code: 'internal', message: 'The message could not be handled' } });
        }
      },
      close: () => connection.close(),
    };
    return serverConnection;
  };

  return {
    connect,
    publish(topic, payload) {
      const spec = contract.topics[topic];
      if (!spec) throw new Error(`publish to an undeclared topic: ${topic}`);
      const checked = spec.payload.safeParse(payload);
      if (!checked.success) {
        rootLogger.error(`event for ${topic} does not match the contract; not sent`, { issues: describeSchemaIssues(checked.error) });
        return;
      }
      const safe = withoutSecrets(checked.data, spec.payload);
      for (const connection of connections) connection.deliver(topic, safe);
    },
    get connectionCount() {
      return connections.size;
    },
    close() {
      for (const connection of [...connections]) connection.close();
    },
  };
}

export { IpcError };
