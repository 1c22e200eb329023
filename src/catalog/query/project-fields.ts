import type { Entity } from '../../core/entity.js';

/**
 * Keeps only the named dotted fields of an entity (`fields=kind,metadata.name`), as Backstage does.
 * No fields: the whole entity.
 */
export function projectFields(entity: Entity, fields: string[] | undefined): Entity {
  if (!fields?.length) return entity;
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const path = field.split('.');
    let source: unknown = entity;
    for (const part of path) source = source && typeof source === 'object' ? (source as Record<string, unknown>)[part] : undefined;
    if (source === undefined) continue;
    let target = out;
    path.slice(0, -1).forEach(part => {
      target[part] ??= {};
      target = target[part] as Record<string, unknown>;
    });
    target[path[path.length - 1]!] = source;
  }
  return out as unknown as Entity;
}

/** Splits `fields` query parameters (repeated or comma-separated). */
export function parseFieldsParam(params: string | string[] | undefined): string[] | undefined {
  if (params === undefined) return undefined;
  const fields = (Array.isArray(params) ? params : [params]).flatMap(p => p.split(',')).map(f => f.trim()).filter(Boolean);
  return fields.length ? fields : undefined;
}
