import { createHash } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';

/**
 * Which entities a reader may see, as data: every entity, none, or those matching any `allow`
 * condition and no `deny` condition. The permission module builds it from its rules
 * (`auth/read-scope.ts`); the queries here apply it in SQL, so totals, pages and facet counts agree
 * with what the reader sees.
 */
export type EntityScope =
  | { readonly type: 'all' }
  | { readonly type: 'none' }
  | { readonly type: 'some'; readonly allow: readonly EntityCondition[]; readonly deny: readonly EntityCondition[] };

/** Tests that must all hold (an empty condition holds for every entity). */
export type EntityCondition = readonly EntityTest[];

/**
 * One test on an entity; each holds when any of its values does. Values are lower-case; refs are
 * canonical (`kind:namespace/name`).
 */
export type EntityTest =
  | { readonly on: 'kind' | 'namespace' | 'ref'; readonly anyOf: readonly string[] }
  /** Ref globs: `*` matches any run of characters. */
  | { readonly on: 'refGlob'; readonly anyOf: readonly string[] }
  /** Owners as the permission policy sees them: `ownedBy` relations, else `spec.owner` (custom kinds). */
  | { readonly on: 'owner'; readonly anyOf: readonly string[] };

export const ALL_ENTITIES: EntityScope = Object.freeze({ type: 'all' });
export const NO_ENTITIES: EntityScope = Object.freeze({ type: 'none' });

/**
 * The scope as a SQL condition on `entities e`, the same on SQLite and PostgreSQL.
 * @example sql`SELECT e.id FROM entities e WHERE ${filterSql(filter)} AND ${entityScopeSql(scope)}`
 */
export function entityScopeSql(scope: EntityScope): RawBuilder<boolean> {
  if (scope.type === 'all') return sql<boolean>`1 = 1`;
  if (scope.type === 'none') return sql<boolean>`1 = 0`;
  const allow = anyConditionSql(scope.allow);
  return scope.deny.length ? sql<boolean>`(${allow} AND NOT ${anyConditionSql(scope.deny)})` : allow;
}

/**
 * A short fingerprint of a scope (undefined for every entity), so a cursor made for one reader is
 * not trusted for another's totals.
 */
export function entityScopeKey(scope: EntityScope): string | undefined {
  return scope.type === 'all' ? undefined : createHash('sha256').update(JSON.stringify(scope)).digest('base64url').slice(0, 22);
}

function anyConditionSql(conditions: readonly EntityCondition[]): RawBuilder<boolean> {
  if (!conditions.length) return sql<boolean>`1 = 0`;
  const each = conditions.map(tests => (tests.length ? sql`(${sql.join(tests.map(testSql), sql` AND `)})` : sql`1 = 1`));
  return sql<boolean>`(${sql.join(each, sql` OR `)})`;
}

function testSql(test: EntityTest): RawBuilder<unknown> {
  if (!test.anyOf.length) return sql`1 = 0`;
  const values = sql.join([...test.anyOf]);
  switch (test.on) {
    case 'kind':
      return sql`lower(e.kind) IN (${values})`;
    case 'namespace':
      return sql`lower(e.namespace) IN (${values})`;
    case 'ref':
      return sql`e.ref IN (${values})`;
    case 'refGlob':
      return sql`(${sql.join(test.anyOf.map(glob => sql`e.ref LIKE ${globToLike(glob)} ESCAPE '\\'`), sql` OR `)})`;
    case 'owner':
      return ownerSql(test.anyOf);
  }
}

/** `*` becomes `%`; LIKE's own wildcards and the escape character match only themselves. */
function globToLike(glob: string): string {
  return glob
    .toLocaleLowerCase('en-US')
    .replace(/[\\%_]/g, m => '\\' + m)
    .replace(/\*/g, '%');
}

/**
 * Owned by one of the refs. As for the policy (`factsOf`): the `ownedBy` relations when the entity
 * has any, else its `spec.owner` value(s) read as refs with default kind Group and the entity's own
 * namespace — so every short form that names the same owner is listed.
 */
function ownerSql(owners: readonly string[]): RawBuilder<unknown> {
  const byRelation = sql`EXISTS (SELECT 1 FROM relations r WHERE r.source_ref = e.ref AND r.type = 'ownedBy' AND r.target_ref IN (${sql.join([...owners])}))`;
  const forms = owners.flatMap(specOwnerFormsSql);
  if (!forms.length) return byRelation;
  return sql`(${byRelation} OR (
    NOT EXISTS (SELECT 1 FROM relations r WHERE r.source_ref = e.ref AND r.type = 'ownedBy')
    AND EXISTS (SELECT 1 FROM entity_search s WHERE s.entity_id = e.id AND s.key = 'spec.owner' AND (${sql.join(forms, sql` OR `)}))
  ))`;
}

/** What JavaScript's `trim` removes (and so the policy, reading `spec.owner` as a ref): SQL's `trim` removes only spaces. */
const JS_WHITESPACE = Array.from({ length: 0x10000 }, (_, code) => String.fromCharCode(code))
  .filter(char => char.trim() === '')
  .join('');

/** How a `spec.owner` value may name `kind:namespace/name` (the search row holds it lower-cased). */
function specOwnerFormsSql(ref: string): RawBuilder<unknown>[] {
  const colon = ref.indexOf(':');
  const slash = ref.indexOf('/', colon);
  if (colon <= 0 || slash === -1) return [];
  const kind = ref.slice(0, colon);
  const namespace = ref.slice(colon + 1, slash);
  const name = ref.slice(slash + 1);
  const value = sql`trim(s.value, ${JS_WHITESPACE})`;
  const forms = [sql`${value} = ${ref}`];
  const isGroup = kind === 'group';
  if (isGroup && !namespace.includes(':')) forms.push(sql`${value} = ${`${namespace}/${name}`}`);
  if (!name.includes('/')) {
    const sameNamespace = sql`lower(e.namespace) = ${namespace}`;
    forms.push(sql`(${sameNamespace} AND ${value} = ${`${kind}:${name}`})`);
    if (isGroup && !name.includes(':')) forms.push(sql`(${sameNamespace} AND ${value} = ${name})`);
  }
  return forms;
}
