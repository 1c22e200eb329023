import { Link } from 'react-router-dom';
import type { Entity } from '../lib/api';
import { humanRef, parseRef } from '../lib/refs';
import { Fact, RefLink } from '../components/EntityBits';

/**
 * Where an entity came from, as facts of its About card: the golden path that created it and who ran it
 * (annotations Pave writes for locations a golden path registered), or the platform request a Resource mirrors.
 */
export function Provenance({ entity }: { entity: Entity }) {
  const annotations = entity.metadata.annotations ?? {};
  const template = annotations['backstage.io/source-template'];
  const createdBy = annotations['pave.dev/created-by'];
  const request = annotations['pave.dev/request'];
  const templateRef = template ? parseRef(template, { kind: 'template' }) : undefined;
  return (
    <>
      {templateRef ? (
        <Fact label="Created from">
          <Link to={`/create/templates/${encodeURIComponent(templateRef.namespace)}/${encodeURIComponent(templateRef.name)}`}>{humanRef(template!, 'template')}</Link>
          {createdBy ? (
            <>
              {' '}
              by <RefLink refStr={createdBy} defaultKind="user" />
            </>
          ) : null}
        </Fact>
      ) : null}
      {request ? (
        <Fact label="Platform request">
          <Link to={`/platform/requests/${request.split('/').map(encodeURIComponent).join('/')}`}>{request}</Link>
        </Fact>
      ) : null}
    </>
  );
}
