/**
 * A form generated from a JSON Schema, shared by the golden-path wizard and the platform request form, drawn
 * as Backstage's form (react-jsonschema-form) draws templates: text, numbers, booleans, enums (select, radio
 * buttons, checkboxes), arrays of anything with add and remove, nested objects, fields that come and go with
 * `dependencies`, `allOf` and `if`/`then`/`else` (`resolve-schema.ts`), the `ui:*` hints (widget, field,
 * order, help, placeholder, autofocus, readonly, options.rows), Secret fields, and the Backstage pickers
 * (OwnerPicker, EntityPicker, MultiEntityPicker, EntityNamePicker, RepoUrlPicker, EntityTagsPicker). Errors
 * sit next to their field by JSON pointer. No schema compiler: nothing is evaluated, so the portal's CSP holds.
 */
import { EntityNameClash, EntityPicker, RepoUrlPicker } from './pickers';
import { ChoiceCheckboxes, ChoiceRadios, ChoiceSelect, choicesOf } from './choices';
import { NumberInput, TagsInput } from './inputs';
import { resolveSchema } from './resolve-schema';
import { defaultsOf, isEmpty, isRecord, orderedProperties, pointerTo, typeOf, type Errors, type JsonSchema, type Values } from './schema';
import './schema-form.css';

