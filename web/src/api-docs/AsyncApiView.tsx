import { useMemo } from 'react';
import { SanitizedMarkdown as Markdown } from '../components/SanitizedMarkdown';
import { parseDefinition } from './parseDefinition';
import { DefinitionError } from './DefinitionError';
import { SchemaTree, sampleOf } from './SchemaTree';
import { makeResolver, refName, type Schema } from './schema-refs';

type Obj = Record<string, unknown>;

interface Message {
  id: string;
  name?: string;
  title?: string;
  summary?: string;
  description?: string;
  contentType?: string;
  headers?: unknown;
  payload?: unknown;
  examples?: { name?: string; payload?: unknown }[];
}

interface Operation {
  id: string;
  action: string;
  channel: string;
  summary?: string;
  description?: string;
  messages: Message[];
}

const obj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * AsyncAPI 2.x and 3.x, rendered from the document itself: info, servers, every operation with its
 * channel and messages, message headers and payloads as schema trees with examples, and the
 * components' schemas. Local $refs are followed; nothing is evaluated, so it runs under a strict CSP.
 */
export default function AsyncApiView({ definition }: { definition: string }) {
  const parsed = useMemo(() => parseDefinition(definition), [definition]);
  const model = useMemo(() => (parsed.doc ? buildModel(parsed.doc) : undefined), [parsed.doc]);
  if (parsed.error || !parsed.doc || !model) return <DefinitionError message={parsed.error ?? 'empty document'} />;
  if (!model.version) return <DefinitionError message="This is not an AsyncAPI document: it has no asyncapi: version field." />;
  const { info, servers, operations, schemas, resolve, version } = model;
  return (
    <div className="asyncapi-view" data-testid="asyncapi-rendered">
      <header className="api-info">
        <h3>
          {str(info.title) ?? 'Untitled API'} <span className="type-pill">{str(info.version) ?? '?'}</span> <span className="type-pill">AsyncAPI {version}</span>
        </h3>
        <Markdown text={str(info.description)} />
      </header>
      {servers.length ? (
        <section aria-labelledby="aa-servers">
          <h3 id="aa-servers">Servers</h3>
          <ul className="aa-servers">
            {servers.map((s) => (
              <li key={s.name}>
                <code>{s.url}</code> <span className="type-pill">{s.protocol}</span> <strong>{s.name}</strong>
                {s.description ? <span className="muted"> — {s.description}</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section aria-labelledby="aa-ops">
        <h3 id="aa-ops">Operations</h3>
        {operations.length === 0 ? <p className="muted">This document declares no operations.</p> : null}
        {operations.map((op) => (
          <article key={op.id} className="aa-op" id={`aa-op-${op.id}`}>
            <h4>
              <span className={`aa-action aa-${op.action}`}>{op.action}</span> <code>{op.channel}</code>
            </h4>
            {op.summary ? <p className="aa-summary">{op.summary}</p> : null}
            <Markdown text={op.description} />
            {op.messages.map((m) => (
              <MessageView key={m.id} message={m} resolve={resolve} />
            ))}
          </article>
        ))}
      </section>
      {schemas.length ? (
        <section aria-labelledby="aa-schemas">
          <h3 id="aa-schemas">Schemas</h3>
          {schemas.map(([name, schema]) => (
            <details key={name} className="aa-schema">
              <summary>
                <code>{name}</code>
              </summary>
              <SchemaTree schema={schema} resolve={resolve} />
            </details>
          ))}
        </section>
      ) : null}
    </div>
  );
}

function MessageView({ message: m, resolve }: { message: Message; resolve: (n: unknown) => Schema | undefined }) {
  const example = m.examples?.find((e) => e.payload !== undefined)?.payload ?? (m.payload ? sampleOf(m.payload, resolve) : undefined);
  return (
    <div className="aa-message">
      <div className="aa-message-head">
        <span className="muted small">Message</span> <strong>{m.title ?? m.name ?? m.id}</strong>
        {m.contentType ? <span className="type-pill">{m.contentType}</span> : null}
      </div>
      {m.summary ? <p className="aa-summary">{m.summary}</p> : null}
      <Markdown text={m.description} />
      <div className="aa-message-body">
        <div>
          {m.headers ? (
            <>
              <h5>Headers</h5>
              <SchemaTree schema={m.headers} resolve={resolve} />
            </>
          ) : null}
          <h5>Payload {refName(m.payload) ? <span className="schema-ref">{refName(m.payload)}</span> : null}</h5>
          {m.payload ? <SchemaTree schema={m.payload} resolve={resolve} /> : <p className="muted">No payload schema.</p>}
        </div>
        {example !== undefined ? (
          <div>
            <h5>Example</h5>
            <pre className="code small-code">
              <code>{JSON.stringify(example, null, 2)}</code>
            </pre>
          </div>
        ) : null}
      </div>
    </div>
  );
}

function toMessage(id: string, raw: unknown, resolve: (n: unknown) => Obj | undefined): Message[] {
  const m = resolve(raw);
  if (!m) return [];
  if (Array.isArray(m.oneOf)) return m.oneOf.flatMap((x, i) => toMessage(refName(x) ?? `${id}-${i + 1}`, x, resolve));
  const examples = Array.isArray(m.examples) ? (m.examples as { name?: string; payload?: unknown }[]) : undefined;
  return [
    {
      id: refName(raw) ?? str(m.name) ?? id,
      name: str(m.name),
      title: str(m.title),
      summary: str(m.summary),
      description: str(m.description),
      contentType: str(m.contentType),
      headers: m.headers,
      payload: m.payload,
      examples,
    },
  ];
}

function buildModel(doc: Obj) {
  const resolve = makeResolver(doc) as (n: unknown) => Obj | undefined;
  const version = str(doc.asyncapi) ?? (typeof doc.asyncapi === 'number' ? String(doc.asyncapi) : undefined);
  const v3 = version?.startsWith('3');
  const info = obj(doc.info);
  const servers = Object.entries(obj(doc.servers)).map(([name, raw]) => {
    const s = resolve(raw) ?? {};
    const url = v3 ? `${str(s.host) ?? ''}${str(s.pathname) ?? ''}` : (str(s.url) ?? '');
    return { name, url, protocol: `${str(s.protocol) ?? ''}${s.protocolVersion ? ` ${String(s.protocolVersion)}` : ''}`, description: str(s.description) };
  });
  const operations: Operation[] = [];
  if (v3) {
    for (const [id, raw] of Object.entries(obj(doc.operations))) {
      const op = resolve(raw) ?? {};
      const channel = resolve(op.channel) ?? {};
      const channelName = str(channel.address) ?? refName(op.channel) ?? '';
      const refs = Array.isArray(op.messages) && op.messages.length ? op.messages : Object.values(obj(channel.messages));
      operations.push({
        id,
        action: str(op.action) ?? 'operation',
        channel: channelName,
        summary: str(op.summary) ?? str(op.title),
        description: str(op.description) ?? str(channel.description),
        messages: refs.flatMap((r, i) => toMessage(`${id}-message-${i + 1}`, r, resolve)),
      });
    }
  } else {
    for (const [name, raw] of Object.entries(obj(doc.channels))) {
      const ch = resolve(raw) ?? {};
      for (const action of ['publish', 'subscribe'] as const) {
        const op = resolve(ch[action]);
        if (!op) continue;
        const id = str(op.operationId) ?? `${action}-${name}`;
        operations.push({
          id,
          action,
          channel: name,
          summary: str(op.summary),
          description: str(op.description) ?? str(ch.description),
          messages: toMessage(`${id}-message`, op.message, resolve),
        });
      }
    }
  }
  const schemas = Object.entries(obj(obj(doc.components).schemas));
  return { version, info, servers, operations, schemas, resolve: resolve as (n: unknown) => Schema | undefined };
}
