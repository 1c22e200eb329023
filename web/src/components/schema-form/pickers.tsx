/**
 * The Backstage pickers of the schema form: entities from the catalog (OwnerPicker, EntityPicker,
 * MultiEntityPicker), a repository location (RepoUrlPicker), and EntityNamePicker's warning about a name
 * the catalog already has.
 */
import { useState } from 'react';
import { queryEntities, type Entity, type FilterSet } from '../../lib/api';
import { useAsync, useDebounced } from '../../lib/hooks';
import { displayName, humanRef, refOf } from '../../lib/refs';
import type { ControlProps } from './inputs';
import { formatRepoUrl, parseRepoUrl, type JsonSchema } from './schema';

/** Kind filters from `ui:options.catalogFilter` (an object or a list of them) or `allowedKinds`. */
function filtersOf(schema: JsonSchema, defaultKinds?: string[]): FilterSet[] {
  const o = schema['ui:options'] ?? {};
  const raw = o.catalogFilter;
  const list = Array.isArray(raw) ? raw : raw && typeof raw === 'object' ? [raw] : [];
  const out: FilterSet[] = [];
  for (const f of list as Record<string, unknown>[]) {
    const set: FilterSet = {};
    for (const [k, v] of Object.entries(f)) {
      if (typeof v === 'string') set[k] = v;
      else if (Array.isArray(v)) set[k] = v.map(String);
    }
    out.push(set);
  }
  if (out.length) return out;
  const kinds = Array.isArray(o.allowedKinds) ? (o.allowedKinds as unknown[]).map(String) : defaultKinds;
  return [kinds ? { kind: kinds } : {}];
}

export function EntityPicker({
  schema,
  value,
  onChange,
  multiple,
  defaultKind,
  ...common
}: ControlProps & { schema: JsonSchema; value: string | string[]; onChange: (v: unknown) => void; multiple?: boolean; defaultKind?: string[] }) {
  const filters = filtersOf(schema, defaultKind);
  const key = JSON.stringify(filters);
  const options = useAsync(async (signal) => {
    const seen = new Map<string, Entity>();
    for (const f of filters) {
      const res = await queryEntities({ filters: f, limit: 500, orderField: 'metadata.name,asc', fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title', 'spec.profile.displayName'] }, signal);
      for (const e of res.items) seen.set(refOf(e), e);
    }
    return [...seen.entries()];
  }, [key]);
  const items = options.data ?? [];
  const current = Array.isArray(value) ? value : value ? [value] : [];
  // A value that is not among the options (typed elsewhere, or a default) still shows.
  const extra = current.filter((v) => !items.some(([r]) => r === v));
  return (
    <>
      <select
        {...common}
        multiple={multiple}
        size={multiple ? Math.min(8, Math.max(3, items.length)) : undefined}
        value={multiple ? current : current[0] ?? ''}
        disabled={options.loading && !options.data}
        onChange={(e) => {
          if (multiple) onChange([...e.target.selectedOptions].map((o) => o.value));
          else onChange(e.target.value || undefined);
        }}
      >
        {multiple ? null : <option value="">{options.loading && !options.data ? 'Loading…' : 'Choose…'}</option>}
        {extra.map((r) => (
          <option key={r} value={r}>
            {humanRef(r)}
          </option>
        ))}
        {items.map(([r, e]) => (
          <option key={r} value={r}>
            {displayName(e)} ({humanRef(r)})
          </option>
        ))}
      </select>
      {options.error ? <p className="warn-text small">Could not load choices: {options.error.message}</p> : null}
      {!options.loading && items.length === 0 && !options.error ? <p className="muted small">No matching entities in the catalog.</p> : null}
    </>
  );
}

export function RepoUrlPicker({ id, describedBy, invalid, schema, value, onChange }: { id: string; describedBy?: string; invalid: boolean; schema: JsonSchema; value: unknown; onChange: (v: unknown) => void }) {
  const allowedHosts = Array.isArray(schema['ui:options']?.allowedHosts) ? (schema['ui:options']!.allowedHosts as unknown[]).map(String) : [];
  const parsed = parseRepoUrl(value);
  const [state, setState] = useState({ host: parsed.host || allowedHosts[0] || 'local', owner: parsed.owner, repo: parsed.repo });
  const update = (patch: Partial<typeof state>) => {
    const next = { ...state, ...patch };
    setState(next);
    onChange(formatRepoUrl(next));
  };
  const inv = invalid ? true : undefined;
  return (
    <div className="tpl-repo" role="group" aria-labelledby={`${id}-label`} aria-describedby={describedBy}>
      <div className="field">
        <label htmlFor={`${id}-host`}>Host</label>
        {allowedHosts.length ? (
          <select id={`${id}-host`} value={state.host} onChange={(e) => update({ host: e.target.value })} aria-invalid={inv}>
            {allowedHosts.map((h) => (
              <option key={h} value={h}>
                {h}
              </option>
            ))}
          </select>
        ) : (
          <input id={`${id}-host`} type="text" value={state.host} onChange={(e) => update({ host: e.target.value })} aria-invalid={inv} autoComplete="off" />
        )}
      </div>
      <div className="field">
        <label htmlFor={`${id}-owner`}>Owner</label>
        <input id={`${id}-owner`} type="text" value={state.owner} onChange={(e) => update({ owner: e.target.value.trim() })} aria-invalid={inv} autoComplete="off" spellCheck={false} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-repo`}>Repository name</label>
        <input id={`${id}-repo`} type="text" value={state.repo} onChange={(e) => update({ repo: e.target.value.trim() })} aria-invalid={inv} autoComplete="off" spellCheck={false} />
      </div>
      <output className="mono small tpl-repo-value" htmlFor={`${id}-host ${id}-owner ${id}-repo`} aria-live="polite">
        {formatRepoUrl(state) ?? <span className="muted">Leave owner and repository empty for the template&apos;s default</span>}
      </output>
    </div>
  );
}

/** What an entity name may be (Backstage's rule); only such names are looked up. */
const ENTITY_NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;

/**
 * EntityNamePicker's clash warning: as soon as a name is typed (debounced), the entities the catalog already
 * has under that name, in any kind. It only warns: the kind the golden path creates is not known here, and
 * the run itself refuses to register an entity that exists (its catalog:register step fails).
 */
export function EntityNameClash({ id, name }: { id: string; name: unknown }) {
  const typed = useDebounced(typeof name === 'string' ? name.trim() : '', 300);
  const existing = useAsync(
    async (signal) => ({
      name: typed,
      refs: ENTITY_NAME.test(typed) ? (await queryEntities({ filters: { 'metadata.name': typed }, limit: 5, fields: ['kind', 'metadata.name', 'metadata.namespace'] }, signal)).items.map(refOf) : [],
    }),
    [typed],
  );
  // Only the answer for the name now in the field: an answer for an earlier name says nothing.
  const current = typeof name === 'string' && existing.data?.name === name.trim() ? existing.data.refs : [];
  return (
    <p className="hint warn-text tpl-name-clash" id={id} role="status">
      {current.length ? (
        <>
          The catalog already has {current.map((ref) => humanRef(ref)).join(', ')}. A new entity of the same kind and namespace would clash: the run would
          fail when it registers it.
        </>
      ) : null}
    </p>
  );
}
