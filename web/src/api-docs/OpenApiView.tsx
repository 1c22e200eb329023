import { useMemo, useState } from 'react';
import { ScrollTable } from '../components/ScrollTable';
import { SanitizedMarkdown as ApiMarkdown } from '../components/SanitizedMarkdown';
import { DefinitionError } from './DefinitionError';
import { parseDefinition } from './parseDefinition';
import { readOpenApi, type Content, type OpenApiModel, type Operation } from './openapi-model';
import { SchemaTree, sampleOf } from './SchemaTree';
import { refName, type Schema } from './schema-refs';

type Resolve = OpenApiModel['resolve'];

const PARAMETER_COLUMNS = ['Name', 'In', 'Type', 'Description'];

/**
 * OpenAPI 3.x and Swagger 2.0, rendered from the document itself in the portal's own styles (so both themes
 * apply): servers, operations by tag with parameters, request bodies and responses as schema trees with
 * examples, and the named schemas. Nothing calls the described service and nothing is evaluated.
 */
export default function OpenApiView({ definition }: { definition: string }) {
  const parsed = useMemo(() => parseDefinition(definition), [definition]);
  const model = useMemo(() => (parsed.doc ? readOpenApi(parsed.doc) : undefined), [parsed.doc]);
  const [filter, setFilter] = useState('');
  if (parsed.error || !model) return <DefinitionError message={parsed.error ?? 'empty document'} />;
  if ('error' in model) return <DefinitionError message={model.error} />;
  const needle = filter.trim().toLowerCase();
  const shown = model.groups
    .map((g) => ({ ...g, operations: g.operations.filter((op) => !needle || `${op.method} ${op.path} ${op.summary ?? ''} ${op.id}`.toLowerCase().includes(needle)) }))
    .filter((g) => g.operations.length);
  const count = model.groups.reduce((n, g) => n + g.operations.length, 0);
  return (
    <div className="openapi-view" data-testid="openapi-rendered">
      <header className="api-info">
        <h3>
          {model.info.title ?? 'Untitled API'} <span className="type-pill">{model.info.version ?? '?'}</span>{' '}
          <span className="type-pill">{model.version.startsWith('2') ? 'Swagger' : 'OpenAPI'} {model.version}</span>
        </h3>
        <ApiMarkdown text={model.info.description} />
        {model.servers.length ? (
          <ul className="oa-servers" aria-label="Servers">
            {model.servers.map((s) => (
              <li key={s.url}>
                <code className="break">{s.url}</code>
                {s.description ? <span className="muted"> — {s.description}</span> : null}
              </li>
            ))}
          </ul>
        ) : null}
      </header>
      {count > 5 ? (
        <label className="inline-field oa-filter">
          <span>Filter operations</span>
          <input type="search" value={filter} placeholder="path, method or summary" onChange={(e) => setFilter(e.target.value)} />
        </label>
      ) : null}
      {count === 0 ? <p className="muted">This document declares no operations.</p> : null}
      {needle && shown.length === 0 ? <p className="muted">No operation matches “{filter}”.</p> : null}
      {shown.map((group) => (
        <section key={group.tag} className="oa-group" aria-label={group.tag}>
          <h3>{group.tag}</h3>
          <ApiMarkdown text={group.description} />
          {group.operations.map((op) => (
            <OperationView key={`${op.method} ${op.path}`} op={op} resolve={model.resolve} />
          ))}
        </section>
      ))}
      {model.schemas.length ? (
        <section aria-labelledby="oa-schemas">
          <h3 id="oa-schemas">Schemas</h3>
          {model.schemas.map(([name, schema]) => (
            <details key={name} className="aa-schema">
              <summary>
                <code>{name}</code>
              </summary>
              <SchemaTree schema={schema} resolve={model.resolve} />
            </details>
          ))}
        </section>
      ) : null}
    </div>
  );
}

function OperationView({ op, resolve }: { op: Operation; resolve: Resolve }) {
  return (
    <details className={`oa-op oa-${op.method}${op.deprecated ? ' oa-deprecated' : ''}`} id={`oa-op-${op.id}`}>
      <summary className="oa-op-summary">
        <span className={`oa-method oa-method-${op.method}`}>{op.method}</span>
        <code className="oa-path break">{op.path}</code>
        {op.summary ? <span className="oa-op-title">{op.summary}</span> : null}
        {op.deprecated ? <span className="type-pill">deprecated</span> : null}
      </summary>
      <div className="oa-op-body">
        <ApiMarkdown text={op.description} />
        {op.parameters.length ? (
          <>
            <h5>Parameters</h5>
            <ScrollTable label={`Parameters of ${op.method.toUpperCase()} ${op.path}`} caption={`Parameters of ${op.method.toUpperCase()} ${op.path}`} className="oa-params" columns={PARAMETER_COLUMNS}>
              {op.parameters.map((p) => (
                <tr key={`${p.in}:${p.name}`}>
                  <td>
                    <code>{p.name}</code>
                    {p.required ? <span className="schema-required"> required</span> : null}
                  </td>
                  <td>{p.in}</td>
                  <td>
                    <SchemaTree schema={p.schema} resolve={resolve} depth={1} />
                  </td>
                  <td>{p.description ?? <span className="muted">—</span>}</td>
                </tr>
              ))}
            </ScrollTable>
          </>
        ) : null}
        {op.body ? (
          <>
            <h5>
              Request body{op.body.required ? <span className="schema-required"> required</span> : null}
            </h5>
            <ApiMarkdown text={op.body.description} />
            {op.body.content.map((c) => (
              <ContentView key={c.mediaType} content={c} resolve={resolve} />
            ))}
          </>
        ) : null}
        <h5>Responses</h5>
        <div className="oa-responses">
          {op.responses.map((r) => (
            <div key={r.code} className="oa-response">
              <div className="oa-response-head">
                <span className={`oa-code oa-code-${r.code[0]}`}>{r.code}</span> {r.description ?? ''}
              </div>
              {r.content.map((c) => (
                <ContentView key={c.mediaType} content={c} resolve={resolve} />
              ))}
            </div>
          ))}
        </div>
      </div>
    </details>
  );
}

function ContentView({ content, resolve }: { content: Content; resolve: Resolve }) {
  const example = content.example ?? (content.schema ? sampleOf(content.schema, resolve) : undefined);
  return (
    <div className="aa-message-body oa-content">
      <div>
        <span className="type-pill">{content.mediaType}</span> {refName(content.schema) ? <span className="schema-ref">{refName(content.schema)}</span> : null}
        {content.schema ? <SchemaTree schema={content.schema as Schema} resolve={resolve} /> : <p className="muted">No schema.</p>}
      </div>
      {example !== undefined && example !== null ? (
        <div>
          <pre className="code small-code" aria-label={`Example ${content.mediaType}`}>
            <code>{typeof example === 'string' ? example : JSON.stringify(example, null, 2)}</code>
          </pre>
        </div>
      ) : null}
    </div>
  );
}
