// What the router does so that no handler, snapshot or filter can leak a secret or take a connection down: secrets
// masked in everything it sends, snapshots held to the contract, throwing providers and filters contained, and
// envelopes without params or filter judged by the method's own schema. Over every transport.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createIpcClient, type IpcClient } from '../../shared/ipc/client.js';
import { defineContract, defineMethod, defineTopic } from '../../shared/ipc/contract-kit.js';
import { IpcError } from '../../shared/ipc/errors.js';
import type { ClientTransport } from '../../shared/ipc/wire.js';
import { createIpcRouter, type IpcRouter } from '../../electron/engine/ipc/router.js';
import { forgetKnownSecrets, rememberSecret } from '../../electron/engine/logging/known-secrets.js';
import { createMemoryLogger } from '../support/logger.js';
import { ALL_TRANSPORTS, type TransportHarness } from './transports.js';

const contract = defineContract({
  methods: {
    'h.echo': defineMethod({
      summary: 'Returns the text it is given, in a free-text field and in an enum field.',
      params: z.object({ text: z.string(), mode: z.enum(['password', 'key']).default('key'), secret: z.string().optional() }).strict(),
      result: z.object({ text: z.string(), mode: z.enum(['password', 'key']) }),
    }),
    'h.fail': defineMethod({
      summary: 'Throws an IpcError whose message holds the text.',
      params: z.object({ text: z.string() }).strict(),
      result: z.null(),
    }),
    'h.publish': defineMethod({ summary: 'Publishes one event.', params: z.object({ text: z.string() }).strict(), result: z.null() }),
  },
  topics: {
    'h.news': defineTopic({
      summary: 'Text events; the snapshot is scripted by the test.',
      filter: z.object({ key: z.string().optional() }).strict(),
      payload: z.object({ text: z.string() }),
      matches: (filter) => {
        if (filter.key === 'throw') throw new Error('filter failed');
        return true;
      },
    }),
  },
});

const PASSWORD = 'router-test-password-7f3a';

describe.each(ALL_TRANSPORTS)('router hardening over the $name transport', (kind) => {
  let harness: TransportHarness;
  let router: IpcRouter<typeof contract>;
  let transport: ClientTransport;
  let client: IpcClient<typeof contract>;
  let snapshot: () => unknown[];
  let memory: ReturnType<typeof createMemoryLogger>;
  /** Every raw message the client received. */
  let received: string[];

  beforeEach(async () => {
    forgetKnownSecrets();
    memory = createMemoryLogger();
    snapshot = () => [];
    router = createIpcRouter(
      contract,
      {
        'h.echo': ({ text, mode }) => ({ text, mode }),
        'h.fail': ({ text }) => {
          throw new IpcError('unavailable', `cannot reach ${text}`);
        },
        'h.publish': ({ text }) => {
          router.publish('h.news', { text });
          return null;
        },
      },
      { logger: memory.logger, snapshots: { 'h.news': () => snapshot() as { text: string }[] } },
    );
    harness = await kind.start(router.connect, memory.logger);
    transport = harness.openClient();
    received = [];
    transport.onMessage((message) => received.push(JSON.stringify(message)));
    client = createIpcClient(contract, transport);
  });

  afterEach(async () => {
    client.close();
    await harness.close();
    router.close();
    forgetKnownSecrets();
  });

  it('masks a secret the caller sent in a secret-named field wherever the engine would send it back', async () => {
    const events: string[] = [];
    client.subscribe('h.news', {}, (p) => events.push(p.text));
    expect(await client.call('h.echo', { text: `free ${PASSWORD} text`, secret: PASSWORD })).toEqual({ text: 'free [redacted] text', mode: 'key' });
    const error = await client.call('h.fail', { text: `host with ${PASSWORD}` }).catch((e: unknown) => e as IpcError);
    expect(error).toMatchObject({ code: 'unavailable', message: 'cannot reach host with [redacted]' });
    await client.call('h.publish', { text: `event ${PASSWORD}` });
    await expect.poll(() => events, { timeout: 5000 }).toEqual(['event [redacted]']);
    expect(received.join('\n')).not.toContain(PASSWORD);
  });

  it('masks passwords in URLs in errors, results and events, with no secret known beforehand', async () => {
    const url = 'qemu+ssh://root:hunter2-url@kvm1/system';
    expect(await client.call('h.echo', { text: url })).toEqual({ text: 'qemu+ssh://root:[redacted]@kvm1/system', mode: 'key' });
    const error = await client.call('h.fail', { text: url }).catch((e: unknown) => e as IpcError);
    expect(error).toMatchObject({ message: 'cannot reach qemu+ssh://root:[redacted]@kvm1/system' });
    expect(received.join('\n')).not.toContain('hunter2-url');
  });

  it('leaves a value the contract fixes (an enum word) even when it equals a secret, and masks the rest', async () => {
    rememberSecret('password');
    expect(await client.call('h.echo', { text: 'my password is password', mode: 'password' })).toEqual({
      text: 'my [redacted] is [redacted]',
      mode: 'password',
    });
  });

  it('holds snapshots to the contract: an invalid one is not sent, a throwing provider does not refuse the subscription', async () => {
    const seen: string[] = [];
    snapshot = () => [{ text: 'good' }, { text: 42 }, { text: `snap ${'x'} qemu://u:pw-in-snapshot@h/` }];
    client.subscribe('h.news', {}, (p) => seen.push(p.text));
    await client.call('h.echo', { text: 'sync' });
    await expect.poll(() => seen, { timeout: 5000 }).toEqual(['good', 'snap x qemu://u:[redacted]@h/']);
    expect(memory.records.some((r) => r.level === 'error' && r.message.includes('does not match the contract'))).toBe(true);

    snapshot = () => {
      throw new Error('provider broke');
    };
    const errors: IpcError[] = [];
    client.subscribe('h.news', {}, (p) => seen.push(p.text), { onError: (e) => errors.push(e) });
    await client.call('h.publish', { text: 'after' });
    await expect.poll(() => seen.filter((t) => t === 'after'), { timeout: 5000 }).toHaveLength(2);
    expect(errors).toEqual([]);
  });

  it('keeps delivering to other subscriptions when a filter throws', async () => {
    const seen: string[] = [];
    client.subscribe('h.news', { key: 'throw' }, () => seen.push('never'));
    client.subscribe('h.news', {}, (p) => seen.push(p.text));
    await client.call('h.publish', { text: 'one' });
    await expect.poll(() => seen, { timeout: 5000 }).toEqual(['one']);
    expect(await client.call('h.echo', { text: 'still here' })).toMatchObject({ text: 'still here' });
  });

  it('judges an envelope without params or filter by the schema, and answers a malformed subscription as one', async () => {
    transport.send({ t: 'call', id: 'np', method: 'h.echo' } as never);
    transport.send({ t: 'sub', id: 'nf', topic: 'h.news' } as never);
    transport.send({ t: 'sub', id: 'bad', topic: 42 } as never);
    await expect.poll(() => received.length, { timeout: 5000 }).toBeGreaterThanOrEqual(3);
    const replies = received.map((r) => JSON.parse(r) as { t: string; id: string; ok: boolean; error?: { code: string; message: string } });
    expect(replies.find((r) => r.id === 'np')).toMatchObject({ t: 'result', ok: false, error: { code: 'invalid_params', message: expect.stringContaining('text') } });
    expect(replies.find((r) => r.id === 'nf')).toMatchObject({ t: 'subscribed', ok: true });
    expect(replies.find((r) => r.id === 'bad')).toMatchObject({ t: 'subscribed', ok: false, error: { code: 'invalid_message' } });
  });
});
