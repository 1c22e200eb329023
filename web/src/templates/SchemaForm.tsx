/**
 * A schema-driven form for one page of a template's parameters: text, number, boolean, enums,
 * arrays of strings, nested objects, and the Backstage pickers (OwnerPicker, EntityPicker,
 * MultiEntityPicker, EntityNamePicker, RepoUrlPicker, EntityTagsPicker). No schema compiler:
 * nothing is evaluated, so the portal's CSP holds.
 */
import { useState } from 'react';
import { queryEntities, type Entity, type FilterSet } from '../lib/api';
import { useAsync } from '../lib/hooks';
import { displayName, humanRef, refOf } from '../lib/refs';
import { formatRepoUrl, isEmpty, orderedProperties, parseRepoUrl, typeOf, type Errors, type JsonSchema, type Values } from './schema';

export function fieldId(pointer: string): string {
  return `field${pointer.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
}

export function SchemaForm({ schema, values, onChange, errors, base = '' }: { schema: JsonSchema; values: Values; onChange: (v: Values) => void; errors: Errors; base?: string }) {
  return (
    <>
      {orderedProperties(schema).map(([key, prop]) => (
        <Field
          key={key}
          name={key}
          pointer={`${base}/${key}`}
          schema={prop}
          required={schema.required?.includes(key) ?? false}
          value={values[key]}
          onChange={(v) => {
            const next = { ...values };
            if (isEmpty(v)) delete next[key];
            else next[key] = v;
            onChange(next);
          }}
          errors={errors}
        />
      ))}
    </>
  );
}

interface FieldProps {
  name: string;
  pointer: string;
  schema: JsonSchema;
  required: boolean;
  value: unknown;
  onChange: (v: unknown) => void;
  errors: Errors;
}

function Field(props: FieldProps) {
  const { name, pointer, schema, required, errors } = props;
  const id = fieldId(pointer);
  const own = errors[pointer] ?? [];
  const title = schema.title ?? name;
  const help = schema.description ?? schema['ui:help'];
  const t = typeOf(schema);
  const uiField = schema['ui:field'];
  const describedBy = [help ? `${id}-hint` : '', own.length ? `${id}-errors` : ''].filter(Boolean).join(' ') || undefined;
  const common = { id, 'aria-describedby': describedBy, 'aria-invalid': own.length ? true : undefined, 'aria-required': required || undefined };

  if (t === 'object' && schema.properties && !uiField) {
    return (
      <fieldset className="tpl-fieldset" aria-describedby={describedBy}>
        <legend>{title}</legend>
        {help ? <p className="hint" id={`${id}-hint`}>{help}</p> : null}
        <SchemaForm schema={schema} values={(props.value as Values) ?? {}} onChange={props.onChange} errors={errors} base={pointer} />
        <FieldErrors id={`${id}-errors`} errors={own} />
      </fieldset>
    );
  }

  let control: React.ReactNode;
  let isGroup = false;
  if (uiField === 'OwnerPicker' || uiField === 'EntityPicker') {
    control = <EntityPicker {...common} schema={schema} value={typeof props.value === 'string' ? props.value : ''} onChange={props.onChange} defaultKind={uiField === 'OwnerPicker' ? ['Group', 'User'] : undefined} />;
  } else if (uiField === 'MultiEntityPicker') {
    control = <EntityPicker {...common} multiple schema={schema} value={Array.isArray(props.value) ? (props.value as string[]) : []} onChange={props.onChange} />;
  } else if (uiField === 'RepoUrlPicker') {
    isGroup = true;
    control = <RepoUrlPicker id={id} describedBy={describedBy} invalid={own.length > 0} schema={schema} value={props.value} onChange={props.onChange} />;
  } else if (uiField === 'EntityTagsPicker' || (t === 'array' && (!schema.items || typeOf(schema.items) === 'string') && !schema.items?.enum)) {
    const list = Array.isArray(props.value) ? (props.value as string[]) : [];
    control = <ListInput {...common} value={list} onChange={props.onChange} tags={uiField === 'EntityTagsPicker'} />;
  } else if (t === 'array' && schema.items?.enum) {
    isGroup = true;
    const list = Array.isArray(props.value) ? (props.value as unknown[]) : [];
    control = (
      <div className="tpl-checks" role="group" aria-labelledby={`${id}-label`} aria-describedby={describedBy}>
        {schema.items.enum.map((opt, i) => (
          <label key={String(opt)} className="tpl-check">
            <input type="checkbox" checked={list.includes(opt)} onChange={(e) => props.onChange(e.target.checked ? [...list, opt] : list.filter((x) => x !== opt))} />{' '}
            {schema.items?.enumNames?.[i] ?? String(opt)}
          </label>
        ))}
      </div>
    );
  } else if (schema.enum || schema.oneOf?.every((o) => 'const' in o)) {
    const options = schema.enum ? schema.enum.map((v, i) => ({ value: v, label: schema.enumNames?.[i] ?? String(v) })) : schema.oneOf!.map((o) => ({ value: o.const, label: o.title ?? String(o.const) }));
    const index = options.findIndex((o) => o.value === props.value);
    control = (
      <select {...common} value={index >= 0 ? String(index) : ''} onChange={(e) => props.onChange(e.target.value === '' ? undefined : options[Number(e.target.value)]!.value)}>
        <option value="">{required ? 'Choose…' : '(none)'}</option>
        {options.map((o, i) => (
          <option key={i} value={String(i)}>
            {o.label}
          </option>
        ))}
      </select>
    );
  } else if (t === 'boolean') {
    return (
      <div className={`field tpl-bool${own.length ? ' invalid' : ''}`}>
        <label className="tpl-check">
          <input type="checkbox" {...common} checked={props.value === true} onChange={(e) => props.onChange(e.target.checked)} /> {title}
        </label>
        {help ? <p className="hint" id={`${id}-hint`}>{help}</p> : null}
        <FieldErrors id={`${id}-errors`} errors={own} />
      </div>
    );
  } else if (t === 'number' || t === 'integer') {
    control = (
      <NumberInput {...common} value={typeof props.value === 'number' ? props.value : undefined} min={schema.minimum} max={schema.maximum} step={t === 'integer' ? 1 : 'any'} onChange={props.onChange} />
    );
  } else if (schema['ui:widget'] === 'textarea') {
    control = <textarea {...common} rows={4} value={typeof props.value === 'string' ? props.value : ''} onChange={(e) => props.onChange(e.target.value)} placeholder={schema['ui:placeholder']} />;
  } else {
    // Strings, EntityNamePicker included (its pattern is shown as a hint and checked before leaving the page).
    control = (
      <input
        {...common}
        type={schema['ui:widget'] === 'password' ? 'password' : 'text'}
        value={typeof props.value === 'string' ? props.value : ''}
        onChange={(e) => props.onChange(e.target.value)}
        placeholder={schema['ui:placeholder']}
        maxLength={schema.maxLength}
        autoFocus={schema['ui:autofocus'] === true}
        readOnly={schema['ui:readonly'] === true}
        spellCheck={uiField === 'EntityNamePicker' ? false : undefined}
        autoComplete="off"
      />
    );
  }
  return (
    <div className={`field${own.length ? ' invalid' : ''}`} data-field={name}>
      {isGroup ? (
        <span className="tpl-label" id={`${id}-label`}>
          {title}
          {required ? <Req /> : null}
        </span>
      ) : (
        <label htmlFor={id} id={`${id}-label`}>
          {title}
          {required ? <Req /> : null}
        </label>
      )}
      {control}
      {help || schema.pattern ? (
        <p className="hint" id={`${id}-hint`}>
          {help}
          {uiField === 'EntityNamePicker' && schema.pattern ? (
            <>
              {' '}
              Pattern: <code>{schema.pattern}</code>
            </>
          ) : null}
        </p>
      ) : null}
      <FieldErrors id={`${id}-errors`} errors={own} />
    </div>
  );
}

function Req() {
  return (
    <span className="tpl-req" aria-hidden="true">
      {' '}
      *
    </span>
  );
}

export function FieldErrors({ id, errors }: { id: string; errors: string[] }) {
  if (!errors.length) return null;
  return (
    <ul className="field-errors" id={id}>
      {errors.map((e, i) => (
        <li key={i}>{e}</li>
      ))}
    </ul>
  );
}

type Common = { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean; 'aria-required'?: boolean };

function NumberInput({ value, onChange, min, max, step, ...common }: Common & { value?: number; onChange: (v: unknown) => void; min?: number; max?: number; step: number | 'any' }) {
  const [text, setText] = useState(value === undefined ? '' : String(value));
  const shown = Number(text) === value || (text === '' && value === undefined) ? text : value === undefined ? '' : String(value);
  return (
    <input
      {...common}
      type="number"
      inputMode="numeric"
      value={shown}
      min={min}
      max={max}
      step={step}
      onChange={(e) => {
        setText(e.target.value);
        const n = e.target.value === '' ? undefined : Number(e.target.value);
        onChange(n === undefined || Number.isNaN(n) ? e.target.value || undefined : n);
      }}
    />
  );
}

/** Arrays of strings (and EntityTagsPicker): one value per line, or comma-separated for tags. */
function ListInput({ value, onChange, tags, ...common }: Common & { value: string[]; onChange: (v: unknown) => void; tags: boolean }) {
  const [text, setText] = useState(value.join(tags ? ', ' : '\n'));
  const parse = (s: string) =>
    s
      .split(tags ? /[,\s]+/ : /\n/)
      .map((x) => (tags ? x.trim().toLowerCase() : x.trim()))
      .filter(Boolean);
  return (
    <>
      {tags ? (
        <input {...common} type="text" value={text} autoComplete="off" onChange={(e) => { setText(e.target.value); onChange(parse(e.target.value)); }} placeholder="tag-one, tag-two" />
      ) : (
        <textarea {...common} rows={3} value={text} onChange={(e) => { setText(e.target.value); onChange(parse(e.target.value)); }} placeholder="One value per line" />
      )}
      {value.length ? (
        <div className="tpl-chips" aria-hidden="true">
          {value.map((v) => (
            <span key={v} className="tag">{v}</span>
          ))}
        </div>
      ) : null}
    </>
  );
}

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

function EntityPicker({
  schema,
  value,
  onChange,
  multiple,
  defaultKind,
  ...common
}: Common & { schema: JsonSchema; value: string | string[]; onChange: (v: unknown) => void; multiple?: boolean; defaultKind?: string[] }) {
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

function RepoUrlPicker({ id, describedBy, invalid, schema, value, onChange }: { id: string; describedBy?: string; invalid: boolean; schema: JsonSchema; value: unknown; onChange: (v: unknown) => void }) {
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
        {formatRepoUrl(state) ?? <span className="muted">Leave owner and repository empty for the template's default</span>}
      </output>
    </div>
  );
}
