import type { Kysely, KyselyPlugin, RootOperationNode } from 'kysely';

/** A statement as compiled for the database. */
export interface RecordedStatement {
  sql: string;
  parameters: readonly unknown[];
}

/** A query-builder plugin that records every statement it sees (compiled as `db` compiles it) into `statements`, for plan checks. */
export function statementRecorder(db: Kysely<any>, statements: RecordedStatement[]): KyselyPlugin {
  const executor = db.getExecutor();
  return {
    transformQuery({ node, queryId }) {
      const compiled = executor.compileQuery(node as RootOperationNode, queryId);
      statements.push({ sql: compiled.sql, parameters: compiled.parameters });
      return node;
    },
    async transformResult({ result }) {
      return result;
    },
  };
}
