/**
 * A form generated from a JSON Schema, shared by the golden-path wizard and the platform request form, drawn
 * as Backstage's form (react-jsonschema-form) draws templates: text, numbers, booleans, enums (select, radio
 * buttons), arrays of an enum (a multi-select, or checkboxes), arrays of anything with add and remove
 * (`ArrayField.tsx`), nested objects, `oneOf`/`anyOf` alternatives chosen by their titles (`alternatives.ts`),
 * fields that come and go with `dependencies`, `allOf` and `if`/`then`/`else` (`resolve-schema.ts`), the `ui:*`
 * hints (widget, field, order, help, placeholder, autofocus, readonly, options.rows), Secret fields at any depth
 * (`secrets.ts`), and the Backstage pickers (OwnerPicker, EntityPicker, MultiEntityPicker, EntityNamePicker,
 * RepoUrlPicker, EntityTagsPicker). Errors sit next to their field by JSON pointer. No schema compiler: nothing
 * is evaluated, so the portal's CSP holds.
 */
import { useState } from 'react';
import { EntityNameClash, EntityPicker, RepoUrlPicker } from './pickers';
import { AlternativeChooser, ChoiceCheckboxes, ChoiceMultiSelect, ChoiceRadios, ChoiceSelect, choicesOf } from './choices';
import { alternativesOf, chosenAlternative, fieldSchema, switchedValue, type Choices } from './alternatives';
import { ArrayField } from './ArrayField';
import { FormContext, useFormContext } from './form-context';
import { NumberInput, TagsInput } from './inputs';
import { resolveSchema } from './resolve-schema';
import { defaultsOf, isEmpty, isObjectField, isRecord, orderedProperties, pointerTo, typeOf, type Errors, type JsonSchema, type Values } from './schema';
import { isSecretField, secretKeyOf, type SecretValues } from './secrets';
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
  /** Where Secret fields keep their values; without it (the request form) they are password fields among the values. */
  secrets?: SecretValues;
  /** The alternatives chosen, when the page keeps them (its checks need them); else the form keeps its own. */
  choices?: { values: Choices; onChange: (next: Choices) => void };
}

export function SchemaForm({ secrets, choices, ...props }: FormProps) {
  const [own, setOwn] = useState<Choices>({});
  const current = choices?.values ?? own;
  const setChoices = choices?.onChange ?? setOwn;
  return (
    <FormContext.Provider value={{ choices: current, choose: (pointer, index) => setChoices({ ...current, [pointer]: index }), setChoices, ...(secrets ? { secrets } : {}) }}>
      <div className="schema-form">
        <Fields {...props} />
      </div>
    </FormContext.Provider>
  );
}

/** An object's fields: those its values show, with the chooser of its own alternatives before the fields they bring. */
function Fields({ schema, values, onChange, errors, base = '' }: Omit<FormProps, 'secrets' | 'choices'>) {
  const form = useFormContext();
  const alternatives = alternativesOf(schema);
  const chosen = alternatives ? chosenAlternative(alternatives, values, form.choices[base]) : 0;
  const shown = resolveSchema(schema, values, form.choices[base]);
  const brought = new Set(alternatives ? Object.keys(alternatives[chosen]!.properties ?? {}).filter((key) => !schema.properties?.[key]) : []);
  const fields = orderedProperties(shown).filter(([, prop]) => prop['ui:widget'] !== 'hidden');
  const chooserAt = fields.findIndex(([key]) => brought.has(key));

  function choose(to: number) {
    if (!alternatives || to === chosen) return;
    form.choose(base, to);
    const kept = switchedValue(alternatives, values, chosen, to) as Values;
    onChange(defaultsOf({ properties: alternatives[to]!.properties ?? {} }, { ...kept }));
    // The old alternative's secrets go with its fields.
    const gone = Object.keys(values).concat(Object.keys(alternatives[chosen]!.properties ?? {})).filter((key) => !Object.hasOwn(kept, key) && !alternatives[to]!.properties?.[key]);
    if (form.secrets && gone.length) {
      const prefixes = gone.map((key) => secretKeyOf(pointerTo(base, key)));
      form.secrets.onChange(Object.fromEntries(Object.entries(form.secrets.values).filter(([k]) => !prefixes.some((p) => k === p || k.startsWith(`${p}.`)))));
    }
  }
  const chooser = alternatives ? (
    <AlternativeChooser key="(alternatives)" id={`${fieldId(base)}-choice`} label={schema.title ? `${schema.title}: which one` : 'Which one'} alternatives={alternatives} chosen={chosen} onChoose={choose} radio={schema['ui:widget'] === 'radio'} />
  ) : null;
  const drawn = fields.map(([key, prop]) => {
    const pointer = pointerTo(base, key);
    const secret = form.secrets && isSecretField(prop) ? form.secrets : undefined;
    const secretKey = secretKeyOf(pointer);
    return (
      <Field
        key={key}
        name={key}
        pointer={pointer}
        schema={prop}
        required={shown.required?.includes(key) ?? false}
        value={secret ? secret.values[secretKey] : values[key]}
        onChange={(v) => {
          const next: Record<string, unknown> = { ...(secret ? secret.values : values) };
          const at = secret ? secretKey : key;
          if (isEmpty(v)) delete next[at];
          else next[at] = v;
          if (secret) secret.onChange(next as Record<string, string>);
          else onChange(next);
        }}
        errors={errors}
      />
    );
  });
  if (chooser) drawn.splice(chooserAt < 0 ? drawn.length : chooserAt, 0, chooser);
  return <>{drawn}</>;
}

