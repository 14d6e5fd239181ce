import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CATALOG_APPLICATION_ID, CatalogError, openCatalog } from '../../../electron/engine/catalog/catalog.js';
import { LATEST_SCHEMA_VERSION } from '../../../electron/engine/catalog/migrations.js';
import { readSettings, writeSettings } from '../../../electron/engine/catalog/settings-table.js';
import { DEFAULT_SETTINGS } from '../../../shared/model/settings.js';
import { createMemoryLogger } from '../../support/logger.js';
import { makeTempDir } from '../../support/temp.js';

describe('catalog', () => {
  let temp: ReturnType<typeof makeTempDir>;
  let file: string;
  beforeEach(() => {
    temp = makeTempDir('catalog');
    file = join(temp.dir, 'catalog.db');
  });
  afterEach(() => temp.remove());

  it('creates a WAL database at the latest schema version, marked as a Lifeboat catalog', () => {
    const { logger, records } = createMemoryLogger();
    const catalog = openCatalog(file, { logger });
    expect(catalog.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    expect(catalog.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(catalog.db.pragma('application_id', { simple: true })).toBe(CATALOG_APPLICATION_ID);
    expect(records.some((r) => r.message === 'catalog migrated')).toBe(true);
    catalog.close();
    // Opening again applies nothing new.
    const again = createMemoryLogger();
    openCatalog(file, { logger: again.logger }).close();
    expect(again.records.some((r) => r.message === 'catalog migrated')).toBe(false);
  });

  it('refuses a catalog from a newer version with a clear error and leaves the file byte-identical', () => {
    const db = new Database(file);
    db.pragma(`application_id = ${CATALOG_APPLICATION_ID}`);
    db.exec('CREATE TABLE future_things (x INTEGER)');
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    db.close();
    const before = readFileSync(file);
    let error: unknown;
    try {
      openCatalog(file, { logger: createMemoryLogger().logger });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CatalogError);
    expect((error as CatalogError).code).toBe('catalog_too_new');
    expect((error as Error).message).toMatch(/newer Lifeboat.*Nothing was changed/);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('refuses a SQLite file that is not a Lifeboat catalog, and a file that is not SQLite', () => {
    const db = new Database(file);
    db.exec('CREATE TABLE customers (id INTEGER)');
    db.close();
    expect(() => openCatalog(file, { logger: createMemoryLogger().logger })).toThrow(/not a Lifeboat catalog/);
    const junk = join(temp.dir, 'junk.db');
    writeFileSync(junk, 'this is not a database at all, just some text that is long enough to have a header');
    expect(() => openCatalog(junk, { logger: createMemoryLogger().logger })).toThrow(CatalogError);
  });

  it('keeps settings, with defaults for what was never set', () => {
    const catalog = openCatalog(file, { logger: createMemoryLogger().logger });
    expect(readSettings(catalog)).toEqual(DEFAULT_SETTINGS);
    expect(writeSettings(catalog, { language: 'ja', concurrency: { global: 8, perHost: 1, perCluster: 4 } })).toEqual({
      ...DEFAULT_SETTINGS,
      language: 'ja',
      concurrency: { global: 8, perHost: 1, perCluster: 4 },
    });
    catalog.db.prepare("INSERT INTO settings (key, value) VALUES ('theme', '\"neon\"')").run();
    catalog.db.prepare("UPDATE settings SET value = '{\"global\": 0}' WHERE key = 'concurrency'").run();
    // A stored value this version cannot read falls back to the default instead of breaking the app.
    expect(readSettings(catalog)).toEqual({ ...DEFAULT_SETTINGS, language: 'ja' });
    catalog.close();
  });
});
