import type { ExplorerView } from './ExplorerPage';

const TECHDOCS = 'metadata.annotations.backstage.io/techdocs-ref';

/** The API explorer: every API by type, owner and lifecycle, each opening on its definition. */
export const API_VIEW: ExplorerView = {
  title: 'APIs',
  intro: 'Every API in the catalog, with its definition rendered: OpenAPI, AsyncAPI, GraphQL and gRPC.',
  fixed: { kind: 'api' },
  filters: ['type', 'owner', 'lifecycle', 'tag'],
  tab: 'api',
};

/** The docs index: every entity that publishes docs, each opening on them. */
export const DOCS_VIEW: ExplorerView = {
  title: 'Docs',
  intro: 'Everything in the catalog that publishes documentation.',
  exists: [TECHDOCS],
  filters: ['kind', 'owner', 'tag'],
  tab: 'docs',
};
