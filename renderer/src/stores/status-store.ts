// Short status messages for the window's live region ("Theme set to Dark."). Each announcement gets a new id so
// the same text said twice is rendered as a new node and read out again by screen readers.
import { createStore, type StoreApi } from 'zustand/vanilla';

export interface Announcement {
  id: number;
  text: string;
}

export interface StatusState {
  announcement: Announcement | null;
  announce(text: string): void;
  /** Clears the message, but only if it is still the one with this id (a newer one stays). */
  clear(id: number): void;
}

export type StatusStore = StoreApi<StatusState>;

export function createStatusStore(): StatusStore {
  let nextId = 1;
  return createStore<StatusState>()((set, get) => ({
    announcement: null,
    announce(text) {
      set({ announcement: { id: nextId++, text } });
    },
    clear(id) {
      if (get().announcement?.id === id) set({ announcement: null });
    },
  }));
}
