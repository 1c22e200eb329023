/**
 * A form generated from a JSON Schema, shared by the golden-path wizard and the platform request form:
 * text, number, boolean, enums, arrays of strings, nested objects, and the Backstage pickers
 * (OwnerPicker, EntityPicker, MultiEntityPicker, EntityNamePicker, RepoUrlPicker, EntityTagsPicker).
 * Errors sit next to their field by JSON pointer. No schema compiler: nothing is evaluated, so the
 * portal's CSP holds.
 */
import { EntityNameClash, EntityPicker, RepoUrlPicker } from './pickers';
import { ListInput, NumberInput } from './inputs';
import { isEmpty, orderedProperties, pointerTo, typeOf, type Errors, type JsonSchema, type Values } from './schema';
import './schema-form.css';

export function fieldId(pointer: string): string {
  return `field${pointer.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
}

interface FormProps {
  schema: JsonSchema;
  values: Values;
  onChange: (v: Values) => void;
  /** Errors by pointer under `base`. */
  errors: Errors;
  /** The pointer of the values (`/spec` when they are a request's spec); field pointers continue it. */
  base?: string;
}

export function SchemaForm(props: FormProps) {
  return (
    <div className="schema-form">
      <Fields {...props} />
    </div>
  );
}

function Fields({ schema, values, onChange, errors, base = '' }: FormProps) {
  return (
    <>
      {orderedProperties(schema).map(([key, prop]) => (
        <Field
          key={key}
          name={key}
          pointer={pointerTo(base, key)}
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

/** `min 1, max 5` for a number with bounds. */
function rangeOf(schema: JsonSchema): string | undefined {
  const parts = [schema.minimum !== undefined ? `min ${schema.minimum}` : '', schema.maximum !== undefined ? `max ${schema.maximum}` : ''].filter(Boolean);
  return parts.length ? parts.join(', ') : undefined;
}

function Field(props: FieldProps) {
  const { name, pointer, schema, required, errors } = props;
  const id = fieldId(pointer);
  const own = errors[pointer] ?? [];
  const title = schema.title ?? name;
  const help = schema.description ?? schema['ui:help'];
  const t = typeOf(schema);
  const uiField = schema['ui:field'];
  const range = t === 'number' || t === 'integer' ? rangeOf(schema) : undefined;
  const pattern = uiField === 'EntityNamePicker' ? schema.pattern : undefined;
  const hasHint = Boolean(help || range || pattern);
  const describedBy = [hasHint ? `${id}-hint` : '', uiField === 'EntityNamePicker' ? `${id}-clash` : '', own.length ? `${id}-errors` : ''].filter(Boolean).join(' ') || undefined;
  const common = { id, 'aria-describedby': describedBy, 'aria-invalid': own.length ? true : undefined, 'aria-required': required || undefined };
  const errorList = <FieldErrors id={`${id}-errors`} pointer={pointer} errors={own} />;

  if (t === 'object' && schema.properties && !uiField) {
    return (
      <fieldset className="tpl-fieldset" aria-describedby={describedBy}>
        <legend>{title}</legend>
        {help ? <p className="hint" id={`${id}-hint`}>{help}</p> : null}
        <Fields schema={schema} values={(props.value as Values) ?? {}} onChange={props.onChange} errors={errors} base={pointer} />
        {errorList}
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
    // Options carry their value as text (what the select shows and scripts read); the typed value is looked up again.
    const selected = options.find((o) => o.value === props.value);
    control = (
      <select {...common} value={selected ? String(selected.value) : ''} onChange={(e) => props.onChange(options.find((o) => String(o.value) === e.target.value)?.value)}>
        <option value="">{required ? 'Choose…' : '(none)'}</option>
        {options.map((o, i) => (
          <option key={i} value={String(o.value)}>
            {o.label}
          </option>
        ))}
      </select>
    );
  } else if (t === 'boolean') {
    return (
      <div className={`field tpl-bool${own.length ? ' invalid' : ''}`} data-field={name}>
        <label className="tpl-check">
          <input type="checkbox" {...common} checked={props.value === true} onChange={(e) => props.onChange(e.target.checked)} /> {title}
        </label>
        {help ? <p className="hint" id={`${id}-hint`}>{help}</p> : null}
        {errorList}
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
      {uiField === 'EntityNamePicker' ? <EntityNameClash id={`${id}-clash`} name={props.value} /> : null}
      {hasHint ? (
        <p className="hint" id={`${id}-hint`}>
          {help}
          {range ? `${help ? ' ' : ''}(${range})` : null}
          {pattern ? (
            <>
              {' '}
              Pattern: <code>{pattern}</code>
            </>
          ) : null}
        </p>
      ) : null}
      {errorList}
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

/** A field's errors; `data-pointer` names the JSON pointer they are about. */
function FieldErrors({ id, pointer, errors }: { id: string; pointer: string; errors: string[] }) {
  if (!errors.length) return null;
  return (
    <ul className="field-errors" id={id} data-pointer={pointer}>
      {errors.map((e, i) => (
        <li key={i}>{e}</li>
      ))}
    </ul>
  );
}
