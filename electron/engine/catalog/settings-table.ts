import { DEFAULT_SETTINGS, settingsSchema, type Settings, type SettingsPatch } from '../../../shared/model/settings.js';
import type { Catalog } from './catalog.js';

/** User settings, one row per key; unknown or unreadable stored values fall back to the defaults. */
export function readSettings(catalog: Catalog): Settings {
  const rows = catalog.db.prepare('SELECT key, value FROM settings').all() as { key: string; value: string }[];
  const stored: Record<string, unknown> = {};
  for (const row of rows) {
    try {
      stored[row.key] = JSON.parse(row.value) as unknown;
    } catch {
      // A value this version cannot read is ignored rather than making the whole app unusable.
    }
  }
  const merged = { ...DEFAULT_SETTINGS };
  for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[]) {
    const field = settingsSchema.shape[key].safeParse(stored[key]);
    if (field.success) (merged as Record<string, unknown>)[key] = field.data;
  }
  return merged;
}

export function writeSettings(catalog: Catalog, patch: SettingsPatch): Settings {
  const upsert = catalog.db.prepare(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  );
  catalog.db.transaction(() => {
    for (const [key, value] of Object.entries(patch)) {
      if (value !== undefined) upsert.run(key, JSON.stringify(value));
    }
  })();
  return readSettings(catalog);
}

/** The default repository's path, kept beside the settings (the onboarding and settings screens will show it). */
const REPOSITORY_PATH_KEY = 'repository.path';

export function readRepositoryPath(catalog: Catalog): string | null {
  const row = catalog.db.prepare('SELECT value FROM settings WHERE key = ?').get(REPOSITORY_PATH_KEY) as { value: string } | undefined;
  if (!row) return null;
  const value = JSON.parse(row.value) as unknown;
  return typeof value === 'string' && value !== '' ? value : null;
}

export function writeRepositoryPath(catalog: Catalog, path: string): void {
  catalog.db
    .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
    .run(REPOSITORY_PATH_KEY, JSON.stringify(path));
}
