import { describe, expect, it } from 'vitest';
import { IpcError } from '../../../shared/ipc/errors.js';
import { createLatestCall } from './latest-call.js';
import { toStoreError } from './store-error.js';

describe('toStoreError', () => {
  it('keeps the engine\'s reason with the code and message', () => {
    expect(toStoreError(new IpcError('conflict', 'kvm2 already has a VM named web', 'name_taken'))).toEqual({
      code: 'conflict',
      message: 'kvm2 already has a VM named web',
      reason: 'name_taken',
    });
    expect(toStoreError(IpcError.fromValue({ code: 'unavailable', message: 'no room', reason: 'no_space' }))).toMatchObject({ reason: 'no_space' });
  });

  it('has no reason for an error without one, nor for a renderer-side throw', () => {
    expect(toStoreError(new IpcError('timeout', 'slow'))).toEqual({ code: 'timeout', message: 'slow' });
    expect(toStoreError(new Error('oops'))).toEqual({ code: 'internal', message: 'oops' });
  });

  it('keeps the reason through a latest call', async () => {
    const call = createLatestCall();
    const outcome = await call.run(() => Promise.reject(new IpcError('unavailable', 'pool off', 'pool_inactive')));
    expect(outcome).toEqual({ kind: 'failed', error: { code: 'unavailable', message: 'pool off', reason: 'pool_inactive' } });
  });
});
