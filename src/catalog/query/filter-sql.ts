import { sql, type RawBuilder } from 'kysely';
import type { EntityFilter, FilterCondition } from './entity-filter.js';
import type { FieldMatch, Predicate } from './filter-predicate.js';

/**
 * Turns an entity filter into a SQL condition on `entities e`. Plain keys read the search rows;
 * `relations.<type>` keys read the relations table.
 */
export function filterSql(filter: EntityFilter): RawBuilder<boolean> {
  if (!filter.anyOf.length) return sql<boolean>`1 = 1`;
  const alternatives = filter.anyOf.map(({ allOf }) => sql`(${sql.join(allOf.map((condition, i) => conditionSql(condition, i > 0)), sql` AND `)})`);
  return sql<boolean>`(${sql.join(alternatives, sql` OR `)})`;
}

/**
 * One condition. The first of a conjunction reads its matches as a list (SQLite walks it: narrowest-first.ts
 * puts the narrowest there); the others, `tested`, look each candidate up in the same index instead of
 * building a list of every entity they match (`kind=component` lists half the catalog: 1.4 → 0.04 ms).
 */
function conditionSql(condition: FilterCondition, tested = false): RawBuilder<unknown> {
  const { key, values } = condition;
  if (values) return tested ? sql`EXISTS (${matchingRowsSql(key, values, true)})` : sql`${sql.raw(key.startsWith('relations.') ? 'e.ref' : 'e.id')} IN (${matchingRowsSql(key, values)})`;
  return key.startsWith('relations.')
    ? sql`e.ref IN (SELECT r.source_ref FROM relations r WHERE lower(r.type) = ${key.slice('relations.'.length)})`
    : sql`e.id IN (SELECT s.entity_id FROM entity_search s WHERE s.key = ${key})`;
}

/**
 * What a key with values matches, one row per match: entity ids from the search rows, or (for
 * `relations.<type>`) source refs from the relations, each read from an index; `ofEntity` keeps only
 * the rows of the entity `e` at hand.
 */
export function matchingRowsSql(key: string, values: readonly string[], ofEntity = false): RawBuilder<unknown> {
  if (key.startsWith('relations.')) {
    return sql`SELECT r.source_ref FROM relations r WHERE lower(r.type) = ${key.slice('relations.'.length)} AND r.target_ref IN (${sql.join([...values])})${ofEntity ? sql` AND r.source_ref = e.ref` : sql``}`;
  }
  return sql`SELECT s.entity_id FROM entity_search s WHERE s.key = ${key} AND s.value IN (${sql.join([...values])})${ofEntity ? sql` AND s.entity_id = e.id` : sql``}`;
}

/** Turns a filter predicate (filter-predicate.ts) into a SQL condition on `entities e`, keys read as filterSql reads them. */
export function predicateSql(predicate: Predicate): RawBuilder<boolean> {
  if ('all' in predicate) return predicate.all.length ? sql<boolean>`(${sql.join(predicate.all.map((p, i) => (i > 0 && 'field' in p && 'in' in p.match ? conditionSql({ key: p.field, values: p.match.in }, true) : predicateSql(p))), sql` AND `)})` : sql<boolean>`1 = 1`;
  if ('any' in predicate) return predicate.any.length ? sql<boolean>`(${sql.join(predicate.any.map(predicateSql), sql` OR `)})` : sql<boolean>`1 = 0`;
  if ('not' in predicate) return sql<boolean>`NOT ${predicateSql(predicate.not)}`;
  return fieldMatchSql(predicate.field, predicate.match);
}

function fieldMatchSql(field: string, match: FieldMatch): RawBuilder<boolean> {
  if ('in' in match) return sql<boolean>`${conditionSql({ key: field, values: match.in })}`;
  if ('exists' in match) return match.exists ? sql<boolean>`${conditionSql({ key: field })}` : sql<boolean>`NOT ${conditionSql({ key: field })}`;
  const pattern = `${match.prefix.replace(/[\\%_]/g, m => '\\' + m)}%`;
  if (field.startsWith('relations.')) {
    return sql<boolean>`e.ref IN (SELECT r.source_ref FROM relations r WHERE lower(r.type) = ${field.slice('relations.'.length)} AND r.target_ref LIKE ${pattern} ESCAPE '\\')`;
  }
  return sql<boolean>`e.id IN (SELECT s.entity_id FROM entity_search s WHERE s.key = ${field} AND s.value LIKE ${pattern} ESCAPE '\\')`;
}

/**
 * The value an entity sorts by for one field; direct columns where they exist, search rows otherwise.
 * NULL when the entity has no such field: callers sort those last, as Backstage does.
 */
export function sortValueSql(field: string): RawBuilder<string | null> {
  switch (field) {
    case 'metadata.name':
      return sql<string>`lower(e.name)`;
    case 'kind':
      return sql<string>`lower(e.kind)`;
    case 'metadata.namespace':
      return sql<string>`e.namespace`;
    case 'metadata.updatedat':
      return sql<string>`e.updated_at`;
    default:
      return sql<string | null>`(SELECT min(s.value) FROM entity_search s WHERE s.entity_id = e.id AND s.key = ${field})`;
  }
}

/** Case-insensitive substring match of a term over some (or all) search keys. */
export function fullTextFilterSql(term: string, fields: string[] | undefined): RawBuilder<boolean> {
  const pattern = `%${term.toLocaleLowerCase('en-US').replace(/[\\%_]/g, m => '\\' + m)}%`;
  const keys = fields?.map(f => f.toLocaleLowerCase('en-US'));
  return keys?.length
    ? sql<boolean>`e.id IN (SELECT s.entity_id FROM entity_search s WHERE s.key IN (${sql.join(keys)}) AND s.value LIKE ${pattern} ESCAPE '\\')`
    : sql<boolean>`e.id IN (SELECT s.entity_id FROM entity_search s WHERE s.value LIKE ${pattern} ESCAPE '\\')`;
}
