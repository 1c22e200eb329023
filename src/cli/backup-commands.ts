import { resolve } from 'node:path';
import { Command } from 'commander';
import { loadConfig } from '../pave-config.js';
import { badRequest } from '../core/problem.js';
import type { Output } from './output.js';
import type { GlobalOptions } from './context.js';

const ON_POSTGRES = 'Pave stores its data in PostgreSQL here: back it up with pg_dump and restore with pg_restore (docs/operating.md, "Backups")';

/**
 * `pave backup <file>` and `pave restore <file>`: the embedded store (SQLite and the data folder's git
 * repositories) as one archive. With PostgreSQL they refuse and point at pg_dump. The archive code loads
 * only when one of them runs, not at every command's start.
 */
export function backupCommands(output: () => Output, globals: () => GlobalOptions): Command[] {
  const backup = new Command('backup')
    .description('back up the SQLite store and the data folder (git repositories) into a .tar.gz, while Pave runs')
    .argument('<file>', 'the archive to write, e.g. pave-backup.tar.gz')
    .action(async (file: string) => {
      const config = loadConfig({ file: globals().config });
      if (config.databaseUrl) throw badRequest(ON_POSTGRES);
      const { backupSqlite } = await import('../operations/sqlite-backup.js');
      const written = await backupSqlite(resolve(config.dataDir), file);
      output().result(written, () => `backed up ${resolve(config.dataDir)} (${written.migrations.length} migrations, ${written.files.join(', ') || 'no other files'}) to ${written.file}, ${written.bytes} bytes`);
    });
  const restore = new Command('restore')
    .description('restore a backup into the data folder (stop Pave first); refuses a backup from a newer Pave')
    .argument('<file>', 'an archive written by pave backup')
    .option('--force', 'replace a data folder that holds data (it is kept beside as <dataDir>.before-restore-<time>)')
    .action(async (file: string, options: { force?: boolean }) => {
      const config = loadConfig({ file: globals().config });
      if (config.databaseUrl) throw badRequest(ON_POSTGRES);
      const [{ moduleMigrations }, { storeMigrations }] = await Promise.all([import('../modules.js'), import('../store/migrations/index.js')]);
      const knownMigrations = [...storeMigrations, ...moduleMigrations()].map(migration => migration.name);
      const { restoreSqlite } = await import('../operations/sqlite-backup.js');
      const restored = await restoreSqlite(resolve(file), resolve(config.dataDir), { knownMigrations, force: options.force === true });
      output().result(restored, () => [`restored the backup of ${restored.createdAt} into ${resolve(config.dataDir)}`, ...(restored.previous ? [`the data it replaced is kept in ${restored.previous}`] : [])].join('\n'));
    });
  return [backup, restore];
}
