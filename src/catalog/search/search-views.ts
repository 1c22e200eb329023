/**
 * What catalog search answers, as JSON Schemas (TypeBox): the route validates and documents with them,
 * and the search service, the client and the portal use the types derived from them, so none can drift.
 */
import { Type, type Static } from '@sinclair/typebox';

/** Where in an entity a snippet was taken from. */
export const SnippetFieldSchema = Type.Union([
  Type.Literal('title'),
  Type.Literal('name'),
  Type.Literal('description'),
  Type.Literal('owner'),
  Type.Literal('fields'),
  Type.Literal('docs'),
]);

/**
 * A short piece of matching text, cut into runs so that a client highlights the matches without parsing
 * markup (the text is shown as text, whatever it holds).
 */
export const SearchSnippetSchema = Type.Object({
  field: SnippetFieldSchema,
  parts: Type.Array(Type.Object({ text: Type.String(), match: Type.Boolean() })),
  /** For a docs snippet: the page (relative to the docs folder) and heading it comes from. */
  docs: Type.Optional(Type.Object({ path: Type.String(), heading: Type.String(), anchor: Type.String() })),
});

export const SearchHitSchema = Type.Object({
  entityRef: Type.String(),
  kind: Type.String(),
  namespace: Type.String(),
  name: Type.String(),
  title: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  type: Type.Optional(Type.String()),
  /** The owner's full ref (`group:default/payments-team`). */
  owner: Type.Optional(Type.String()),
  lifecycle: Type.Optional(Type.String()),
  /** Higher is better; comparable within one response only. */
  score: Type.Number(),
  /** How many of the words looked for this result matches. */
  matchedWords: Type.Integer(),
  snippet: Type.Optional(SearchSnippetSchema),
  /** For "who owns …": the results (refs) this owner owns. */
  owns: Type.Optional(Type.Array(Type.String())),
});

export const FacetCountSchema = Type.Object({ value: Type.String(), count: Type.Integer() });

/** Counts of each value among the results, each dimension counted under the other dimensions' filters. */
export const SearchFacetsSchema = Type.Object({
  kind: Type.Array(FacetCountSchema),
  type: Type.Array(FacetCountSchema),
  owner: Type.Array(FacetCountSchema),
  lifecycle: Type.Array(FacetCountSchema),
});

export const SearchResponseSchema = Type.Object({
  query: Type.String(),
  /** The words looked for (stop words and "who owns" left out). */
  words: Type.Array(Type.String()),
  /** Results that match under the filters, over all pages. */
  total: Type.Integer(),
  /** True when more entities matched than one search ranks (500): the total counts the ranked ones. */
  capped: Type.Boolean(),
  offset: Type.Integer(),
  results: Type.Array(SearchHitSchema),
  facets: SearchFacetsSchema,
});

export type SnippetField = Static<typeof SnippetFieldSchema>;
export type SearchSnippet = Static<typeof SearchSnippetSchema>;
export type SearchHit = Static<typeof SearchHitSchema>;
export type FacetCount = Static<typeof FacetCountSchema>;
export type SearchFacets = Static<typeof SearchFacetsSchema>;
export type SearchResponse = Static<typeof SearchResponseSchema>;
