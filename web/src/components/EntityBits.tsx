import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import type { Entity } from '../lib/api';
import { displayName, entityPath, entityPathOf, humanRef, parseRef } from '../lib/refs';

export function KindBadge({ kind }: { kind: string }) {
  const k = kind.toLowerCase();
  return <span className={`kind-badge kind-${k}`}>{k}</span>;
}

export function Tag({ tag, to }: { tag: string; to?: string }) {
  return to ? (
    <Link className="tag" to={to}>
      {tag}
    </Link>
  ) : (
    <span className="tag">{tag}</span>
  );
}

export function Lifecycle({ value }: { value?: unknown }) {
  if (typeof value !== 'string' || !value) return <span className="muted">—</span>;
  return <span className={`lifecycle lifecycle-${value.toLowerCase()}`}>{value}</span>;
}

/** A link to an entity ref, showing the short form (`checkout-service`, `group:platform-team`). */
export function RefLink({ refStr, defaultKind, label }: { refStr: string; defaultKind?: string; label?: string }) {
  const r = parseRef(refStr, { kind: defaultKind });
  if (!r.kind) return <span>{refStr}</span>;
  return <Link to={entityPath(r)}>{label ?? humanRef(refStr, defaultKind)}</Link>;
}

export function EntityName({ entity }: { entity: Entity }) {
  return <Link to={entityPathOf(entity)}>{displayName(entity)}</Link>;
}

/** One fact in a `<dl className="facts">`: its label and value. */
export function Fact({ label, className, children }: { label: string; className?: string; children: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd className={className}>{children}</dd>
    </div>
  );
}
