import type SqliteDatabase from 'better-sqlite3';

/** The database with each statement prepared once per SQL text (statement-cache.js). */
export function withStatementCache(database: SqliteDatabase.Database): { close(): void; prepare(sql: string): SqliteDatabase.Statement };
