import { useMemo, useState, type ReactNode } from 'react';
import {
  buildSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isUnionType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type GraphQLType,
} from 'graphql';
import { DefinitionError } from './DefinitionError';

/**
 * A GraphQL schema explorer: the SDL is parsed and validated by graphql-js, then root
 * operations and every named type are shown with descriptions, arguments and cross-links.
 */
export default function GraphqlView({ definition }: { definition: string }) {
  const parsed = useMemo((): { schema?: GraphQLSchema; error?: string } => {
    try {
      return { schema: buildSchema(definition) };
    } catch (e) {
      try {
        // Fall back to an unvalidated build so a schema with one mistake still renders.
        return { schema: buildSchema(definition, { assumeValidSDL: true, assumeValid: true }), error: e instanceof Error ? e.message : String(e) };
      } catch {
        return { error: e instanceof Error ? e.message : String(e) };
      }
    }
  }, [definition]);
  const [needle, setNeedle] = useState('');
  if (!parsed.schema) return <DefinitionError message={parsed.error ?? 'unknown error'} />;
  const schema = parsed.schema;
  const roots = [
    { label: 'Queries', type: schema.getQueryType() },
    { label: 'Mutations', type: schema.getMutationType() },
    { label: 'Subscriptions', type: schema.getSubscriptionType() },
  ].filter((r) => r.type);
  const rootNames = new Set(roots.map((r) => r.type!.name));
  const types = Object.values(schema.getTypeMap())
    .filter((t) => !t.name.startsWith('__') && !rootNames.has(t.name))
    .filter((t) => !(isScalarType(t) && ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(t.name)))
    .filter((t) => !needle || t.name.toLowerCase().includes(needle.toLowerCase()))
    .sort((a, b) => a.name.localeCompare(b.name));

  return (
    <div className="graphql-view" data-testid="graphql-rendered">
      {parsed.error ? (
        <p className="warn-text small" role="note">
          The schema has a validation error, shown as far as possible: {parsed.error}
        </p>
      ) : null}
      {roots.map((r) => (
        <section key={r.label} className="gql-root">
          <h3>{r.label}</h3>
          {r.type!.description ? <p className="muted">{r.type!.description}</p> : null}
          <FieldList fields={Object.values((r.type as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields())} />
        </section>
      ))}
      <section className="gql-types">
        <div className="card-head">
          <h3>Types</h3>
          <input type="search" placeholder="Find a type…" aria-label="Find a GraphQL type" value={needle} onChange={(e) => setNeedle(e.target.value)} />
        </div>
        {types.length === 0 ? <p className="muted">No type matches.</p> : types.map((t) => <TypeCard key={t.name} type={t} />)}
      </section>
    </div>
  );
}

function kindOf(t: GraphQLNamedType): string {
  if (isObjectType(t)) return 'type';
  if (isInterfaceType(t)) return 'interface';
  if (isUnionType(t)) return 'union';
  if (isEnumType(t)) return 'enum';
  if (isInputObjectType(t)) return 'input';
  return 'scalar';
}

function TypeCard({ type: t }: { type: GraphQLNamedType }) {
  let body: ReactNode = null;
  if (isObjectType(t) || isInterfaceType(t)) body = <FieldList fields={Object.values(t.getFields())} />;
  else if (isInputObjectType(t)) body = <FieldList fields={Object.values(t.getFields())} />;
  else if (isEnumType(t))
    body = (
      <ul className="gql-enum">
        {t.getValues().map((v) => (
          <li key={v.name}>
            <code>{v.name}</code>
            {v.description ? <span className="muted"> — {v.description}</span> : null}
            {v.deprecationReason ? <span className="warn-text small"> deprecated: {v.deprecationReason}</span> : null}
          </li>
        ))}
      </ul>
    );
  else if (isUnionType(t))
    body = (
      <p>
        One of:{' '}
        {t.getTypes().map((m, i) => (
          <span key={m.name}>
            {i ? ' | ' : ''}
            <TypeRef type={m} />
          </span>
        ))}
      </p>
    );
  const interfaces = isObjectType(t) || isInterfaceType(t) ? t.getInterfaces() : [];
  return (
    <article className="gql-type" id={`gql-${t.name}`}>
      <h4>
        <span className="gql-kind">{kindOf(t)}</span> {t.name}
        {interfaces.length ? (
          <span className="muted small">
            {' '}
            implements{' '}
            {interfaces.map((i, n) => (
              <span key={i.name}>
                {n ? ', ' : ''}
                <TypeRef type={i} />
              </span>
            ))}
          </span>
        ) : null}
      </h4>
      {t.description ? <p className="muted">{t.description}</p> : null}
      {body}
    </article>
  );
}

function FieldList({ fields }: { fields: (GraphQLField<unknown, unknown> | GraphQLInputField)[] }) {
  return (
    <dl className="gql-fields">
      {fields.map((f) => (
        <div key={f.name}>
          <dt>
            <code>
              {f.name}
              {'args' in f && f.args.length ? <Args args={f.args} /> : null}: <TypeRef type={f.type} />
            </code>
            {f.deprecationReason ? <span className="warn-text small"> deprecated: {f.deprecationReason}</span> : null}
          </dt>
          {f.description ? <dd>{f.description}</dd> : null}
        </div>
      ))}
    </dl>
  );
}

function Args({ args }: { args: readonly GraphQLArgument[] }) {
  return (
    <>
      (
      {args.map((a, i) => (
        <span key={a.name}>
          {i ? ', ' : ''}
          {a.name}: <TypeRef type={a.type} />
        </span>
      ))}
      )
    </>
  );
}

function TypeRef({ type }: { type: GraphQLType }) {
  const named = getNamedType(type);
  const text = String(type);
  const [before, after] = text.split(named.name) as [string, string];
  const builtIn = isScalarType(named) && ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(named.name);
  return (
    <>
      {before}
      {builtIn ? <span className="gql-scalar">{named.name}</span> : <a href={`#gql-${named.name}`}>{named.name}</a>}
      {after}
    </>
  );
}
