/**
 * Backups of the embedded store: the SQLite database, copied with SQLite's online backup API (a consistent
 * snapshot while Pave keeps running), and the rest of the data folder (the hosted git repositories, the
 * destinations' working copies), in one gzipped tar with a manifest.
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { create as createTar, extract as extractTar } from 'tar';
import { conflict, invalidInput, notFound } from '../core/problem.js';

/** The database file in the data folder, and its companions that a copy must not take. */
const DATABASE = 'pave.db';
const DATABASE_FILES = new Set([DATABASE, `${DATABASE}-wal`, `${DATABASE}-shm`, `${DATABASE}-journal`]);
const MANIFEST = 'pave-backup.json';
const FORMAT = 'pave-backup/1';

/** What a backup holds, as written in its manifest. */
export interface BackupManifest {
  format: typeof FORMAT;
  createdAt: string;
  /** The migrations applied to the database when it was copied. */
  migrations: string[];
  /** The data folder's entries beside the database (`git`, …). */
  files: string[];
}

/**
 * Writes a backup of the data folder to `file` (`.tar.gz`): the database through the online backup API, so
 * Pave may keep serving, then the other entries of the folder. The archive appears only once complete.
 * @example await backupSqlite('.pave', 'pave-2026-12-06.tar.gz') // { migrations: [...], files: ['git'] }
 */
export async function backupSqlite(dataDir: string, file: string): Promise<BackupManifest & { file: string; bytes: number }> {
  const database = join(dataDir, DATABASE);
  if (!existsSync(database)) throw notFound(`There is no Pave database at ${database}: nothing to back up (is dataDir right?)`);
  const target = resolve(file);
  await mkdir(dirname(target), { recursive: true });
  const staging = await mkdtemp(join(dirname(target), '.pave-backup-'));
  try {
    const source = new SqliteDatabase(database, { fileMustExist: true });
    try {
      await source.backup(join(staging, DATABASE));
    } finally {
      source.close();
    }
    const migrations = appliedMigrations(join(staging, DATABASE));
    const files = (await readdir(dataDir)).filter(name => !DATABASE_FILES.has(name) && !name.startsWith('.pave-backup-')).sort();
    await mkdir(join(staging, 'data'));
    for (const name of files) await cp(join(dataDir, name), join(staging, 'data', name), { recursive: true, verbatimSymlinks: true });
    const manifest: BackupManifest = { format: FORMAT, createdAt: new Date().toISOString(), migrations, files };
    await writeFile(join(staging, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    const partial = `${target}.partial`;
    await createTar({ gzip: true, portable: true, file: partial, cwd: staging }, [MANIFEST, DATABASE, 'data']);
    await rename(partial, target);
    return { ...manifest, file: target, bytes: (await stat(target)).size };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Restores a backup into `dataDir` while Pave is stopped. Refuses a backup whose database a newer Pave
 * migrated (`knownMigrations` are this build's), and a data folder that holds data unless `force`; the data
 * folder it replaces is kept beside it as `<dataDir>.before-restore-<time>`.
 * @example await restoreSqlite('pave-2026-12-06.tar.gz', '.pave', { knownMigrations, force: true })
 */
export async function restoreSqlite(file: string, dataDir: string, options: { knownMigrations: readonly string[]; force?: boolean }): Promise<BackupManifest & { previous?: string }> {
  if (!existsSync(file)) throw notFound(`There is no backup at ${file}`);
  const target = resolve(dataDir);
  await mkdir(dirname(target), { recursive: true });
  const staging = await mkdtemp(join(dirname(target), `.${basename(target)}.restore-`));
  try {
    // Only plain files and folders: a backup never holds links or devices, and a crafted one gets nothing else written.
    await extractTar({ file, cwd: staging, strict: true, filter: (_path, entry) => 'type' in entry && (entry.type === 'File' || entry.type === 'Directory') });
    const manifest = await readManifest(join(staging, MANIFEST));
    if (!existsSync(join(staging, DATABASE))) throw invalidInput(`${file} holds no ${DATABASE}`, [{ pointer: '/file', detail: `must be a backup written by pave backup (it holds no ${DATABASE})` }]);
    const known = new Set(options.knownMigrations);
    const newer = appliedMigrations(join(staging, DATABASE)).filter(name => !known.has(name));
    if (newer.length) {
      throw conflict(`The backup was taken from a newer Pave (migrations ${newer.join(', ')} are unknown to this build): restore it with that version or newer`);
    }
    const present = existsSync(target) ? await readdir(target) : [];
    if (present.length && !options.force) throw conflict(`${target} holds data: stop Pave, then restore with --force (the folder is kept as ${basename(target)}.before-restore-…)`);
    let previous: string | undefined;
    if (existsSync(target)) {
      previous = `${target}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      await rename(target, previous);
    }
    await mkdir(join(staging, 'data'), { recursive: true }); // an archive of a folder that held the database alone has none
    await rename(join(staging, 'data'), target);
    await rename(join(staging, DATABASE), join(target, DATABASE));
    if (previous && !present.length) {
      await rm(previous, { recursive: true, force: true });
      previous = undefined;
    }
    return { ...manifest, ...(previous ? { previous } : {}) };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** The migrations applied to a SQLite database file (none for a file without Pave's migration table). */
function appliedMigrations(file: string): string[] {
  const db = new SqliteDatabase(file, { readonly: true, fileMustExist: true });
  try {
    const table = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'kysely_migration'").get();
    if (!table) return [];
    return (db.prepare('SELECT name FROM kysely_migration ORDER BY name').all() as Array<{ name: string }>).map(row => row.name);
  } finally {
    db.close();
  }
}

async function readManifest(path: string): Promise<BackupManifest> {
  const text = existsSync(path) ? await readFile(path, 'utf8') : '';
  let manifest: Partial<BackupManifest> | undefined;
  try {
    manifest = JSON.parse(text) as Partial<BackupManifest>;
  } catch {
    manifest = undefined;
  }
  if (manifest?.format !== FORMAT) throw invalidInput(`Not a Pave backup (no ${MANIFEST} of format ${FORMAT})`, [{ pointer: '/file', detail: `must be a backup written by pave backup` }]);
  return manifest as BackupManifest;
}
