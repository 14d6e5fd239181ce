// The theme setting reaches CSS as `data-theme` on the root element: `light` and `dark` force a color scheme,
// `system` (or no attribute, before the settings arrive) lets `prefers-color-scheme` decide. See styles.css.
import { useEffect } from 'react';
import { useStore } from 'zustand';
import type { Settings } from '../../shared/model/settings.js';
import { useStores } from './stores/index.js';

export function applyTheme(root: HTMLElement, theme: Settings['theme']): void {
  root.dataset['theme'] = theme;
}

export function useDocumentTheme(): void {
  const { settings } = useStores();
  const theme = useStore(settings, (state) => state.settings?.theme ?? null);
  useEffect(() => {
    if (theme !== null) applyTheme(document.documentElement, theme);
  }, [theme]);
}
