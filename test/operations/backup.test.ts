/**
 * `pave backup` / `pave restore` on the embedded store: a backup taken while the app runs, changes made
 * after it, a restore, and the data as it was (database and hosted git repositories); a backup from a newer
 * Pave and a non-empty data folder without --force are refused.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { create as createTar, extract as extractTar, list as listTar } from 'tar';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { defaultConfig, type PaveConfig } from '../../src/pave-config.js';
import { createApp, type PaveApp } from '../../src/app.js';
import { createLogger } from '../../src/core/logger.js';
import { moduleMigrations } from '../../src/modules.js';
import { storeMigrations } from '../../src/store/migrations/index.js';
import { backupSqlite, restoreSqlite } from '../../src/operations/sqlite-backup.js';
import { backupCommands } from '../../src/cli/backup-commands.js';
import type { Output } from '../../src/cli/output.js';

const root = mkdtempSync(join(tmpdir(), 'pave-backup-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const dataDir = join(root, 'data');
const config: PaveConfig = { ...defaultConfig(), dataDir, logLevel: 'silent' };
const knownMigrations = [...storeMigrations, ...moduleMigrations()].map(m => m.name);
const open = () => createApp(config, { logger: createLogger('silent') });
const component = (name: string) => ({ apiVersion: 'backstage.io/v1alpha1', kind: 'Component', metadata: { name }, spec: { type: 'service', lifecycle: 'production', owner: 'team-a' } });
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, stdio: 'pipe', encoding: 'utf8' });
const names = async (app: PaveApp) => (await app.catalog.entities.list({})).map(e => e.metadata.name).sort();

describe('backup and restore of the embedded store', () => {
  it('backs up while the app runs, and a restore brings back the data and the git repositories as they were', async () => {
    const app = await open();
    await app.catalog.saveEntity(component('kept-service'));
    const repo = join(dataDir, 'git', 'demo.git');
    git(root, 'init', '--quiet', '--bare', '-b', 'main', repo);
    const archive = join(root, 'backups', 'pave.tar.gz');
    const written = await backupSqlite(dataDir, archive);
    expect(written).toMatchObject({ format: 'pave-backup/1', files: ['git'] });
    expect(written.migrations).toEqual([...knownMigrations].sort());
    // Changes after the backup: one entity more, one repository less.
    await app.catalog.saveEntity(component('added-later'));
    rmSync(repo, { recursive: true });
    expect(await names(app)).toEqual(['added-later', 'kept-service']);
    await app.close();

    await expect(restoreSqlite(archive, dataDir, { knownMigrations })).rejects.toMatchObject({ status: 409, message: expect.stringContaining('holds data: stop Pave, then restore with --force') });
    const restored = await restoreSqlite(archive, dataDir, { knownMigrations, force: true });
    expect(restored.previous).toMatch(/data\.before-restore-/);
    expect(existsSync(join(restored.previous!, 'pave.db'))).toBe(true);
    const back = await open();
    try {
      expect(await names(back)).toEqual(['kept-service']);
      expect(git(repo, 'rev-parse', '--is-bare-repository').trim()).toBe('true');
    } finally {
      await back.close();
    }
  });

  it('refuses a backup taken from a newer Pave', async () => {
    const app = await open();
    await sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('9999-from-the-future', '2030-01-01T00:00:00.000Z')`.execute(app.store.db);
    const archive = join(root, 'newer.tar.gz');
    await backupSqlite(dataDir, archive);
    await sql`DELETE FROM kysely_migration WHERE name = '9999-from-the-future'`.execute(app.store.db);
    await app.close();
    const target = join(root, 'elsewhere');
    await expect(restoreSqlite(archive, target, { knownMigrations })).rejects.toMatchObject({ status: 409, message: expect.stringContaining('newer Pave (migrations 9999-from-the-future are unknown to this build)') });
    expect(existsSync(target)).toBe(false);
    expect(readdirSync(root).filter(name => name.includes('.restore-'))).toEqual([]);
  });

  it('restores no link from a crafted archive (a link could point the data folder anywhere)', async () => {
    const crafted = join(root, 'crafted');
    mkdirSync(join(crafted, 'data'), { recursive: true });
    await extractTar({ file: join(root, 'backups', 'pave.tar.gz'), cwd: crafted });
    symlinkSync('/etc', join(crafted, 'data', 'etc-link'));
    writeFileSync(join(crafted, 'data', 'plain.txt'), 'kept\n');
    const archive = join(root, 'crafted.tar.gz');
    await createTar({ gzip: true, file: archive, cwd: crafted }, readdirSync(crafted));
    const types: string[] = [];
    await listTar({ file: archive, onReadEntry: entry => void types.push(`${entry.type} ${entry.path}`) });
    expect(types).toContain('SymbolicLink data/etc-link');
    const target = join(root, 'crafted-restore');
    await restoreSqlite(archive, target, { knownMigrations });
    expect(readdirSync(target).sort()).toEqual(['git', 'pave.db', 'plain.txt']);
    expect(lstatSync(join(target, 'plain.txt')).isFile()).toBe(true);
  });

  it('pave backup and pave restore are commands over the configured data folder (run in this process)', async () => {
    const file = join(root, 'pave.config.yaml');
    writeFileSync(file, `dataDir: ${JSON.stringify(dataDir)}\n`);
    const printed: unknown[] = [];
    const output = (): Output => ({ json: true, result: value => void printed.push(value), progress: () => undefined, done: () => undefined });
    const [backup, restore] = backupCommands(output, () => ({ json: true, config: file }));
    await backup!.parseAsync(['node', 'backup', join(root, 'cli.tar.gz')]);
    await restore!.parseAsync(['node', 'restore', join(root, 'cli.tar.gz'), '--force']);
    expect(printed).toMatchObject([{ format: 'pave-backup/1', file: join(root, 'cli.tar.gz'), files: ['git'] }, { format: 'pave-backup/1', previous: expect.stringContaining('before-restore') }]);
    writeFileSync(file, `dataDir: ${JSON.stringify(dataDir)}\ndatabaseUrl: postgres://127.0.0.1:1/pave\n`);
    await expect(backupCommands(output, () => ({ json: true, config: file }))[0]!.parseAsync(['node', 'backup', join(root, 'pg.tar.gz')])).rejects.toThrow(/pg_dump/);
  });
});
