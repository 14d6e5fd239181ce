// Fuzzing the client against servers that send garbage: random bytes, valid reply streams cut short, corrupted,
// or delivered in arbitrary pieces. The client may fail requests, but only with its typed errors, never by
// crashing, hanging, or allocating memory a server can choose. Seeds are fixed so a failure replays exactly.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { NbdConnectionError, NbdError, NbdProtocolError, connectNbd } from '../../../electron/engine/nbd/index.js';
import { NbdCommand } from '../../../electron/engine/nbd/protocol.js';
import { MAX_BLOCK_STATUS_PAYLOAD, MAX_ERROR_PAYLOAD, PendingRequest, ReplyParser } from '../../../electron/engine/nbd/replies.js';
import { fakeServer, msg, prng, rechunk, serveHandshake, type ClientRequest } from './fake-server.js';

type Random = ReturnType<typeof prng>;

const CONTEXTS = new Map([
  [1, 'base:allocation'],
  [2, 'qemu:dirty-bitmap:bm0'],
]);

interface Expected {
  request: { cookie: number; command: number; offset: number; length: number };
  data: Buffer | null;
  extents: Map<number, Array<{ offset: number; length: number; flags: number }>> | null;
  errno: number | null;
}

/** Cuts [0, length) into 1..max pieces at random points. */
function cuts(random: Random, length: number, max: number): Array<[number, number]> {
  const points = new Set<number>();
  const count = random.int(Math.min(max, length));
  for (let i = 0; i < count; i++) points.add(1 + random.int(length - 1));
  const sorted = [0, ...[...points].sort((a, b) => a - b), length];
  const pieces: Array<[number, number]> = [];
  for (let i = 0; i + 1 < sorted.length; i++) pieces.push([sorted[i] as number, sorted[i + 1] as number]);
  return pieces;
}

