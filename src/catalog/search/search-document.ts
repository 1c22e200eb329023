import type { Entity } from '../../core/entity.js';
import { tryParseEntityRef } from '../../core/entity-ref.js';
import { apiDefinitionTerms } from './api-definition-terms.js';
import type { DocsSection } from './docs-sections.js';

/**
 * One searchable text of an entity, by field: the entity itself (`section` empty) or one section of its
 * docs (`section` is `docs:<page>#<anchor>`). A search ranks a match by the field it is in.
 */
export interface SearchDocument {
  section: string;
  title: string;
  name: string;
  description: string;
  owner: string;
  /** Everything else: other fields and API definition names for the entity, the section's text for docs. */
  body: string;
}

/** The section name of the entity's own document. */
export const ENTITY_SECTION = '';

/** Longest body kept for one entity (a huge definition adds no more names past it). */
const MAX_BODY_CHARS = 64 * 1024;

/**
 * What search reads of an entity: its title (or a person's or team's display name), name, description,
 * owner (the owner ref's name) and, as the body, every other short field people search by — kind, type,
 * lifecycle, system, domain, tags, label values, link titles, e-mail — and the names in its API definition.
 * `definitionTerms` gives the names of an API definition (a memo filled ahead of the write, say).
 * @example searchDocumentOf(paymentsGateway).owner // 'payments-team'
 */
export function searchDocumentOf(entity: Entity, definitionTerms: (type: string, definition: string) => string[] = apiDefinitionTerms): SearchDocument {
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  const profile = (typeof spec.profile === 'object' && spec.profile !== null ? spec.profile : {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const owner = tryParseEntityRef(spec.owner, { defaultKind: 'group', defaultNamespace: entity.metadata.namespace })?.name ?? '';
  const body = [
    entity.kind,
    ...['type', 'lifecycle', 'system', 'domain', 'parent'].map(field => text(spec[field])),
    ...(entity.metadata.tags ?? []),
    ...Object.values(entity.metadata.labels ?? {}),
    ...(entity.metadata.links ?? []).map(link => link.title ?? ''),
    text(profile.email),
    ...(typeof spec.definition === 'string' ? definitionTerms(text(spec.type), spec.definition) : []),
  ];
  return {
    section: ENTITY_SECTION,
    title: text(entity.metadata.title) || text(profile.displayName),
    name: entity.metadata.name,
    description: text(entity.metadata.description),
    owner,
    body: body.filter(Boolean).join(' ').slice(0, MAX_BODY_CHARS),
  };
}

/** A docs section as a search document: its heading is the title, its page the name. */
export function docsSearchDocument(section: DocsSection): SearchDocument {
  return {
    section: `docs:${section.path}#${section.anchor}`,
    title: section.heading,
    name: section.path,
    description: '',
    owner: '',
    body: section.text,
  };
}
