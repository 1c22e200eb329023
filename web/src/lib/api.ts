/**
 * The portal's only door to the server: typed wrappers over the HTTP API.
 * Errors are RFC 9457 problem bodies, surfaced as `ApiError` with the problem attached.
 */

// The envelope and problem shapes are the server's own (type-only: nothing of src/ is bundled).
import type { Entity } from '../../../src/core/entity.js';
import type { FieldError } from '../../../src/core/problem.js';
import type { SearchResponse } from '../../../src/catalog/search/search-views.js';
export type { Entity, EntityLink } from '../../../src/core/entity.js';
export type { FieldError } from '../../../src/core/problem.js';

export interface Problem {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
}

export class ApiError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.name = 'ApiError';
    this.problem = problem;
  }
  get status(): number {
    return this.problem.status;
  }
}

/** The CSRF token of a signed-in portal session: the server sets it as a readable cookie. */
function csrfToken(): string | undefined {
  const m = /(?:^|;\s*)pave_csrf=([^;]+)/.exec(document.cookie);
  return m ? decodeURIComponent(m[1]!) : undefined;
}

async function request<T>(path: string, init?: RequestInit & { json?: unknown }): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const method = (init?.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') {
    // Double-submit CSRF protection for cookie sessions: echo the cookie in a header.
    const csrf = csrfToken();
    if (csrf) headers['x-pave-csrf'] = csrf;
  }
  let body: BodyInit | undefined;
  if (init?.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  }
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers: { ...headers, ...(init?.headers as Record<string, string>) }, body: body ?? init?.body });
  } catch (err) {
    throw new ApiError({
      title: 'The server could not be reached',
      status: 0,
      detail: 'Check that `pave serve` is running and that your network is up, then try again.',
    });
  }
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!res.ok) {
    const p = (data ?? {}) as Partial<Problem>;
    throw new ApiError({
      type: p.type,
      title: p.title ?? `${res.status} ${res.statusText}`,
      status: p.status ?? res.status,
      detail: p.detail ?? (typeof data === 'object' && data && 'message' in data ? String((data as { message: unknown }).message) : undefined),
      errors: p.errors,
    });
  }
  return data as T;
}

export type FilterSet = Record<string, string | string[] | undefined>;

/**
 * Encodes "AND across keys, OR within a key" as Backstage filter params:
 * repeated `filter` params are OR'd, comma-separated pairs inside one are AND'd,
 * so the cross product of the chosen values is sent.
 */
export function encodeFilters(filters: FilterSet, exists: readonly string[] = []): string[] {
  // A bare key means "the field exists"; it joins every alternative.
  let combos: string[][] = [[...exists]];
  for (const [key, raw] of Object.entries(filters)) {
    const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter((v) => v !== '');
    if (values.length === 0) continue;
    const next: string[][] = [];
    for (const combo of combos) for (const v of values) next.push([...combo, `${key}=${v}`]);
    combos = next;
  }
  return combos.filter((c) => c.length > 0).map((c) => c.join(','));
}

