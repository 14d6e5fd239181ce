// A small contract used only by the contract suite, for what the app's contract cannot show on demand: a call
// that runs until cancelled, handlers that fail in each way, a topic with a filter and a snapshot.
import { z } from 'zod';
import { defineContract, defineMethod, defineTopic } from '../../shared/ipc/contract-kit.js';

export const testContract = defineContract({
  methods: {
    'test.waitForCancel': defineMethod({ summary: 'Resolves only when its signal aborts.', params: z.object({}).strict(), result: z.null() }),
    'test.fail': defineMethod({
      summary: 'Throws: a plain Error, an IpcError, or returns a result that breaks the contract.',
      params: z.object({ how: z.enum(['plain', 'not_found', 'bad_result']) }).strict(),
      result: z.object({ ok: z.boolean() }),
    }),
    'test.emit': defineMethod({
      summary: 'Publishes one `test.ticks` event.',
      params: z.object({ key: z.string(), n: z.number().int() }).strict(),
      result: z.null(),
    }),
  },
  topics: {
    'test.ticks': defineTopic({
      summary: 'Ticks of one key.',
      filter: z.object({ key: z.string() }).strict(),
      payload: z.object({ key: z.string(), n: z.number().int() }),
      matches: (filter, payload) => filter.key === payload.key,
    }),
  },
});
export type TestContract = typeof testContract;
