// The window's polite live region: short confirmations ("Theme set to Dark.") are read out by screen readers and
// shown in the status bar for a few seconds.
import { useEffect, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { useStores } from '../stores/index.js';

/** Long enough to read a short sentence; the region keeps nothing stale around afterwards. */
const VISIBLE_MS = 6000;

export function StatusRegion(): ReactNode {
  const { status } = useStores();
  const announcement = useStore(status, (state) => state.announcement);
  const clear = useStore(status, (state) => state.clear);
  useEffect(() => {
    if (announcement === null) return;
    const timer = setTimeout(() => clear(announcement.id), VISIBLE_MS);
    return () => clearTimeout(timer);
  }, [announcement, clear]);
  return (
    <div className="status-bar" role="status" aria-live="polite">
      {announcement ? <span key={announcement.id}>{announcement.text}</span> : null}
    </div>
  );
}