function qs(params: Record<string, string | number | undefined | string[]>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === '') continue;
    if (Array.isArray(v)) v.forEach((x) => sp.append(k, x));
    else sp.append(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

export interface QueryResult {
  items: Entity[];
  totalItems: number;
  pageInfo: { nextCursor?: string; prevCursor?: string };
}

export interface QueryOptions {
  filters?: FilterSet;
  /** Fields every result must have, whatever their value. */
  exists?: readonly string[];
  fullTextFilterTerm?: string;
  fullTextFilterFields?: string[];
  orderField?: string;
  limit?: number;
  cursor?: string;
  fields?: string[];
}

export function queryEntities(o: QueryOptions, signal?: AbortSignal): Promise<QueryResult> {
  const params = o.cursor
    ? { cursor: o.cursor, limit: o.limit, fields: o.fields?.join(',') }
    : {
        filter: o.filters || o.exists ? encodeFilters(o.filters ?? {}, o.exists) : undefined,
        fullTextFilterTerm: o.fullTextFilterTerm,
        fullTextFilterFields: o.fullTextFilterTerm ? o.fullTextFilterFields?.join(',') : undefined,
        orderField: o.orderField,
        limit: o.limit,
        fields: o.fields?.join(','),
      };
  return request<QueryResult>(`/api/catalog/entities/by-query${qs(params)}`, { signal });
}

export type Facets = Record<string, { value: string; count: number }[]>;

export function getFacets(facets: string[], filters: FilterSet, signal?: AbortSignal, exists?: readonly string[]): Promise<{ facets: Facets }> {
  return request(`/api/catalog/entity-facets${qs({ facet: facets, filter: encodeFilters(filters, exists) })}`, { signal });
}

export function getEntity(kind: string, namespace: string, name: string, signal?: AbortSignal): Promise<Entity> {
  return request(`/api/catalog/entities/by-name/${enc(kind)}/${enc(namespace)}/${enc(name)}`, { signal });
}

export function getEntitiesByRefs(entityRefs: string[], fields?: string[], signal?: AbortSignal): Promise<{ items: (Entity | null)[] }> {
  if (entityRefs.length === 0) return Promise.resolve({ items: [] });
  return request('/api/catalog/entities/by-refs', { method: 'POST', json: { entityRefs, fields }, signal });
}

export function saveEntity(entity: Entity): Promise<Entity> {
  const ns = entity.metadata.namespace ?? 'default';
  const { relations: _r, status: _s, ...body } = entity;
  return request(`/api/catalog/entities/by-name/${enc(entity.kind)}/${enc(ns)}/${enc(entity.metadata.name)}`, { method: 'PUT', json: body });
}

export interface LocationPreview {
  location: { id?: string; type: string; target: string };
  entities: Entity[];
  exists?: boolean;
  errors?: FieldError[];
}

export function registerLocation(type: 'url' | 'file', target: string, dryRun: boolean): Promise<LocationPreview> {
  return request(`/api/catalog/locations${dryRun ? '?dryRun=true' : ''}`, { method: 'POST', json: { type, target } });
}

export interface LocationStatus {
  id: string;
  type: string;
  target: string;
  status?: {
    state: 'pending' | 'refreshing' | 'done' | 'failed';
    lastRefreshAt?: string;
    entityCount?: number;
    errorCount?: number;
    errors?: FieldError[];
  };
}

export function getLocation(id: string, signal?: AbortSignal): Promise<LocationStatus> {
  return request(`/api/catalog/locations/${enc(id)}`, { signal });
}

export function listLocations(signal?: AbortSignal): Promise<{ data: { id: string; type: string; target: string } }[]> {
  return request('/api/catalog/locations', { signal });
}

/** Reads an entity's location again now (and every entity the location produced). */
export function refreshEntity(entityRef: string): Promise<void> {
  return request('/api/catalog/refresh', { method: 'POST', json: { entityRef } });
}

/** Deletes an entity by uid: for entities no location produces (saved through the API). */
export function deleteEntity(uid: string): Promise<void> {
  return request(`/api/catalog/entities/by-uid/${enc(uid)}`, { method: 'DELETE' });
}

/** The registered location that produced an entity; a 404 when it was saved through the API. */
export function locationOfEntity(kind: string, namespace: string, name: string, signal?: AbortSignal): Promise<{ id: string; type: string; target: string }> {
  return request(`/api/catalog/locations/by-entity/${enc(kind)}/${enc(namespace)}/${enc(name)}`, { signal });
}

export type LocationSummary = Required<Pick<NonNullable<LocationStatus['status']>, 'state' | 'entityCount' | 'errorCount'>> & { lastRefreshAt?: string };

/** Every registered location with its state and counts (its problems: `getLocation`). */
export function listLocationsWithStatus(signal?: AbortSignal): Promise<{ data: { id: string; type: string; target: string }; status: LocationSummary }[]> {
  return request('/api/catalog/locations?status=true', { signal });
}

export function refreshLocation(id: string): Promise<LocationStatus> {
  return request(`/api/catalog/locations/${enc(id)}/refresh`, { method: 'POST' });
}

/** Removes a location and every entity it produced. */
export function removeLocation(id: string): Promise<void> {
  return request(`/api/catalog/locations/${enc(id)}`, { method: 'DELETE' });
}

export interface IngestionProblem {
  locationId?: string;
  target?: string;
  source?: string;
  document?: number;
  line?: number;
  pointer?: string;
  detail: string;
  entityRef?: string;
}

export function getProblems(entityRef?: string, signal?: AbortSignal, locationId?: string): Promise<{ items: IngestionProblem[] }> {
  return request(`/api/catalog/problems${qs({ entityRef, locationId })}`, { signal });
}

/** One search result and the whole answer: the server's own schema (src/catalog/search/search-views.ts). */
export type { SearchHit as SearchResult, SearchResponse, SearchSnippet, FacetCount } from '../../../src/catalog/search/search-views.js';

export interface SearchParams {
  q: string;
  kind?: string[];
  type?: string[];
  owner?: string[];
  lifecycle?: string[];
  limit?: number;
  offset?: number;
}

export function search(params: SearchParams, signal?: AbortSignal): Promise<SearchResponse> {
  return request(`/api/search${qs({ ...params })}`, { signal });
}

export interface DocsNavItem {
  title: string;
  path?: string;
  children?: DocsNavItem[];
}

export function getDocsSite(kind: string, namespace: string, name: string, signal?: AbortSignal): Promise<{ siteName: string; nav: DocsNavItem[] }> {
  return request(`/api/docs/by-name/${enc(kind)}/${enc(namespace)}/${enc(name)}`, { signal });
}

export function getDocsPage(kind: string, namespace: string, name: string, path: string, signal?: AbortSignal): Promise<{ path: string; markdown: string }> {
  return request(`/api/docs/by-name/${enc(kind)}/${enc(namespace)}/${enc(name)}/page${qs({ path })}`, { signal });
}

export interface AuthMethods {
  enabled: boolean;
  oidc: boolean;
  guest: boolean;
}

export function getAuthMethods(signal?: AbortSignal): Promise<AuthMethods> {
  return request('/api/auth/methods', { signal });
}

export interface Identity {
  principal: string;
  userRef?: string;
  displayName?: string;
  email?: string;
  groups: string[];
  roles: string[];
  via: string;
}

/** Who the browser is signed in as; undefined when not signed in. */
export async function getMe(signal?: AbortSignal): Promise<Identity | undefined> {
  try {
    return await request<Identity>('/api/auth/me', { signal });
  } catch (e) {
    if (e instanceof ApiError && (e.status === 401 || e.status === 404)) return undefined;
    throw e;
  }
}

export function logout(): Promise<void> {
  return request('/api/auth/logout', { method: 'POST' });
}

/** Where the browser goes to sign in, coming back to the current page. */
export function signInUrl(method?: 'oidc' | 'guest'): string {
  const returnTo = window.location.pathname + window.location.search;
  return `/api/auth/login?returnTo=${encodeURIComponent(returnTo)}${method ? `&method=${method}` : ''}`;
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

// --- Golden paths (scaffolder) -------------------------------------------------------------

import type { TemplateSummary } from '../../../src/templates/scaffolder-service.js';
import type { ParameterSchema } from '../../../src/templates/model/parameters.js';
import type { TaskView as Task, TaskEvent, TaskSummary } from '../../../src/templates/tasks/task-types.js';
import type { ListTasksRequest } from '../../../src/templates/tasks/task-store.js';
import type { GeneratedRepository, ListGeneratedRepositoriesQuery, UpgradeResult } from '../../../src/templates/upgrades/upgrade-views.js';
import type { ActionDescription } from '../../../src/templates/actions/action-description.js';
export type { TemplateSummary, ParameterSchema, Task, TaskEvent, TaskSummary, ListTasksRequest, GeneratedRepository, UpgradeResult, ActionDescription };

const SCAFFOLDER = '/api/scaffolder/v2';

export function listTemplates(signal?: AbortSignal): Promise<{ items: TemplateSummary[] }> {
  return request(`${SCAFFOLDER}/templates`, { signal });
}

/** Every action templates can use, built in and installed, with its schemas. */
export function listActions(signal?: AbortSignal): Promise<ActionDescription[]> {
  return request(`${SCAFFOLDER}/actions`, { signal });
}

export function getTemplate(namespace: string, kind: string, name: string, signal?: AbortSignal): Promise<{ summary: TemplateSummary; entity: Entity }> {
  return request(`${SCAFFOLDER}/templates/${enc(namespace)}/${enc(kind)}/${enc(name)}`, { signal });
}

export function getParameterSchema(namespace: string, kind: string, name: string, signal?: AbortSignal): Promise<ParameterSchema> {
  return request(`${SCAFFOLDER}/templates/${enc(namespace)}/${enc(kind)}/${enc(name)}/parameter-schema`, { signal });
}

/** Which form pages are asked for these values (each page's own `if:`, evaluated by the server). */
export function getShownPages(namespace: string, kind: string, name: string, values: Record<string, unknown>, signal?: AbortSignal): Promise<{ shown: boolean[] }> {
  return request(`${SCAFFOLDER}/templates/${enc(namespace)}/${enc(kind)}/${enc(name)}/parameter-schema/shown`, { method: 'POST', json: { values }, signal });
}

/** Starts a task; `secrets` (Secret fields' values) travel apart from the values and are never stored with them. */
/** Runs a template; `featureFlags` are the person's flags that are on (pages and fields behind others were not asked). */
export function createTask(templateRef: string, values: Record<string, unknown>, secrets: Record<string, string> = {}, featureFlags: readonly string[] = []): Promise<{ id: string }> {
  return request(`${SCAFFOLDER}/tasks`, { method: 'POST', json: { templateRef, values, ...(Object.keys(secrets).length ? { secrets } : {}), ...(featureFlags.length ? { featureFlags } : {}) } });
}

/** The tasks the caller may read (its own; everyone's for those a rule lets read them), newest first. */
export function listTasks(filter: ListTasksRequest, signal?: AbortSignal): Promise<{ tasks: TaskSummary[]; totalTasks: number }> {
  return request(`${SCAFFOLDER}/tasks${qs({ createdBy: filter.createdBy, status: filter.status, templateRef: filter.templateRef, limit: filter.limit, offset: filter.offset })}`, { signal });
}

export function getTask(id: string, signal?: AbortSignal): Promise<Task> {
  return request(`${SCAFFOLDER}/tasks/${enc(id)}`, { signal });
}

export function getTaskEvents(id: string, after = 0, signal?: AbortSignal): Promise<TaskEvent[]> {
  return request(`${SCAFFOLDER}/tasks/${enc(id)}/events${qs({ after })}`, { signal });
}

export function cancelTask(id: string): Promise<{ status: Task['status'] }> {
  return request(`${SCAFFOLDER}/tasks/${enc(id)}/cancel`, { method: 'POST' });
}

/** The repositories golden paths created, with whether each is behind its template. */
export function listGeneratedRepositories(query: ListGeneratedRepositoriesQuery, signal?: AbortSignal): Promise<{ items: GeneratedRepository[] }> {
  return request(`${SCAFFOLDER}/generated-repositories${qs({ templateRef: query.templateRef, behind: query.behind ? 'true' : undefined })}`, { signal });
}

/** Merges the template's change into a generated repository and opens its review branch (pull or merge request). */
export function upgradeGeneratedRepository(id: string): Promise<UpgradeResult> {
  return request(`${SCAFFOLDER}/generated-repositories/${enc(id)}/upgrade`, { method: 'POST', json: {} });
}

/** The URL of a task's live event stream (server-sent events), for EventSource. */
export function taskEventStreamUrl(id: string, after = 0): string {
  return `${SCAFFOLDER}/tasks/${enc(id)}/eventstream${qs({ after: after || undefined })}`;
}

/** The shared client, for feature modules with their own typed calls (e.g. src/platform). */
export { request as apiRequest };
