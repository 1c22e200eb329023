/**
 * A form generated from a capability's JSON Schema (spec.api.schema): strings, numbers and integers
 * (with minimum/maximum), booleans, enums as selects, and nested objects one level deep. Values are
 * kept as drafts keyed by dotted path and turned into a spec with `specFromDraft`.
 */
import type { FieldError } from '../lib/api';
import type { JsonSchema } from './platformApi';

export type Draft = Record<string, string | boolean>;

function typeOf(s: JsonSchema): string {
  const t = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
  if (t) return t;
  if (s.properties) return 'object';
  if (s.enum?.length) return typeof s.enum[0] === 'number' ? 'number' : typeof s.enum[0] === 'boolean' ? 'boolean' : 'string';
  return 'string';
}

/** The form's starting values: every default of the schema (one object level deep). */
export function initialDraft(schema: JsonSchema, prefix = '', depth = 0): Draft {
  const draft: Draft = {};
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    const t = typeOf(prop);
    if (t === 'object') {
      if (depth === 0) Object.assign(draft, initialDraft(prop, path, 1));
    } else if (t === 'boolean') draft[path] = prop.default === true;
    else draft[path] = prop.default === undefined || prop.default === null ? '' : String(prop.default);
  }
  return draft;
}

/** The request's spec from the drafts: empty optional fields are left out, numbers parsed. */
export function specFromDraft(schema: JsonSchema, draft: Draft, prefix = '', depth = 0): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    const t = typeOf(prop);
    if (t === 'object') {
      if (depth > 0) continue;
      const inner = specFromDraft(prop, draft, path, 1);
      if (Object.keys(inner).length || schema.required?.includes(key)) spec[key] = inner;
      continue;
    }
    const v = draft[path];
    if (v === undefined) continue;
    if (t === 'boolean') {
      if (v === true || prop.default !== undefined || schema.required?.includes(key)) spec[key] = v === true;
      continue;
    }
    const text = String(v);
    if (text === '') continue;
    if (t === 'number' || t === 'integer') {
      const n = Number(text);
      spec[key] = Number.isFinite(n) ? n : text; // a non-number is sent as is: the server names the mistake
    } else spec[key] = text;
  }
  return spec;
}

/** The pointers of the fields the form shows (errors at other pointers are listed under the form). */
export function fieldPointers(schema: JsonSchema, prefix = '/spec', depth = 0): string[] {
  const out: string[] = [];
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const pointer = `${prefix}/${key}`;
    if (typeOf(prop) === 'object') {
      if (depth > 0) continue;
      out.push(pointer, ...fieldPointers(prop, pointer, 1));
    } else out.push(pointer);
  }
  return out;
}

/** The errors (from a 422 problem) whose pointer is this field. */
export function errorsAt(errors: FieldError[] | undefined, pointer: string): FieldError[] {
  return (errors ?? []).filter((e) => e.pointer === pointer);
}

function FieldErrors({ id, errors }: { id: string; errors: FieldError[] }) {
  if (!errors.length) return null;
  return (
    <ul className="field-errors" id={id} data-pointer={errors[0]!.pointer}>
      {errors.map((e, i) => (
        <li key={i}>{e.detail}</li>
      ))}
    </ul>
  );
}

export function SchemaFields({
  schema,
  draft,
  onChange,
  errors,
  prefix = '',
  depth = 0,
}: {
  schema: JsonSchema;
  draft: Draft;
  onChange: (path: string, value: string | boolean) => void;
  errors?: FieldError[];
  prefix?: string;
  depth?: number;
}) {
  const entries = Object.entries(schema.properties ?? {});
  if (entries.length === 0 && depth === 0) return <p className="muted">This capability takes no settings.</p>;
  return (
    <>
      {entries.map(([key, prop]) => {
        const path = prefix ? `${prefix}.${key}` : key;
        const pointer = `/spec/${path.split('.').join('/')}`;
        const id = `spec-${path.replace(/\./g, '-')}`;
        const t = typeOf(prop);
        const label = prop.title ?? key;
        const required = schema.required?.includes(key) ?? false;
        if (t === 'object') {
          if (depth > 0) return null;
          return (
            <fieldset key={path}>
              <legend>{label}</legend>
              {prop.description ? <p className="hint muted small">{prop.description}</p> : null}
              <SchemaFields schema={prop} draft={draft} onChange={onChange} errors={errors} prefix={path} depth={depth + 1} />
              <FieldErrors id={`${id}-err`} errors={errorsAt(errors, pointer)} />
            </fieldset>
          );
        }
        const fe = errorsAt(errors, pointer);
        const hintId = prop.description || prop.minimum !== undefined || prop.maximum !== undefined ? `${id}-hint` : undefined;
        const describedBy = [hintId, fe.length ? `${id}-err` : undefined].filter(Boolean).join(' ') || undefined;
        const common = { id, name: path, 'aria-invalid': fe.length > 0 || undefined, 'aria-describedby': describedBy, required };
        const value = draft[path];
        let input;
        if (t === 'boolean') {
          input = <input type="checkbox" {...common} required={false} checked={value === true} onChange={(e) => onChange(path, e.target.checked)} />;
        } else if (prop.enum?.length) {
          input = (
            <select {...common} value={String(value ?? '')} onChange={(e) => onChange(path, e.target.value)}>
              {!required || value === '' ? <option value="">—</option> : null}
              {prop.enum.map((o) => (
                <option key={String(o)} value={String(o)}>
                  {String(o)}
                </option>
              ))}
            </select>
          );
        } else if (t === 'number' || t === 'integer') {
          input = (
            <input
              type="number"
              {...common}
              min={prop.minimum}
              max={prop.maximum}
              step={t === 'integer' ? 1 : 'any'}
              value={String(value ?? '')}
              onChange={(e) => onChange(path, e.target.value)}
            />
          );
        } else {
          input = <input type="text" {...common} minLength={prop.minLength} maxLength={prop.maxLength} value={String(value ?? '')} onChange={(e) => onChange(path, e.target.value)} />;
        }
        const range =
          prop.minimum !== undefined || prop.maximum !== undefined
            ? ` (${prop.minimum !== undefined ? `min ${prop.minimum}` : ''}${prop.minimum !== undefined && prop.maximum !== undefined ? ', ' : ''}${prop.maximum !== undefined ? `max ${prop.maximum}` : ''})`
            : '';
        return (
          <div key={path} className={`field${t === 'boolean' ? ' check-field' : ''}${fe.length ? ' invalid' : ''}`}>
            {t === 'boolean' ? input : null}
            <label htmlFor={id}>
              {label}
              {required ? <span aria-hidden="true"> *</span> : null}
            </label>
            {t !== 'boolean' ? input : null}
            {hintId ? (
              <p className="hint" id={hintId}>
                {prop.description}
                {range}
              </p>
            ) : null}
            <FieldErrors id={`${id}-err`} errors={fe} />
          </div>
        );
      })}
    </>
  );
}

export { FieldErrors };