function shuffle<T>(random: Random, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

/** A valid reply (list of messages, DONE last) to one request, and what the client should make of it. */
function replyFor(random: Random, request: Expected['request'], structured: boolean): { messages: Buffer[]; expected: Expected } {
  const { cookie, command, offset, length } = request;
  const roll = random.next();
  if (roll < 0.1) return { messages: [msg.simple(cookie, [5, 22, 28, 1][random.int(4)] as number)], expected: { request, data: null, extents: null, errno: -1 } };
  if (command === NbdCommand.READ) {
    const data = Buffer.alloc(length);
    if (!structured) {
      random.bytes(length).copy(data);
      return { messages: [msg.simple(cookie, 0, data)], expected: { request, data, extents: null, errno: null } };
    }
    const messages = shuffle(
      random,
      cuts(random, length, 6).map(([start, end]) => {
        if (random.next() < 0.4) return msg.hole(cookie, offset + start, end - start);
        const bytes = random.bytes(end - start);
        bytes.copy(data, start);
        return msg.data(cookie, offset + start, bytes);
      }),
    );
    let errno: number | null = null;
    if (random.next() < 0.15) {
      errno = 5;
      messages.splice(random.int(messages.length + 1), 0, msg.errorOffset(cookie, 5, offset + random.int(length), 'read failed'));
    }
    if (random.next() < 0.5) messages.push(msg.none(cookie));
    else messages[messages.length - 1] = setDone(messages[messages.length - 1] as Buffer);
    return { messages, expected: { request, data: errno === null ? data : null, extents: null, errno } };
  }
  const extents = new Map<number, Array<{ offset: number; length: number; flags: number }>>();
  const messages: Buffer[] = [];
  for (const id of shuffle(random, [...CONTEXTS.keys()])) {
    const list = cuts(random, length, 5)
      .slice(0, 1 + random.int(5))
      .map(([start, end]) => ({ offset: offset + start, length: end - start, flags: random.int(4) }));
    const last = list[list.length - 1];
    if (last !== undefined && random.next() < 0.3) last.length += 1 + random.int(1000);
    extents.set(id, list);
    messages.push(msg.blockStatus(cookie, id, list.map((e) => [e.length, e.flags] as const)));
  }
  if (random.next() < 0.5) messages.push(msg.none(cookie));
  else messages[messages.length - 1] = setDone(messages[messages.length - 1] as Buffer);
  return { messages, expected: { request, data: null, extents, errno: null } };
}

function setDone(chunk: Buffer): Buffer {
  const copy = Buffer.from(chunk);
  copy.writeUInt16BE(copy.readUInt16BE(4) | 1, 4);
  return copy;
}

/** Several requests and their replies, chunks of different requests interleaved at random (order kept per request). */
function scenario(random: Random, structured: boolean, cookies: number[] | null = null): { expected: Expected[]; stream: Buffer } {
  const count = cookies?.length ?? 1 + random.int(6);
  const expected: Expected[] = [];
  const queues: Buffer[][] = [];
  for (let i = 0; i < count; i++) {
    const command = structured && random.next() < 0.3 ? NbdCommand.BLOCK_STATUS : NbdCommand.READ;
    const request = { cookie: cookies?.[i] ?? 100 + i, command, offset: random.int(1 << 20), length: 1 + random.int(3000) };
    const reply = replyFor(random, request, structured);
    expected.push(reply.expected);
    queues.push(reply.messages);
  }
  const stream: Buffer[] = [];
  while (queues.some((q) => q.length > 0)) {
    const open = queues.filter((q) => q.length > 0);
    stream.push((open[random.int(open.length)] as Buffer[]).shift() as Buffer);
  }
  return { expected, stream: Buffer.concat(stream) };
}

/** Damages a byte stream: truncation, flipped bytes, inserted or overwritten garbage. */
function mutate(random: Random, stream: Buffer): Buffer {
  const copy = Buffer.from(stream);
  switch (random.int(4)) {
    case 0:
      return copy.subarray(0, random.int(copy.length));
    case 1:
      for (let i = 1 + random.int(4); i > 0; i--) copy[random.int(copy.length)] = random.int(256);
      return copy;
    case 2: {
      const at = random.int(copy.length);
      return Buffer.concat([copy.subarray(0, at), random.bytes(1 + random.int(40)), copy.subarray(at)]);
    }
    default: {
      const at = random.int(copy.length);
      random.bytes(Math.min(copy.length - at, 1 + random.int(24))).copy(copy, at);
      return copy;
    }
  }
}

function parserFor(expected: Expected[], structured: boolean): { parser: ReplyParser; completed: PendingRequest[]; pending: Map<number, PendingRequest> } {
  const pending = new Map<number, PendingRequest>();
  for (const { request } of expected) pending.set(request.cookie, new PendingRequest(request.cookie, request.command, request.offset, request.length));
  const completed: PendingRequest[] = [];
  const parser = new ReplyParser(
    {
      lookup: (cookie) => pending.get(cookie),
      complete: (request) => {
        pending.delete(request.cookie);
        completed.push(request);
      },
    },
    { structuredReplies: structured, metaContexts: CONTEXTS },
  );
  return { parser, completed, pending };
}

/** Resolves with the promise's outcome, or fails the test if it has not settled in time. */
async function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('reply parser fuzz', () => {
  it('parses 1500 valid reply streams cut into random pieces exactly', () => {
    for (let seed = 1; seed <= 1500; seed++) {
      const random = prng(seed);
      const structured = random.next() < 0.85;
      const { expected, stream } = scenario(random, structured);
      const { parser, completed } = parserFor(expected, structured);
      for (const piece of rechunk(stream, random, 1 + random.int(100))) parser.push(piece);
      expect(completed.length, `seed ${seed}`).toBe(expected.length);
      for (const item of expected) {
        const got = completed.find((r) => r.cookie === item.request.cookie) as PendingRequest;
        if (item.errno !== null) {
          expect(got.error, `seed ${seed}`).not.toBeNull();
          if (item.errno > 0) expect(got.error?.errno).toBe(item.errno);
        } else {
          expect(got.error, `seed ${seed}`).toBeNull();
          if (item.data !== null) expect(got.target?.equals(item.data), `seed ${seed}`).toBe(true);
          if (item.extents !== null) expect(got.extents, `seed ${seed}`).toEqual(item.extents);
        }
      }
      expect(parser.idle).toBe(true);
    }
  });

  it('meets 4000 damaged or random streams with NbdProtocolError only, allocating bounded buffers', () => {
    // Read buffers are the requests' own (at most 3000 bytes here); anything else the parser allocates must stay
    // under its fixed limits, whatever lengths the bytes claim.
    const limit = Math.max(MAX_BLOCK_STATUS_PAYLOAD, MAX_ERROR_PAYLOAD);
    let largest = 0;
    const realAllocUnsafe = Buffer.allocUnsafe.bind(Buffer);
    vi.spyOn(Buffer, 'allocUnsafe').mockImplementation((size: number) => {
      largest = Math.max(largest, size);
      return realAllocUnsafe(size);
    });
    let protocolErrors = 0;
    for (let seed = 1; seed <= 4000; seed++) {
      const random = prng(seed * 7919);
      const structured = random.next() < 0.85;
      const { expected, stream } = scenario(random, structured);
      const input = random.next() < 0.2 ? random.bytes(random.int(400)) : mutate(random, stream);
      const { parser } = parserFor(expected, structured);
      try {
        for (const piece of rechunk(input, random, 1 + random.int(64))) parser.push(piece);
      } catch (error) {
        expect(error, `seed ${seed}: ${String(error)}`).toBeInstanceOf(NbdProtocolError);
        protocolErrors++;
      }
    }
    expect(largest).toBeGreaterThan(0);
    expect(largest).toBeLessThanOrEqual(limit);
    // The damage is noticed most of the time (a flipped data byte is undetectable, and that is fine).
    expect(protocolErrors).toBeGreaterThan(2000);
  });
});

describe('client fuzz', () => {
  it('settles every request of 300 damaged sessions with typed errors, promptly', async () => {
    const tally = new Map<string, number>();
    for (let seed = 1; seed <= 300; seed++) {
      const random = prng(seed * 104729);
      const structured = random.next() < 0.85;
      const hang = random.next() < 0.1;
      const server = fakeServer();
      const count = 1 + random.int(5);
      void (async () => {
        if ((await serveHandshake(server, { size: 2 << 20, structured, contexts: structured ? { 'base:allocation': 1, 'qemu:dirty-bitmap:bm0': 2 } : {} })) === null) return;
        const requests: ClientRequest[] = [];
        for (let i = 0; i < count; i++) {
          const request = await server.readRequest();
          if (request === null) return;
          requests.push(request);
        }
        // Replies use the cookies the client chose, for the requests in the order the client sent them.
        const real = scenario(prng(seed), structured, requests.map((r) => r.cookie));
        const stream = random.next() < 0.3 ? real.stream : mutate(random, real.stream);
        for (const piece of rechunk(stream, random, 200)) server.write(piece);
        if (!hang) server.serverEnd.end();
      })();
      const client = await within(
        2000,
        connectNbd(
          { kind: 'stream', stream: server.clientEnd },
          { exportName: 'vda', structuredReplies: structured, metaContexts: structured ? ['base:allocation', 'qemu:dirty-bitmap:bm0'] : [], requestTimeoutMs: 100 },
        ),
        `seed ${seed} connect`,
      );
      // The requests mirror the ones the replies are generated for (same PRNG seed, same order).
      const requests = scenario(prng(seed), structured, Array.from({ length: count }, () => 0)).expected.map(({ request }) =>
        request.command === NbdCommand.READ ? client.read(request.offset, request.length) : client.blockStatus(request.offset, request.length),
      );
      const outcomes = await within(2000, Promise.allSettled(requests), `seed ${seed} requests`);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') {
          expect(outcome.reason, `seed ${seed}: ${String(outcome.reason)}`).toBeInstanceOf(NbdError);
          const name = (outcome.reason as Error).name;
          tally.set(name, (tally.get(name) ?? 0) + 1);
        } else {
          tally.set('ok', (tally.get('ok') ?? 0) + 1);
        }
      }
      client.destroy();
    }
    // Every kind of outcome occurs: answers, server errors, broken streams, hang-ups and silence.
    expect(tally.get('ok')).toBeGreaterThan(100);
    for (const name of ['NbdServerError', 'NbdProtocolError', 'NbdConnectionError', 'NbdTimeoutError']) expect(tally.get(name), name).toBeGreaterThan(0);
  }, 60_000);

  it('settles 600 damaged or random handshakes with typed errors, promptly', async () => {
    // The bytes a server sends for a session that selects two contexts: greeting, then the replies to
    // NBD_OPT_STRUCTURED_REPLY, NBD_OPT_SET_META_CONTEXT and NBD_OPT_GO.
    const good = Buffer.concat([
      msg.greeting(3),
      msg.optionReply(8, 1),
      msg.optionReply(10, 4, msg.metaContext(1, 'base:allocation')),
      msg.optionReply(10, 4, msg.metaContext(2, 'qemu:dirty-bitmap:bm0')),
      msg.optionReply(10, 1),
      msg.optionReply(7, 3, msg.infoExport(1 << 20, 3)),
      msg.optionReply(7, 3, msg.infoBlockSize(1, 4096, 1 << 25)),
      msg.optionReply(7, 1),
    ]);
    const tally = new Map<string, number>();
    for (let seed = 1; seed <= 600; seed++) {
      const random = prng(seed * 15485863);
      const server = fakeServer();
      const bytes = random.next() < 0.15 ? random.bytes(random.int(200)) : mutate(random, good);
      for (const piece of rechunk(bytes, random, 50)) server.write(piece);
      const hang = random.next() < 0.1;
      if (!hang) server.serverEnd.end();
      const outcome = await within(
        2000,
        connectNbd({ kind: 'stream', stream: server.clientEnd }, { exportName: 'vda', metaContexts: ['base:allocation', 'qemu:dirty-bitmap:bm0'], connectTimeoutMs: 100 }).then(
          (client) => ({ client, error: null }),
          (error: unknown) => ({ client: null, error }),
        ),
        `seed ${seed} handshake`,
      );
      if (outcome.client !== null) {
        tally.set('ok', (tally.get('ok') ?? 0) + 1);
        outcome.client.destroy();
      } else {
        const error = outcome.error;
        expect(error, `seed ${seed}: ${String(error)}`).toBeInstanceOf(NbdError);
        const name = error instanceof NbdConnectionError ? `${error.name}:${error.kind}` : (error as Error).name;
        tally.set(name, (tally.get(name) ?? 0) + 1);
      }
    }
    for (const name of ['ok', 'NbdProtocolError:protocol', 'NbdConnectionError:closed', 'NbdConnectionError:connect-timeout', 'NbdNegotiationError']) {
      expect(tally.get(name), name).toBeGreaterThan(0);
    }
  }, 60_000);
});