export interface FieldProps {
  name: string;
  pointer: string;
  schema: JsonSchema;
  required: boolean;
  value: unknown;
  onChange: (v: unknown) => void;
  errors: Errors;
}

/** `min 1, max 5` for a number with bounds. */
/** `at least 1, at most 2 items` for a list with bounds. */
function itemsRangeOf(schema: JsonSchema): string | undefined {
  const parts = [schema.minItems ? `at least ${schema.minItems}` : '', schema.maxItems !== undefined ? `at most ${schema.maxItems}` : ''].filter(Boolean);
  return parts.length ? `${parts.join(', ')} ${schema.maxItems === 1 || (!schema.maxItems && schema.minItems === 1) ? 'item' : 'items'}` : undefined;
}

function rangeOf(schema: JsonSchema): string | undefined {
  const parts = [schema.minimum !== undefined ? `min ${schema.minimum}` : '', schema.maximum !== undefined ? `max ${schema.maximum}` : ''].filter(Boolean);
  return parts.length ? parts.join(', ') : undefined;
}

export function Field(props: FieldProps) {
  const form = useFormContext();
  const alternatives = alternativesOf(props.schema);
  if (alternatives && !isObjectField(props.schema)) {
    // A field whose alternatives are schemas of their own: the chooser, then the field as the chosen one has it.
    const chosen = chosenAlternative(alternatives, props.value, form.choices[props.pointer]);
    const id = fieldId(props.pointer);
    return (
      <div className="tpl-alternative-field" data-field={props.name}>
        <AlternativeChooser
          id={`${id}-choice`}
          label={props.schema.title ?? props.name}
          alternatives={alternatives}
          chosen={chosen}
          radio={props.schema['ui:widget'] === 'radio'}
          onChoose={(to) => {
            form.choose(props.pointer, to);
            props.onChange(switchedValue(alternatives, props.value, chosen, to));
          }}
        />
        <OneField {...props} schema={fieldSchema(props.schema, props.value, chosen)} />
      </div>
    );
  }
  return <OneField {...props} />;
}

function OneField(props: FieldProps) {
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
  const range = t === 'number' || t === 'integer' ? rangeOf(schema) : t === 'array' ? itemsRangeOf(schema) : undefined;
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

  if (isObjectField(schema) && !uiField) {
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
  const itemChoices = t === 'array' && schema.items ? choicesOf(schema.items) : undefined;
  // An array of an enum is a multi-select when its items are unique, checkboxes when asked; else a list of selects.
  if (t === 'array' && schema.items && !(itemChoices && (schema.uniqueItems || widget === 'checkboxes')) && !uiField) {
    return <ArrayField {...props} title={title} description={description} help={helpText} errorList={errorList} id={id} describedBy={describedBy} readOnly={readOnly} />;
  }

  const choices = choicesOf(schema);
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
  } else if (itemChoices && widget === 'checkboxes') {
    isGroup = true;
    control = <ChoiceCheckboxes id={id} describedBy={describedBy} choices={itemChoices} value={Array.isArray(props.value) ? props.value : []} onChange={props.onChange} readOnly={readOnly} max={schema.maxItems} />;
  } else if (itemChoices) {
    control = <ChoiceMultiSelect {...common} choices={itemChoices} value={Array.isArray(props.value) ? props.value : []} onChange={props.onChange} readOnly={readOnly} />;
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

export function Req() {
  return (
    <span className="tpl-req" aria-hidden="true">
      {' '}
      *
    </span>
  );
}

/** A field's errors; `data-pointer` names the JSON pointer they are about. */
export function FieldErrors({ id, pointer, errors }: { id: string; pointer: string; errors: string[] }) {
  if (!errors.length) return null;
  return (
    <ul className="field-errors" id={id} data-pointer={pointer}>
      {errors.map((e, i) => (
        <li key={i}>{e}</li>
      ))}
    </ul>
  );
}
