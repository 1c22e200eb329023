import type { ReactNode } from 'react';
import { refName, type Schema } from './schema-refs';

function typeLabel(s: Schema, resolve: (n: unknown) => Schema | undefined): string {
  const t = s.type;
  if (Array.isArray(t)) return t.join(' | ');
  if (t === 'array') {
    const items = resolve(s.items);
    const name = refName(s.items);
    return `array of ${name ?? (items ? typeLabel(items, resolve) : 'any')}`;
  }
  if (typeof t === 'string') return typeof s.format === 'string' ? `${t} (${s.format})` : t;
  if (s.allOf) return 'all of';
  if (s.oneOf) return 'one of';
  if (s.anyOf) return 'any of';
  if (s.properties) return 'object';
  if (s.enum) return 'enum';
  return 'any';
}

/** A JSON Schema as a tree of named, typed properties; nested objects fold open. */
export function SchemaTree({ schema, resolve, depth = 0, path = new Set<unknown>() }: { schema: unknown; resolve: (n: unknown) => Schema | undefined; depth?: number; path?: Set<unknown> }) {
  const s = resolve(schema);
  if (!s) return <span className="muted">any</span>;
  if (path.has(s) || depth > 8) return <span className="muted">(recursive: {refName(schema) ?? 'schema'})</span>;
  const inner = new Set(path).add(s);
  const parts: ReactNode[] = [];
  const props = (s.properties ?? {}) as Record<string, unknown>;
  const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
  for (const key of ['allOf', 'oneOf', 'anyOf'] as const) {
    const list = s[key];
    if (Array.isArray(list))
      parts.push(
        <div key={key} className="schema-combo">
          <span className="schema-combo-label">{key === 'allOf' ? 'All of' : key === 'oneOf' ? 'One of' : 'Any of'}</span>
          <ul>
            {list.map((sub, i) => (
              <li key={i}>
                {refName(sub) ? <span className="schema-ref">{refName(sub)}</span> : null}
                <SchemaTree schema={sub} resolve={resolve} depth={depth + 1} path={inner} />
              </li>
            ))}
          </ul>
        </div>,
      );
  }
  if (Object.keys(props).length) {
    parts.push(
      <ul key="props" className="schema-props">
        {Object.entries(props).map(([name, raw]) => {
          const p = resolve(raw) ?? {};
          const nested = p.properties || p.allOf || p.oneOf || p.anyOf || (p.type === 'array' && resolve(p.items)?.properties);
          const head = (
            <span className="schema-head">
              <code className="schema-name">{name}</code>
              {required.has(name) ? <span className="schema-required">required</span> : null}
              <span className="schema-type">{refName(raw) ? `${refName(raw)} · ` : ''}{typeLabel(p, resolve)}</span>
              {Array.isArray(p.enum) ? <span className="schema-enum">{(p.enum as unknown[]).map((v) => JSON.stringify(v)).join(' | ')}</span> : null}
              {typeof p.description === 'string' ? <span className="schema-desc">{p.description}</span> : null}
            </span>
          );
          return (
            <li key={name}>
              {nested ? (
                <details open={depth < 1}>
                  <summary>{head}</summary>
                  <SchemaTree schema={p.type === 'array' ? p.items : raw} resolve={resolve} depth={depth + 1} path={inner} />
                </details>
              ) : (
                <div className="schema-leaf">{head}</div>
              )}
            </li>
          );
        })}
      </ul>,
    );
  }
  if (!parts.length) {
    parts.push(
      <div key="leaf" className="schema-leaf">
        <span className="schema-type">{typeLabel(s, resolve)}</span>
        {Array.isArray(s.enum) ? <span className="schema-enum">{(s.enum as unknown[]).map((v) => JSON.stringify(v)).join(' | ')}</span> : null}
        {typeof s.description === 'string' && depth === 0 ? <span className="schema-desc">{s.description}</span> : null}
      </div>,
    );
  }
  return <div className="schema-tree">{parts}</div>;
}

/** An example value for a schema: its own examples first, else one made up from the types. */
export function sampleOf(schema: unknown, resolve: (n: unknown) => Schema | undefined, depth = 0): unknown {
  const s = resolve(schema);
  if (!s || depth > 6) return null;
  if (Array.isArray(s.examples) && s.examples.length) return s.examples[0];
  if (s.example !== undefined) return s.example;
  if (s.default !== undefined) return s.default;
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  if (Array.isArray(s.allOf)) return Object.assign({}, ...s.allOf.map((x) => sampleOf(x, resolve, depth + 1)).filter((x) => x && typeof x === 'object'));
  if (Array.isArray(s.oneOf) && s.oneOf.length) return sampleOf(s.oneOf[0], resolve, depth + 1);
  if (Array.isArray(s.anyOf) && s.anyOf.length) return sampleOf(s.anyOf[0], resolve, depth + 1);
  const t = Array.isArray(s.type) ? s.type[0] : s.type;
  if (t === 'object' || s.properties) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, unknown>)) out[k] = sampleOf(v, resolve, depth + 1);
    return out;
  }
  if (t === 'array') return [sampleOf(s.items, resolve, depth + 1)];
  if (t === 'integer' || t === 'number') return typeof s.minimum === 'number' ? s.minimum : 0;
  if (t === 'boolean') return true;
  if (t === 'string') {
    if (s.format === 'date-time') return '2026-01-01T09:00:00Z';
    if (s.format === 'date') return '2026-01-01';
    if (s.format === 'uuid') return '3fa85f64-5717-4562-b3fc-2c963f66afa6';
    if (s.format === 'email') return 'someone@example.com';
    return 'string';
  }
  return null;
}
