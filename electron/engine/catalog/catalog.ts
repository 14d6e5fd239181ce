// The catalog: a SQLite database (WAL) in the data folder holding clusters, jobs and settings, and, from later
// migrations, a cache of what the repositories hold. Opening runs pending migrations; a catalog written by a newer
// Lifeboat is refused before anything in it is touched.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { MIGRATIONS, LATEST_SCHEMA_VERSION } from './migrations.js';
import type { Logger } from '../logging/logger.js';

/** `PRAGMA application_id` of a Lifeboat catalog ("LFBT"): tells our database from any other SQLite file. */
export const CATALOG_APPLICATION_ID = 0x4c464254;
export const CATALOG_FILE_NAME = 'catalog.db';

export type CatalogErrorCode = 'catalog_too_new' | 'catalog_foreign' | 'catalog_unreadable';

export class CatalogError extends Error {
  readonly code: CatalogErrorCode;
  constructor(code: CatalogErrorCode, message: string) {
    super(message);
    this.name = 'CatalogError';
    this.code = code;
  }
}

export interface CatalogOptions {
  logger: Logger;
  /** Path of a better-sqlite3 binary built for this runtime (Electron's ABI differs from Node's). */
  nativeBinding?: string;
}

export interface Catalog {
  readonly db: Database.Database;
  readonly file: string;
  readonly schemaVersion: number;
  close(): void;
}

function driverOptions(options: CatalogOptions, extra: Database.Options = {}): Database.Options {
  return options.nativeBinding ? { ...extra, nativeBinding: options.nativeBinding } : extra;
}

/** Reads the header facts without writing anything: the file may belong to a newer Lifeboat, or to nobody. */
function inspectExisting(file: string, options: CatalogOptions): { userVersion: number; applicationId: number; tables: number } {
  let probe: Database.Database;
  try {
    probe = new Database(file, driverOptions(options, { readonly: true, fileMustExist: true }));
  } catch (error) {
    throw new CatalogError('catalog_unreadable', `Cannot open the catalog ${file}: ${(error as Error).message}`);
  }
  try {
    return {
      userVersion: probe.pragma('user_version', { simple: true }) as number,
      applicationId: probe.pragma('application_id', { simple: true }) as number,
      tables: (probe.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n,
    };
  } catch (error) {
    throw new CatalogError('catalog_unreadable', `The catalog ${file} is not a readable SQLite database: ${(error as Error).message}`);
  } finally {
    probe.close();
  }
}

export function openCatalog(file: string, options: CatalogOptions): Catalog {
  if (existsSync(file)) {
    const found = inspectExisting(file, options);
    if (found.userVersion > LATEST_SCHEMA_VERSION) {
      throw new CatalogError(
        'catalog_too_new',
        `The catalog ${file} has schema version ${found.userVersion}, written by a newer Lifeboat; ` +
          `this version understands up to ${LATEST_SCHEMA_VERSION}. Update Lifeboat, or choose another data folder. Nothing was changed.`,
      );
    }
    const empty = found.userVersion === 0 && found.tables === 0;
    if (!empty && found.applicationId !== CATALOG_APPLICATION_ID) {
      throw new CatalogError('catalog_foreign', `${file} is a SQLite database, but not a Lifeboat catalog. Nothing was changed.`);
    }
  }

  const db = new Database(file, driverOptions(options));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    const current = db.pragma('user_version', { simple: true }) as number;
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      // Each migration and its version bump commit together: a crash leaves the catalog at the previous version.
      db.transaction(() => {
        db.exec(migration.sql);
        db.pragma(`application_id = ${CATALOG_APPLICATION_ID}`);
        db.pragma(`user_version = ${migration.version}`);
      })();
      options.logger.info('catalog migrated', { version: migration.version, summary: migration.summary });
    }
  } catch (error) {
    db.close();
    throw error;
  }
  return {
    db,
    file,
    schemaVersion: db.pragma('user_version', { simple: true }) as number,
    close: () => db.close(),
  };
}
