import { useMemo, useState } from 'react';
import { Loading } from './States';

/**
 * One filter of a faceted list (the catalog explorer, search): its values with their counts as
 * checkboxes, the most frequent first; long lists fold and can be searched.
 */
export function FacetGroup({
  label,
  param,
  values,
  selected,
  loading,
  onToggle,
}: {
  label: string;
  param: string;
  values?: { value: string; count: number }[];
  selected: string[];
  loading: boolean;
  onToggle: (value: string, on: boolean) => void;
}) {
  const [expanded, setExpanded] = useState(false);
  const [needle, setNeedle] = useState('');
  const list = useMemo(() => {
    const v = [...(values ?? [])];
    // Selected values stay listed even when they count zero under the other filters.
    for (const s of selected) if (!v.some((x) => x.value.toLowerCase() === s.toLowerCase())) v.push({ value: s, count: 0 });
    return v.sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
  }, [values, selected]);
  const filtered = needle ? list.filter((v) => v.value.toLowerCase().includes(needle.toLowerCase())) : list;
  // A catalog of 100k entities can have thousands of owners or tags: list at most 200, find the rest by typing.
  const shown = expanded ? filtered.slice(0, 200) : filtered.slice(0, 7);
  const isSelected = (v: string) => selected.some((s) => s.toLowerCase() === v.toLowerCase());
  return (
    <fieldset className="facet" data-facet={param}>
      <legend>{label}</legend>
      {loading ? (
        <Loading rows={2} />
      ) : list.length === 0 ? (
        <p className="muted small">No values</p>
      ) : (
        <>
          {list.length > 10 ? (
            <input
              type="search"
              className="facet-search"
              placeholder={`Find ${label.toLowerCase()}…`}
              aria-label={`Find a ${label.toLowerCase()} value`}
              value={needle}
              onChange={(e) => setNeedle(e.target.value)}
            />
          ) : null}
          <ul>
            {shown.map((v) => {
              const id = `facet-${param}-${v.value}`.replace(/[^a-zA-Z0-9_-]/g, '_');
              return (
                <li key={v.value}>
                  <input id={id} type="checkbox" checked={isSelected(v.value)} onChange={(e) => onToggle(v.value, e.target.checked)} />
                  <label htmlFor={id}>
                    <span className="facet-value">{v.value}</span>
                    <span className="facet-count" aria-label={`${v.count} entities`}>
                      {v.count.toLocaleString()}
                    </span>
                  </label>
                </li>
              );
            })}
          </ul>
          {expanded && filtered.length > 200 ? <p className="muted small">{filtered.length - 200} more: type above to find one.</p> : null}
          {filtered.length > 7 ? (
            <button type="button" className="linklike small" onClick={() => setExpanded(!expanded)} aria-expanded={expanded}>
              {expanded ? 'Show fewer' : `Show all ${filtered.length}`}
            </button>
          ) : null}
        </>
      )}
    </fieldset>
  );
}
