import type { FieldInputProps } from '../components/FormField';

/**
 * A text input that offers the catalog's values (a datalist) and says at once when the typed value is not
 * one of them: an owner or system that does not exist, a lifecycle or type no other entity uses. The
 * server refuses the same mistakes on save (edit-references.ts), naming the field; this only warns early.
 */
export function CatalogPicker({
  input,
  options,
  value,
  onChange,
  name,
  unknown,
}: {
  input: FieldInputProps;
  /** The values to offer, as they would be written (e.g. `payments-team`, `user:jane`). */
  options: readonly string[] | undefined;
  value: string;
  onChange: (ev: { target: { value: string } }) => void;
  name: string;
  /** What to say when the value is none of the options (e.g. "No Group or User named this in the catalog."); undefined: nothing. */
  unknown: string | undefined;
}) {
  const listId = `${input.id}-options`;
  const typed = value.trim();
  const known = unknown === undefined || options === undefined || typed === '' || options.some((o) => sameValue(o, typed));
  return (
    <>
      <input type="text" list={listId} autoComplete="off" name={name} value={value} onChange={onChange} {...input} />
      <datalist id={listId}>
        {(options ?? []).map((o) => (
          <option key={o} value={o} />
        ))}
      </datalist>
      {known ? null : (
        <p className="field-warning" role="status" data-testid={`${name}-warning`}>
          {unknown}
        </p>
      )}
    </>
  );
}

/** Refs match whatever the case, with or without the implied kind prefix and default namespace. */
function sameValue(option: string, typed: string): boolean {
  const bare = (v: string) => v.toLowerCase().replace(/^(group|system):/, '').replace(/^(\w+:)?default\//, '$1');
  return bare(option) === bare(typed);
}
