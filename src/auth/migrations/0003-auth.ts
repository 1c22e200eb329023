import type { Kysely } from 'kysely';
import type { Migration } from '../../store/migrations/migration.js';

/**
 * Identity, permissions and audit: stored permission rules, API tokens (hashed), portal sessions
 * (hashed), sign-ins in progress, and the append-only audit log (triggers refuse UPDATE and DELETE).
 */
export const authMigration: Migration = {
  name: '0003-auth',
  async up(db: Kysely<any>, dialect) {
    // Loaded here, not with the module list the CLI reads at start.
    const { sql } = await import('kysely');
    await db.schema
      .createTable('auth_rules')
      .addColumn('id', 'text', c => c.primaryKey())
      .addColumn('body', 'text', c => c.notNull())
      .addColumn('created_by', 'text', c => c.notNull())
      .addColumn('created_at', 'text', c => c.notNull())
      .addColumn('updated_at', 'text', c => c.notNull())
      .execute();

    await db.schema
      .createTable('auth_tokens')
      .addColumn('id', 'text', c => c.primaryKey())
      .addColumn('name', 'text', c => c.notNull())
      .addColumn('kind', 'text', c => c.notNull())
      .addColumn('principal', 'text', c => c.notNull())
      .addColumn('groups', 'text', c => c.notNull())
      .addColumn('scopes', 'text', c => c.notNull())
      .addColumn('secret_hash', 'text', c => c.notNull().unique())
      .addColumn('prefix', 'text', c => c.notNull())
      .addColumn('created_by', 'text', c => c.notNull())
      .addColumn('created_at', 'text', c => c.notNull())
      .addColumn('expires_at', 'text', c => c.notNull())
      .addColumn('revoked_at', 'text')
      .addColumn('revoked_by', 'text')
      .addColumn('last_used_at', 'text')
      .execute();
    await db.schema.createIndex('auth_tokens_principal_idx').on('auth_tokens').column('principal').execute();

    await db.schema
      .createTable('auth_sessions')
      .addColumn('id_hash', 'text', c => c.primaryKey())
      .addColumn('user_ref', 'text', c => c.notNull())
      .addColumn('method', 'text', c => c.notNull())
      .addColumn('csrf_token', 'text', c => c.notNull())
      .addColumn('created_at', 'text', c => c.notNull())
      .addColumn('expires_at', 'text', c => c.notNull())
      .addColumn('ip', 'text')
      .addColumn('user_agent', 'text')
      .execute();
    await db.schema.createIndex('auth_sessions_expires_idx').on('auth_sessions').column('expires_at').execute();

    await db.schema
      .createTable('auth_pending_logins')
      .addColumn('id_hash', 'text', c => c.primaryKey())
      .addColumn('state', 'text', c => c.notNull())
      .addColumn('nonce', 'text', c => c.notNull())
      .addColumn('code_verifier', 'text', c => c.notNull())
      .addColumn('return_to', 'text', c => c.notNull())
      .addColumn('expires_at', 'text', c => c.notNull())
      .execute();

    await db.schema
      .createTable('audit_log')
      .addColumn('id', 'text', c => c.primaryKey())
      .addColumn('at', 'text', c => c.notNull())
      .addColumn('actor', 'text', c => c.notNull())
      .addColumn('action', 'text', c => c.notNull())
      .addColumn('entity_ref', 'text')
      .addColumn('ip', 'text')
      .addColumn('user_agent', 'text')
      .addColumn('request_id', 'text')
      .addColumn('before_hash', 'text')
      .addColumn('after_hash', 'text')
      .addColumn('detail', 'text')
      .execute();
    await db.schema.createIndex('audit_log_actor_idx').on('audit_log').columns(['actor', 'id']).execute();
    await db.schema.createIndex('audit_log_entity_idx').on('audit_log').columns(['entity_ref', 'id']).execute();
    await db.schema.createIndex('audit_log_at_idx').on('audit_log').column('at').execute();

    // Append-only: the database itself refuses to change or remove an entry.
    if (dialect === 'sqlite') {
      await sql`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END`.execute(db);
      await sql`CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END`.execute(db);
    } else {
      await sql`CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$`.execute(db);
      await sql`CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`.execute(db);
      await sql`CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`.execute(db);
    }
  },
};
