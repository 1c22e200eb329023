import { useId, useMemo, useState, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { ApiError, getFacets, queryEntities, saveEntity, type Entity, type FieldError } from '../lib/api';
import { useAsync } from '../lib/hooks';
import { entityPath, refOf } from '../lib/refs';
import { FormField, type FieldInputProps } from '../components/FormField';
import { FormProblem } from '../components/FormProblem';
import { CatalogPicker } from './CatalogPicker';

/** Lifecycles Backstage documents, offered even before any entity uses them. */
const WELL_KNOWN_LIFECYCLES = ['experimental', 'production', 'deprecated'];

/** How a form writes a ref: bare name for the field's own kind in the default namespace, else `kind:[namespace/]name`. */
function shortRef(e: Entity, ownKind: string): string {
  const namespace = e.metadata.namespace && e.metadata.namespace !== 'default' ? `${e.metadata.namespace}/` : '';
  const kind = e.kind.toLowerCase();
  return kind === ownKind ? `${namespace}${e.metadata.name}` : `${kind}:${namespace}${e.metadata.name}`;
}

interface Draft {
  title: string;
  description: string;
  owner: string;
  lifecycle: string;
  type: string;
  system: string;
  tags: string;
}

/** Which form field shows the errors of a JSON pointer. */
const POINTER_FIELDS: [prefix: string, field: keyof Draft][] = [
  ['/metadata/title', 'title'],
  ['/metadata/description', 'description'],
  ['/metadata/tags', 'tags'],
  ['/spec/owner', 'owner'],
  ['/spec/lifecycle', 'lifecycle'],
  ['/spec/type', 'type'],
  ['/spec/system', 'system'],
];

function fieldOf(pointer: string): keyof Draft | undefined {
  return POINTER_FIELDS.find(([p]) => pointer === p || pointer.startsWith(`${p}/`))?.[1];
}

function toDraft(e: Entity): Draft {
  const s = (v: unknown) => (typeof v === 'string' ? v : '');
  return {
    title: e.metadata.title ?? '',
    description: e.metadata.description ?? '',
    owner: s(e.spec?.owner),
    lifecycle: s(e.spec?.lifecycle),
    type: s(e.spec?.type),
    system: s(e.spec?.system),
    tags: (e.metadata.tags ?? []).join(', '),
  };
}

/** Applies the draft to a copy of the entity; empty optional fields are removed, not saved as "". */
function apply(e: Entity, d: Draft, shown: Set<keyof Draft>): Entity {
  const metadata = { ...e.metadata };
  const spec = { ...(e.spec ?? {}) };
  const set = (obj: Record<string, unknown>, key: string, value: string) => {
    if (value.trim() === '') delete obj[key];
    else obj[key] = value;
  };
  set(metadata, 'title', d.title);
  metadata.description = d.description;
  if (d.description.trim() === '') delete metadata.description;
  const tags = d.tags
    .split(/[,\s]+/)
    .map((t) => t.trim())
    .filter(Boolean);
  if (tags.length) metadata.tags = tags;
  else delete metadata.tags;
  if (shown.has('owner')) spec.owner = d.owner.trim();
  if (shown.has('lifecycle')) spec.lifecycle = d.lifecycle.trim();
  if (shown.has('type')) spec.type = d.type.trim();
  if (shown.has('system')) set(spec, 'system', d.system.trim());
  const { relations: _r, status: _s, ...rest } = e;
  return { ...rest, metadata: metadata as Entity['metadata'], spec };
}

export function EditForm({ entity, onSaved }: { entity: Entity; onSaved: (e: Entity) => void }) {
  const initial = useMemo(() => toDraft(entity), [entity]);
  const [draft, setDraft] = useState<Draft>(initial);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [formError, setFormError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const formId = useId();
  const k = entity.kind.toLowerCase();
  const spec = entity.spec ?? {};

  const shown = new Set<keyof Draft>(['title', 'description', 'tags']);
  if ('owner' in spec || ['component', 'api', 'resource', 'system', 'domain'].includes(k)) shown.add('owner');
  if ('lifecycle' in spec || ['component', 'api'].includes(k)) shown.add('lifecycle');
  if ('type' in spec || ['component', 'api', 'resource'].includes(k)) shown.add('type');
  if ('system' in spec || ['component', 'api', 'resource'].includes(k)) shown.add('system');

  const owners = useAsync(
    (signal) =>
      shown.has('owner')
        ? queryEntities({ filters: { kind: ['group', 'user'] }, orderField: 'metadata.name,asc', limit: 500, fields: ['kind', 'metadata.name', 'metadata.namespace'] }, signal)
        : Promise.resolve(undefined),
    [k],
  );
  const systems = useAsync(
    (signal) =>
      shown.has('system')
        ? queryEntities({ filters: { kind: ['system'] }, orderField: 'metadata.name,asc', limit: 500, fields: ['kind', 'metadata.name', 'metadata.namespace'] }, signal)
        : Promise.resolve(undefined),
    [k],
  );
  // Lifecycles in use anywhere, types in use by this kind: what the server takes a near miss of for a typo.
  const lifecycles = useAsync((signal) => getFacets(['spec.lifecycle'], {}, signal), []);
  const types = useAsync((signal) => getFacets(['spec.type'], { kind: k }, signal), [k]);
  const ownerOptions = owners.data?.items.map((o) => shortRef(o, 'group'));
  const systemOptions = systems.data?.items.map((o) => shortRef(o, 'system'));
  const lifecycleOptions = lifecycles.data ? [...new Set([...WELL_KNOWN_LIFECYCLES, ...(lifecycles.data.facets['spec.lifecycle'] ?? []).map((f) => f.value)])] : undefined;
  const typeOptions = types.data ? (types.data.facets['spec.type'] ?? []).map((f) => f.value) : undefined;

  const dirty = JSON.stringify(draft) !== JSON.stringify(initial);
  // Only a value the edit changes is checked on save, so only such a value is warned about.
  const changed = (f: keyof Draft, warning: string) => (draft[f].trim() !== initial[f] ? warning : undefined);
  const errs = (f: keyof Draft) => errors.filter((e) => fieldOf(e.pointer) === f);
  const unplaced = errors.filter((e) => !fieldOf(e.pointer) || !shown.has(fieldOf(e.pointer)!));
  const change = (f: keyof Draft) => (ev: { target: { value: string } }) => {
    setDraft({ ...draft, [f]: ev.target.value });
    setSaved(false);
  };

  async function submit(ev: React.FormEvent) {
    ev.preventDefault();
    setSaving(true);
    setErrors([]);
    setFormError(undefined);
    setSaved(false);
    try {
      const result = await saveEntity(apply(entity, draft, shown));
      setSaved(true);
      onSaved(result);
    } catch (err) {
      if (err instanceof ApiError) {
        const fe = err.problem.errors ?? [];
        setErrors(fe);
        setFormError(fe.length ? `${err.problem.title}: fix the ${fe.length === 1 ? 'field' : 'fields'} marked below.` : (err.problem.detail ?? err.problem.title));
        const first = fe.map((e) => fieldOf(e.pointer)).find((f) => f && shown.has(f));
        if (first) document.getElementById(`${formId}-${first}`)?.focus();
      } else setFormError(String(err));
    } finally {
      setSaving(false);
    }
  }

  const field = (f: keyof Draft, label: string, input: (props: FieldProps) => ReactNode, hint?: string) =>
    shown.has(f) ? (
      <FormField id={`${formId}-${f}`} label={label} hint={hint} errors={errs(f)}>
        {(props) => input({ ...props, value: draft[f], onChange: change(f), name: f })}
      </FormField>
    ) : null;

  const managedBy = entity.metadata.annotations?.['backstage.io/managed-by-location'];

  return (
    <section className="card edit-card" aria-labelledby={`${formId}-heading`}>
      <h2 id={`${formId}-heading`}>Edit {entity.metadata.title || entity.metadata.name}</h2>
      <p className="muted">
        {managedBy ? (
          <>
            Defined in <span className="mono break">{managedBy}</span>. Saving writes the change back to that source (a commit for git locations).
          </>
        ) : (
          'Saving stores the change in the catalog.'
        )}
      </p>
      {formError ? <FormProblem title={formError} unplaced={unplaced} whole="(entity)" /> : null}
      {saved ? (
        <div className="success-state" role="status">
          Saved. <Link to={entityPath(refOf(entity))}>Back to the overview</Link>
        </div>
      ) : null}
      <form onSubmit={submit} noValidate>
        {field('title', 'Title', (p) => <input type="text" {...p} />, 'A human-friendly name; leave empty to show the entity name.')}
        {field('description', 'Description', (p) => <textarea rows={4} {...p} />, 'What it does, in a sentence or two. Search matches these words.')}
        <div className="field-row">
          {field('owner', 'Owner', (p) => (
            <CatalogPicker input={p} name={p.name} value={p.value} onChange={p.onChange} options={ownerOptions} unknown={changed('owner', "No Group or User of this name in the catalog: saving will be refused.")} />
          ), 'A group or user reference, e.g. platform-team or user:jane.')}
          {field('lifecycle', 'Lifecycle', (p) => (
            <CatalogPicker input={p} name={p.name} value={p.value} onChange={p.onChange} options={lifecycleOptions} unknown={changed('lifecycle', "No entity in the catalog has this lifecycle; check the spelling.")} />
          ))}
        </div>
        <div className="field-row">
          {field('type', 'Type', (p) => (
            <CatalogPicker input={p} name={p.name} value={p.value} onChange={p.onChange} options={typeOptions} unknown={changed('type', `No ${entity.kind} in the catalog has this type; check the spelling.`)} />
          ))}
          {field('system', 'System', (p) => (
            <CatalogPicker input={p} name={p.name} value={p.value} onChange={p.onChange} options={systemOptions} unknown={changed('system', "No System of this name in the catalog: saving will be refused.")} />
          ))}
        </div>
        {field('tags', 'Tags', (p) => <input type="text" {...p} />, 'Comma-separated, lower-case words, e.g. payments, java.')}
        <div className="form-actions">
          <button type="submit" className="btn primary" disabled={saving || !dirty}>
            {saving ? 'Saving…' : 'Save changes'}
          </button>
          <button type="button" className="btn" disabled={saving || !dirty} onClick={() => { setDraft(initial); setErrors([]); setFormError(undefined); }}>
            Discard
          </button>
          {!dirty && !saved ? <span className="muted small">No changes yet.</span> : null}
        </div>
      </form>
    </section>
  );
}

interface FieldProps extends FieldInputProps {
  name: string;
  value: string;
  onChange: (ev: { target: { value: string } }) => void;
}
