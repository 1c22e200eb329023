// Plain JavaScript (typed by statement-cache.d.ts): the SQLite write worker imports it, and a worker started from
// source would otherwise load a TypeScript loader first (~0.4 s of CPU for every store a test opens).

/** Statements kept, by SQL text: the catalog's reads and writes use a few dozen; lists of varying length add more. */
const MAX_STATEMENTS = 500;

/**
 * The database as Kysely's SQLite driver (the read connection) and the write worker (sqlite-write-worker.js)
 * use it, with each statement prepared once per SQL text (the last MAX_STATEMENTS used are kept). Kysely
 * prepares every query anew: SQLite parsing and planning the same text again was ~6% of a by-name request's
 * CPU. A statement is never run by two queries at once: each connection runs one query at a time.
 * @param {import('better-sqlite3').Database} database
 */
export function withStatementCache(database) {
  /** @type {Map<string, import('better-sqlite3').Statement>} */
  const statements = new Map();
  return {
    close: () => void database.close(),
    /** @param {string} sql */
    prepare(sql) {
      let statement = statements.get(sql);
      if (statement) {
        // Most recently used last, so the first is the one to drop.
        statements.delete(sql);
      } else {
        statement = database.prepare(sql);
        if (statements.size >= MAX_STATEMENTS) statements.delete(statements.keys().next().value);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}
