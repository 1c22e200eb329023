import { Type } from '@sinclair/typebox';
import type { ResourceFacts } from '../../auth/policy.js';
import type { ChangeAuthor } from '../../store/audit-log.js';
import { defineAction } from './action.js';

/**
 * What `pave:request` needs of the platform API: apply a request (audited as its author), or render it
 * without side effects. The composition root passes the platform service; templates do not depend on the
 * platform module.
 */
export interface PlatformRequests {
  applyRequest(raw: unknown, author: ChangeAuthor): Promise<{ request: { metadata: { name: string; namespace?: string } }; outcome: string }>;
  render(raw: unknown): Promise<{ files: Array<{ path: string }>; capability: { name: string; version: string } }>;
  requestResource(namespace: string, name: string, options?: { required?: boolean }): Promise<ResourceFacts>;
}

/**
 * `pave:request`: asks the platform API for infrastructure (a database, a namespace, an environment) as
 * part of a golden path. The request is applied, not awaited: the reconciler makes it Ready.
 */
export function paveRequestAction(platform: PlatformRequests) {
  return defineAction({
    id: 'pave:request',
    description:
      'Submits a resource request to the platform API (apiVersion and kind of a published capability, in a team namespace); outputs its name and namespace. Applying the same request again changes nothing.',
    effect: 'external',
    input: Type.Object({
      apiVersion: Type.String({ title: 'API version', description: '<group>/<version> of the capability, e.g. platform.larkspur.example/v1' }),
      kind: Type.String({ title: 'Kind', description: 'The capability kind, e.g. PostgreSQL' }),
      name: Type.String({ title: 'Request name' }),
      namespace: Type.String({ title: 'Team namespace', description: 'The owning team' }),
      spec: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { title: 'Request spec', description: "Validated against the capability's schema" })),
      labels: Type.Optional(Type.Record(Type.String(), Type.String())),
    }),
    output: Type.Object({ name: Type.String(), namespace: Type.String(), ref: Type.String() }),
    examples: [
      {
        description: 'A database for the new service',
        example:
          "action: pave:request\ninput:\n  apiVersion: platform.larkspur.example/v1\n  kind: PostgreSQL\n  name: ${{ parameters.name }}-db\n  namespace: ${{ parameters.owner | parseEntityRef | pick('name') }}\n  spec:\n    storageGi: 10",
      },
    ],
    async handler(ctx) {
      const { apiVersion, kind, name, namespace, spec, labels } = ctx.input;
      const raw = { apiVersion, kind, metadata: { name, namespace, ...(labels ? { labels } : {}) }, spec: spec ?? {} };
      ctx.output('name', name);
      ctx.output('namespace', namespace);
      ctx.output('ref', `${namespace}/${kind}/${name}`);
      // As the task's creator, with the owner Pave decides for the namespace (never the template's word).
      // The request document is the input rules judge, as when the same request is applied over HTTP.
      await ctx.creator.authorize(ctx.dryRun ? 'platform.request.render' : 'platform.request.create', await platform.requestResource(namespace, name, { required: !ctx.dryRun }), raw);
      if (ctx.dryRun) {
        const preview = await platform.render(raw);
        ctx.log.info(`Dry run: would request ${kind} ${namespace}/${name} from ${preview.capability.name} ${preview.capability.version} (${preview.files.length} files)`);
        return;
      }
      // The task's creator makes the change, so it is audited as theirs.
      const { outcome } = await platform.applyRequest(raw, { actor: ctx.task.createdBy ?? ctx.creator.principal });
      ctx.log.info(`Requested ${kind} ${namespace}/${name} (${outcome}); the platform reconciles it to Ready`);
    },
  });
}
