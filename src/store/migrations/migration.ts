import type { Kysely } from 'kysely';
import type { DialectName } from '../dialect.js';

/** One schema change. Migrations only ever move forward and run in name order. */
export interface Migration {
  name: string;
  up(db: Kysely<any>, dialect: DialectName): Promise<void>;
}