export function fieldId(pointer: string): string {
  return `field${pointer.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
}

/** A Secret field's value (`ui:field: Secret`): kept apart from the values, sent as the task's secrets. */
export function isSecretField(schema: JsonSchema): boolean {
  return schema['ui:field'] === 'Secret';
}

/** Where a form's top-level Secret fields keep their values, by field name. */
export interface SecretValues {
  values: Record<string, string>;
  onChange: (next: Record<string, string>) => void;
}

interface FormProps {
  schema: JsonSchema;
  values: Values;
  onChange: (v: Values) => void;
  /** Errors by pointer under `base`. */
  errors: Errors;
  /** The pointer of the values (`/spec` when they are a request's spec); field pointers continue it. */
  base?: string;
  /** Where Secret fields keep their values; without it (nested objects, the request form) they are password fields among the values. */
  secrets?: SecretValues;
}

export function SchemaForm(props: FormProps) {
  return (
    <div className="schema-form">
      <Fields {...props} />
    </div>
  );
}

function Fields({ schema, values, onChange, errors, base = '', secrets }: FormProps) {
  const shown = resolveSchema(schema, values);
  return (
    <>
      {orderedProperties(shown).map(([key, prop]) => {
        if (prop['ui:widget'] === 'hidden') return null;
        const secret = secrets && isSecretField(prop);
        return (
          <Field
            key={key}
            name={key}
            pointer={pointerTo(base, key)}
            schema={prop}
            required={shown.required?.includes(key) ?? false}
            value={secret ? secrets.values[key] : values[key]}
            onChange={(v) => {
              const next: Record<string, unknown> = { ...(secret ? secrets.values : values) };
              if (isEmpty(v)) delete next[key];
              else next[key] = v;
              if (secret) secrets.onChange(next as Record<string, string>);
              else onChange(next);
            }}
            errors={errors}
          />
        );
      })}
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
  const description = schema.description;
  const uiHelp = schema['ui:help'];
  const t = typeOf(schema);
  const uiField = schema['ui:field'];
  const widget = schema['ui:widget'];
  const readOnly = schema['ui:readonly'] === true;
  const autoFocus = schema['ui:autofocus'] === true;
  const placeholder = schema['ui:placeholder'];
  const range = t === 'number' || t === 'integer' ? rangeOf(schema) : undefined;
  const pattern = uiField === 'EntityNamePicker' ? schema.pattern : undefined;
  const hasHint = Boolean(description || range || pattern);
  const describedBy = [hasHint ? `${id}-hint` : '', uiHelp ? `${id}-help` : '', uiField === 'EntityNamePicker' ? `${id}-clash` : '', own.length ? `${id}-errors` : ''].filter(Boolean).join(' ') || undefined;
  const common = { id, 'aria-describedby': describedBy, 'aria-invalid': own.length ? true : undefined, 'aria-required': required || undefined };
  const errorList = <FieldErrors id={`${id}-errors`} pointer={pointer} errors={own} />;
  const helpText = uiHelp ? (
    <p className="hint" id={`${id}-help`}>
      {uiHelp}
    </p>
  ) : null;

  if (t === 'object' && schema.properties && !uiField) {
    return (
      <fieldset className="tpl-fieldset" aria-describedby={describedBy} data-field={name}>
        <legend>{title}</legend>
        {description ? <p className="hint" id={`${id}-hint`}>{description}</p> : null}
        <Fields schema={schema} values={isRecord(props.value) ? props.value : {}} onChange={props.onChange} errors={errors} base={pointer} />
        {helpText}
        {errorList}
      </fieldset>
    );
  }
  if (t === 'array' && schema.items && !choicesOf(schema.items) && !uiField) {
    return <ArrayField {...props} title={title} description={description} help={helpText} errorList={errorList} id={id} describedBy={describedBy} readOnly={readOnly} />;
  }

  const choices = choicesOf(schema);
  const itemChoices = t === 'array' && schema.items ? choicesOf(schema.items) : undefined;
  let control: React.ReactNode;
  let isGroup = false;
  if (uiField === 'OwnerPicker' || uiField === 'EntityPicker') {
    control = <EntityPicker {...common} schema={schema} value={typeof props.value === 'string' ? props.value : ''} onChange={props.onChange} defaultKind={uiField === 'OwnerPicker' ? ['Group', 'User'] : undefined} />;
  } else if (uiField === 'MultiEntityPicker') {
    control = <EntityPicker {...common} multiple schema={schema} value={Array.isArray(props.value) ? (props.value as string[]) : []} onChange={props.onChange} />;
  } else if (uiField === 'RepoUrlPicker') {
    isGroup = true;
    control = <RepoUrlPicker id={id} describedBy={describedBy} invalid={own.length > 0} schema={schema} value={props.value} onChange={props.onChange} />;
  } else if (uiField === 'EntityTagsPicker') {
    control = <TagsInput {...common} value={Array.isArray(props.value) ? (props.value as string[]) : []} onChange={props.onChange} />;
  } else if (itemChoices) {
    isGroup = true;
    control = <ChoiceCheckboxes id={id} describedBy={describedBy} choices={itemChoices} value={Array.isArray(props.value) ? props.value : []} onChange={props.onChange} readOnly={readOnly} />;
  } else if (choices && widget === 'radio') {
    isGroup = true;
    control = <ChoiceRadios id={id} describedBy={describedBy} choices={choices} value={props.value} onChange={props.onChange} readOnly={readOnly} />;
  } else if (choices) {
    control = <ChoiceSelect {...common} choices={choices} value={props.value} onChange={props.onChange} required={required} placeholder={placeholder} readOnly={readOnly} autoFocus={autoFocus} />;
  } else if (t === 'boolean' && (widget === 'radio' || widget === 'select')) {
    const yesNo = [
      { value: true, label: 'Yes' },
      { value: false, label: 'No' },
    ];
    isGroup = widget === 'radio';
    control = isGroup ? (
      <ChoiceRadios id={id} describedBy={describedBy} choices={yesNo} value={props.value} onChange={props.onChange} readOnly={readOnly} />
    ) : (
      <ChoiceSelect {...common} choices={yesNo} value={props.value} onChange={props.onChange} required={required} readOnly={readOnly} autoFocus={autoFocus} />
    );
  } else if (t === 'boolean') {
    return (
      <div className={`field tpl-bool${own.length ? ' invalid' : ''}`} data-field={name}>
        <label className="tpl-check">
          <input type="checkbox" {...common} checked={props.value === true} disabled={readOnly} autoFocus={autoFocus} onChange={(e) => props.onChange(e.target.checked)} /> {title}
        </label>
        {description ? <p className="hint" id={`${id}-hint`}>{description}</p> : null}
        {helpText}
        {errorList}
      </div>
    );
  } else if (t === 'number' || t === 'integer') {
    control = (
      <NumberInput
        {...common}
        value={typeof props.value === 'number' ? props.value : undefined}
        min={schema.minimum}
        max={schema.maximum}
        step={t === 'integer' ? 1 : 'any'}
        onChange={props.onChange}
        placeholder={placeholder}
        readOnly={readOnly}
        autoFocus={autoFocus}
      />
    );
  } else if (widget === 'textarea') {
    const rows = Number(schema['ui:options']?.rows) || 4;
    control = <textarea {...common} rows={rows} value={typeof props.value === 'string' ? props.value : ''} onChange={(e) => props.onChange(e.target.value)} placeholder={placeholder} readOnly={readOnly} autoFocus={autoFocus} maxLength={schema.maxLength} />;
  } else {
    // Strings, EntityNamePicker included (its pattern is shown as a hint and checked before leaving the page); a Secret is a password field.
    control = (
      <input
        {...common}
        type={widget === 'password' || uiField === 'Secret' ? 'password' : 'text'}
        value={typeof props.value === 'string' ? props.value : ''}
        onChange={(e) => props.onChange(e.target.value)}
        placeholder={placeholder}
        maxLength={schema.maxLength}
        autoFocus={autoFocus}
        readOnly={readOnly}
        spellCheck={uiField === 'EntityNamePicker' ? false : undefined}
        autoComplete={uiField === 'Secret' ? 'new-password' : 'off'}
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
          {description}
          {range ? `${description ? ' ' : ''}(${range})` : null}
          {pattern ? (
            <>
              {' '}
              Pattern: <code>{pattern}</code>
            </>
          ) : null}
        </p>
      ) : null}
      {helpText}
      {errorList}
    </div>
  );
}

/** A list of items of any schema (strings, numbers, objects), each drawn as its own field, with Add and Remove buttons. */
function ArrayField(
  props: FieldProps & { title: string; description?: string; help: React.ReactNode; errorList: React.ReactNode; id: string; describedBy?: string; readOnly: boolean },
) {
  const { name, pointer, schema, errors, title, id, readOnly } = props;
  const items = Array.isArray(props.value) ? props.value : [];
  const itemSchema = schema.items!;
  const itemTitle = itemSchema.title ?? title;
  const set = (next: unknown[]) => props.onChange(next);
  const fresh = () => (typeOf(itemSchema) === 'object' ? defaultsOf(itemSchema, isRecord(itemSchema.default) ? { ...itemSchema.default } : {}) : itemSchema.default);
  const canAdd = !readOnly && (schema.maxItems === undefined || items.length < schema.maxItems);
  return (
    <fieldset className="tpl-fieldset tpl-array" aria-describedby={props.describedBy} data-field={name}>
      <legend id={`${id}-label`}>
        {title}
        {props.required ? <Req /> : null}
      </legend>
      {props.description ? <p className="hint" id={`${id}-hint`}>{props.description}</p> : null}
      {items.map((item, i) => (
        <div key={i} className="tpl-array-item">
          <Field
            name={`${itemTitle} ${i + 1}`}
            pointer={pointerTo(pointer, String(i))}
            schema={{ ...itemSchema, title: `${itemTitle} ${i + 1}` }}
            required={false}
            value={item}
            onChange={(v) => set(items.map((x, j) => (j === i ? v : x)))}
            errors={errors}
          />
          {readOnly ? null : (
            <button type="button" className="btn small" onClick={() => set(items.filter((_, j) => j !== i))} aria-label={`Remove ${itemTitle} ${i + 1}`}>
              Remove
            </button>
          )}
        </div>
      ))}
      {canAdd ? (
        <button type="button" className="btn small" onClick={() => set([...items, fresh() ?? (typeOf(itemSchema) === 'string' ? '' : undefined)])} aria-label={`Add ${itemTitle}`}>
          Add
        </button>
      ) : null}
      {props.help}
      {props.errorList}
    </fieldset>
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
