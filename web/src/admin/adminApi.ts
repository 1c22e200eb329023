/**
 * Typed calls to the permission and audit routes (/api/permissions, /api/audit). Shapes are the
 * server's own (type-only imports: nothing of src/ is bundled); errors are `ApiError` problems.
 */
import { apiRequest } from '../lib/api';
import type { AuthRule } from '../../../src/auth/auth-rule.js';
import type { SourcedRule } from '../../../src/auth/policy.js';
import type { AuditEntry, AuditQuery } from '../../../src/store/audit-log.js';
export type { AuthRule, AuthRuleResource } from '../../../src/auth/auth-rule.js';
export type { SourcedRule, AuditEntry, AuditQuery };

/** The audit filters the portal offers (the query without paging). */
export type AuditFilters = Omit<AuditQuery, 'limit' | 'cursor'>;

const enc = encodeURIComponent;

function query(params: Record<string, string | number | undefined>): string {
  const sp = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') sp.set(key, String(value));
  const s = sp.toString();
  return s ? `?${s}` : '';
}

export function listRules(signal?: AbortSignal): Promise<{ items: SourcedRule[] }> {
  return apiRequest('/api/permissions/rules', { signal });
}

/** Creates or replaces the stored rule with this id. */
export function saveRule(rule: AuthRule): Promise<SourcedRule> {
  return apiRequest(`/api/permissions/rules/${enc(rule.id)}`, { method: 'PUT', json: rule });
}

export function deleteRule(id: string): Promise<void> {
  return apiRequest(`/api/permissions/rules/${enc(id)}`, { method: 'DELETE' });
}

export function queryAudit(filters: AuditFilters & { limit?: number; cursor?: string }, signal?: AbortSignal): Promise<{ items: AuditEntry[]; nextCursor?: string }> {
  return apiRequest(`/api/audit${query(filters)}`, { signal });
}

/** The JSON-lines export of the entries these filters select (a plain link: the browser downloads it). */
export function auditExportUrl(filters: AuditFilters): string {
  return `/api/audit/export${query(filters)}`;
}
