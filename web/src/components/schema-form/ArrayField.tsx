/** A list of items of any schema (strings, numbers, objects), each drawn as its own field, with Add and Remove buttons. */
import { Field, Req, type FieldProps } from './SchemaForm';
import { useFormContext } from './form-context';
import { defaultsOf, isRecord, pointerTo, typeOf, withoutItem } from './schema';
import { secretKeyOf } from './secrets';

export function ArrayField(
  props: FieldProps & { title: string; description?: string; help: React.ReactNode; errorList: React.ReactNode; id: string; describedBy?: string; readOnly: boolean },
) {
  const { name, pointer, schema, errors, title, id, readOnly } = props;
  const form = useFormContext();
  const items = Array.isArray(props.value) ? props.value : [];
  const itemSchema = schema.items!;
  const itemTitle = itemSchema.title ?? title;
  const set = (next: unknown[]) => props.onChange(next);
  const fresh = () => (typeOf(itemSchema) === 'object' ? defaultsOf(itemSchema, isRecord(itemSchema.default) ? { ...itemSchema.default } : {}) : itemSchema.default);
  const canAdd = !readOnly && (schema.maxItems === undefined || items.length < schema.maxItems);
  function remove(i: number) {
    set(items.filter((_, j) => j !== i));
    // What the form keeps by place for the items (Secret values, chosen alternatives) moves down with them.
    if (form.secrets) form.secrets.onChange(withoutItem(form.secrets.values, secretKeyOf(pointer), i, '.'));
    form.setChoices(withoutItem(form.choices, pointer, i, '/'));
  }
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
            <button type="button" className="btn small" onClick={() => remove(i)} aria-label={`Remove ${itemTitle} ${i + 1}`}>
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
