/**
 * A process that opens a SQLite store, writes and closes it with nothing else to keep it alive: it prints `closed`
 * only if `store.close()` settles (test/store/sqlite-write-worker-close.test.ts).
 */
import { join } from 'node:path';
import { sql } from 'kysely';
import { SqliteStoreDialect } from '../../../src/store/sqlite-dialect.js';
import { Store } from '../../../src/store/store.js';

const store = await Store.open(new SqliteStoreDialect({ file: join(process.env.STORE_DIR!, 'pave.db') }));
await sql`CREATE TABLE t (v text)`.execute(store.db);
await sql`INSERT INTO t (v) VALUES ('kept')`.execute(store.db);
await store.close();
console.log('closed');
