// The envelope every transport carries. One channel, four client messages and three server messages; the same
// shapes over Electron IPC (structured clone), WebSocket (JSON text frames) and the in-memory transport.
import { z } from 'zod';
import { errorValueSchema } from './errors.js';

/** The one Electron IPC channel; the preload exposes only a send/onMessage pair on it. */
export const ELECTRON_IPC_CHANNEL = 'lifeboat:ipc';
/** Path of the WebSocket endpoint of the headless server. */
export const WEBSOCKET_PATH = '/ipc';
/** Largest message either side accepts; disk data never crosses IPC, only counters and states. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

const requestId = z.string().min(1).max(64);

// `params` and `filter` may be left out (JSON drops an undefined value): the method's or topic's own schema then
// judges `{}`, so the caller learns which fields are missing rather than that the envelope is malformed.
export const clientMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('call'), id: requestId, method: z.string().min(1).max(128), params: z.unknown().optional() }),
  z.object({ t: z.literal('cancel'), id: requestId }),
  z.object({ t: z.literal('sub'), id: requestId, topic: z.string().min(1).max(128), filter: z.unknown().optional() }),
  z.object({ t: z.literal('unsub'), id: requestId }),
]);
export type ClientMessage = z.infer<typeof clientMessageSchema>;

// A plain union: `result` and `subscribed` each come in an ok and a failed shape.
export const serverMessageSchema = z.union([
  z.object({ t: z.literal('result'), id: requestId, ok: z.literal(true), result: z.unknown() }),
  z.object({ t: z.literal('result'), id: requestId, ok: z.literal(false), error: errorValueSchema }),
  /** Answer to a `sub`: either the subscription is live, or why it was refused. */
  z.object({ t: z.literal('subscribed'), id: requestId, ok: z.literal(true) }),
  z.object({ t: z.literal('subscribed'), id: requestId, ok: z.literal(false), error: errorValueSchema }),
  z.object({ t: z.literal('event'), id: requestId, topic: z.string(), payload: z.unknown() }),
  /** A message that could not be matched to a request (unparseable, wrong shape): the connection stays open. */
  z.object({ t: z.literal('fault'), error: errorValueSchema }),
]);
export type ServerMessage =
  | { t: 'result'; id: string; ok: true; result: unknown }
  | { t: 'result'; id: string; ok: false; error: z.infer<typeof errorValueSchema> }
  | { t: 'subscribed'; id: string; ok: true }
  | { t: 'subscribed'; id: string; ok: false; error: z.infer<typeof errorValueSchema> }
  | { t: 'event'; id: string; topic: string; payload: unknown }
  | { t: 'fault'; error: z.infer<typeof errorValueSchema> };

/** The client side of a transport: carries envelopes to the engine and back. */
export interface ClientTransport {
  send(message: ClientMessage): void;
  /** Registers the receiver of server messages; returns a function that removes it. */
  onMessage(listener: (message: unknown) => void): () => void;
  /** Called once when the transport can carry no more messages (window unloaded, socket closed). */
  onClose(listener: (reason: string) => void): () => void;
  close(): void;
}
