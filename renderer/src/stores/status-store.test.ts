import { describe, expect, it } from 'vitest';
import { createStatusStore } from './status-store.js';

describe('status store', () => {
  it('gives every announcement a new id, even for the same text', () => {
    const store = createStatusStore();
    store.getState().announce('Theme set to Dark.');
    const first = store.getState().announcement;
    store.getState().announce('Theme set to Dark.');
    const second = store.getState().announcement;
    expect(first?.text).toBe('Theme set to Dark.');
    expect(second?.text).toBe('Theme set to Dark.');
    expect(second?.id).not.toBe(first?.id);
  });

  it('clears only the announcement it was asked to', () => {
    const store = createStatusStore();
    store.getState().announce('one');
    const oneId = store.getState().announcement?.id ?? -1;
    store.getState().announce('two');
    store.getState().clear(oneId);
    expect(store.getState().announcement?.text).toBe('two');
    store.getState().clear(store.getState().announcement?.id ?? -1);
    expect(store.getState().announcement).toBeNull();
  });
});
