import { useMemo, useState } from 'react';
import { stringify } from 'yaml';
import type { Entity } from '../lib/api';
import { CopyButton } from '../components/CopyButton';

/** The entity as the catalog stores it, in YAML, with the derived parts (relations, status) optional. */
export function YamlView({ entity }: { entity: Entity }) {
  const [withDerived, setWithDerived] = useState(false);
  const text = useMemo(() => {
    const { relations, status, ...rest } = entity;
    return stringify(withDerived ? { ...rest, relations, status } : rest, { lineWidth: 0 });
  }, [entity, withDerived]);
  return (
    <section className="card" aria-labelledby="yaml-title">
      <div className="card-head">
        <h2 id="yaml-title">Raw YAML</h2>
        <div className="row">
          <label className="inline-field">
            <input type="checkbox" checked={withDerived} onChange={(e) => setWithDerived(e.target.checked)} /> Include relations and status
          </label>
          <CopyButton text={text} />
        </div>
      </div>
      <pre className="code" tabIndex={0} aria-label="Entity YAML">
        <code>{text}</code>
      </pre>
    </section>
  );
}
