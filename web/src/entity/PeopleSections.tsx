import { Link } from 'react-router-dom';
import type { Entity } from '../lib/api';
import { displayName, entityPath, humanRef, parseRef, relationTargets } from '../lib/refs';
import { KindBadge, Lifecycle } from '../components/EntityBits';
import { TeamScorecardsSection } from '../scorecards/TeamScorecardsSection';

function RefCards({ refs, related, empty, withKind }: { refs: string[]; related?: Map<string, Entity>; empty: string; withKind?: boolean }) {
  if (refs.length === 0) return <p className="muted">{empty}</p>;
  return (
    <ul className="ref-cards">
      {refs.map((r) => {
        const e = related?.get(r.toLowerCase());
        const p = parseRef(r);
        const profile = (e?.spec?.profile ?? {}) as { displayName?: string; email?: string };
        return (
          <li key={r} className="ref-card">
            <div className="entity-list-head">
              {withKind ? <KindBadge kind={p.kind} /> : <span className="avatar" aria-hidden="true">{(e ? displayName(e) : p.name).slice(0, 1).toUpperCase()}</span>}
              <Link to={entityPath(p)} className="entity-list-name">
                {e ? displayName(e) : humanRef(r)}
              </Link>
              {e && typeof e.spec?.type === 'string' ? <span className="muted small">{e.spec.type}</span> : null}
              {e?.spec?.lifecycle ? <Lifecycle value={e.spec.lifecycle} /> : null}
            </div>
            {profile.email ? <p className="entity-list-desc">{profile.email}</p> : e?.metadata.description ? <p className="entity-list-desc">{e.metadata.description}</p> : null}
          </li>
        );
      })}
    </ul>
  );
}

export function GroupSections({ entity, related }: { entity: Entity; related?: Map<string, Entity> }) {
  const members = relationTargets(entity, 'hasMember');
  const children = relationTargets(entity, 'parentOf');
  const parents = relationTargets(entity, 'childOf');
  const owned = relationTargets(entity, 'ownerOf');
  return (
    <div className="people-sections">
      <div className="grid-2">
        <section className="card" aria-labelledby="members-title">
          <h2 id="members-title">
            Members <span className="count-pill">{members.length}</span>
          </h2>
          <RefCards refs={members} related={related} empty="No members. Add users with spec.memberOf on the user, or spec.members on the group." />
        </section>
        <section className="card" aria-labelledby="subgroups-title">
          <h2 id="subgroups-title">
            Sub-groups <span className="count-pill">{children.length}</span>
          </h2>
          <RefCards refs={children} related={related} withKind empty="No sub-groups." />
          {parents.length ? (
            <>
              <h3>Parent group</h3>
              <RefCards refs={parents} related={related} withKind empty="" />
            </>
          ) : null}
        </section>
      </div>
      <section className="card" aria-labelledby="owned-title">
        <h2 id="owned-title">
          Owned entities <span className="count-pill">{owned.length}</span>
        </h2>
        <RefCards refs={owned} related={related} withKind empty="This group owns nothing yet. Set spec.owner on an entity to this group." />
      </section>
      <TeamScorecardsSection namespace={entity.metadata.namespace ?? 'default'} name={entity.metadata.name} />
    </div>
  );
}

export function UserSections({ entity, related }: { entity: Entity; related?: Map<string, Entity> }) {
  const groups = relationTargets(entity, 'memberOf');
  const owned = relationTargets(entity, 'ownerOf');
  return (
    <div className="grid-2 people-sections">
      <section className="card" aria-labelledby="user-groups-title">
        <h2 id="user-groups-title">
          Teams <span className="count-pill">{groups.length}</span>
        </h2>
        <RefCards refs={groups} related={related} withKind empty="Not a member of any team." />
      </section>
      <section className="card" aria-labelledby="user-owned-title">
        <h2 id="user-owned-title">
          Owned entities <span className="count-pill">{owned.length}</span>
        </h2>
        <RefCards refs={owned} related={related} withKind empty="Owns nothing directly." />
      </section>
    </div>
  );
}
