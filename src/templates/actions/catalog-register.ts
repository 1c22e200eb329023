import { realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Type } from '@sinclair/typebox';
import { parseAllDocumentsWithUniqueKeys } from '../../core/yaml-unique-keys.js';
import type { Entity } from '../../core/entity.js';
import { stringifyEntityRef } from '../../core/entity-ref.js';
import { conflict, forbidden, invalidInput, isPaveError } from '../../core/problem.js';
import type { EntityReader } from '../../catalog/query/entity-reader.js';
import { parseGitTarget } from '../../catalog/ingest/location-target.js';
import type { LocationService } from '../../catalog/location-service.js';
import { isInside } from '../../core/is-inside.js';
import { defineAction, type ActionContext } from './action.js';

/**
 * Where a repository's catalog file is, as a `url` location target. `repoContentsUrl` is what
 * `publish:git` outputs (`<remote>#<branch>`) or a hosted tree URL (`https://host/o/r/tree/main`).
 * @example catalogTarget({ repoContentsUrl: 'file:///data/git/acme/api.git#main' }) // 'file:///data/git/acme/api.git#main:catalog-info.yaml'
 */
export function catalogTarget(input: { catalogInfoUrl?: string; repoContentsUrl?: string; catalogInfoPath?: string }): string {
  if (input.catalogInfoUrl) return input.catalogInfoUrl;
  if (!input.repoContentsUrl) throw invalidInput('catalog:register needs input.catalogInfoUrl, or input.repoContentsUrl (with catalogInfoPath)');
  const path = (input.catalogInfoPath ?? '/catalog-info.yaml').replace(/^\/+/, '');
  if (input.repoContentsUrl.includes('#')) {
    const [repository, ref] = input.repoContentsUrl.split('#') as [string, string];
    return `${repository}#${ref.split(':')[0] || 'HEAD'}:${path}`;
  }
  return `${input.repoContentsUrl.replace(/\/+$/, '')}/${path}`;
}

/** The entity Backstage would name: a Component first, else any entity that is not generated. */
export function mainEntityRef(entities: Entity[]): string | undefined {
  const named = entities.filter(e => !e.metadata.name.startsWith('generated-'));
  const chosen = named.find(e => e.kind === 'Component') ?? named.find(e => e.kind !== 'Location') ?? named[0] ?? entities[0];
  return chosen ? stringifyEntityRef(chosen) : undefined;
}

/**
 * `catalog:register`: registers a repository's catalog file as a catalog location; the new entities are
 * in the catalog when the step ends. Running it again for a registered location refreshes it instead.
 * It acts as the task's creator: someone who may register locations registers any target (as with
 * `POST /api/catalog/locations`); anyone else only a repository Pave hosts (what `publish:git` made), and
 * only entities they may write themselves (their team's), with no guarded change (group membership, a
 * Template, a Location). `localRoot` is where Pave's own repositories live.
 */
export function catalogRegisterAction(
  locations: Pick<LocationService, 'register' | 'refresh' | 'get'>,
  entitiesOf: (locationId: string) => Promise<Entity[]>,
  localRoot: string,
  catalog: Pick<EntityReader, 'byRefs'>,
) {
  return defineAction({
    id: 'catalog:register',
    description:
      'Registers a catalog file as a location (catalogInfoUrl, or repoContentsUrl + catalogInfoPath as publish:git outputs them) and outputs the main entity ref. Registering an already registered location refreshes it.',
    effect: 'external',
    input: Type.Object({
      catalogInfoUrl: Type.Optional(Type.String({ title: 'Catalog file URL', description: 'A git location target: <repository>#<branch>:<path>, or a hosted blob URL' })),
      repoContentsUrl: Type.Optional(Type.String({ title: 'Repository contents URL', description: 'As publish:git outputs it: <remote>#<branch>' })),
      catalogInfoPath: Type.Optional(Type.String({ title: 'Catalog file path', description: 'Path inside the repository; default /catalog-info.yaml' })),
      optional: Type.Optional(Type.Boolean({ description: 'Do not fail when the location cannot be read' })),
    }),
    output: Type.Object({ entityRef: Type.Optional(Type.String()), catalogInfoUrl: Type.String() }),
    examples: [
      {
        description: 'Register what publish:git pushed',
        example: "action: catalog:register\ninput:\n  repoContentsUrl: ${{ steps['publish'].output.repoContentsUrl }}\n  catalogInfoPath: /catalog-info.yaml",
      },
    ],
    async handler(ctx) {
      const target = catalogTarget(ctx.input);
      ctx.output('catalogInfoUrl', target);
      if (ctx.dryRun) {
        // What would be registered: the catalog file as it is in the workspace, when it is there.
        const path = (ctx.input.catalogInfoPath ?? '/catalog-info.yaml').replace(/^\/+/, '');
        const text = (await ctx.workspace.exists(path).catch(() => false)) ? (await ctx.workspace.readFile(path)).toString('utf8') : undefined;
        const entities = text ? parseAllDocumentsWithUniqueKeys(text).map(d => d.toJS() as Entity).filter(e => e?.metadata?.name && e.kind) : [];
        refuseUndeclared(entities, target, ctx);
        await refuseClashes(entities, target, catalog);
        if (!(await ctx.creator.allows('catalog.location.create'))) {
          await requireHostedRepository(target, localRoot, ctx);
          await ctx.creator.authorizeEntityWrites(entities, { requireWrite: true });
        } else await ctx.creator.authorizeEntityWrites(entities);
        const ref = mainEntityRef(entities);
        if (ref) ctx.output('entityRef', ref);
        ctx.log.info(`Dry run: would register ${target}${ref ? ` (${ref})` : ''}`);
        return;
      }
      const registersLocations = await ctx.creator.allows('catalog.location.create');
      if (!registersLocations) await requireHostedRepository(target, localRoot, ctx);
      let locationId: string;
      let entities: Entity[];
      try {
        const result = await locations.register(
          { type: 'url', target },
          {
            author: { actor: ctx.task.createdBy ?? ctx.creator.principal },
            provenance: { template: ctx.task.templateRef, ...(ctx.task.templateVersion ? { templateVersion: ctx.task.templateVersion } : {}), task: ctx.task.id, ...(ctx.task.createdBy ? { createdBy: ctx.task.createdBy } : {}) },
            authorize: async read => {
              refuseUndeclared(read, target, ctx);
              await ctx.creator.authorizeEntityWrites(read, { requireWrite: !registersLocations });
            },
            refuseOwnedElsewhere: refs => clashError(refs, target),
          },
        );
        locationId = result.location.id;
        entities = result.entities;
        for (const error of result.errors.slice(0, 20)) ctx.log.warn(`${error.source ?? target}: ${error.pointer || '(document)'} ${error.detail}`);
        ctx.log.info(`Registered ${target} (location ${locationId})`);
      } catch (error) {
        const existingId = isPaveError(error) ? (error.problem.existingId as string | undefined) : undefined;
        if (existingId) {
          // Run before (a resumed task) or registered by hand: bring it up to date instead.
          locationId = existingId;
          await locations.refresh(existingId, { author: { actor: ctx.task.createdBy ?? ctx.creator.principal } });
          entities = await entitiesOf(existingId);
          ctx.log.info(`${target} was already registered (location ${existingId}); refreshed it`);
        } else if (ctx.input.optional) {
          ctx.log.warn(`Could not register ${target}: ${(error as Error).message} (optional, so the task goes on)`);
          return;
        } else throw error;
      }
      const ref = mainEntityRef(entities);
      if (ref) ctx.output('entityRef', ref);
      else if (!ctx.input.optional) throw invalidInput(`${target} was registered but holds no valid entity; see the location's problems`);
    },
  });
}

/**
 * Refuses a target outside Pave's hosted repositories, for a creator who may not register locations: the
 * server could otherwise read any repository it can reach (a folder on its disk, an internal git server)
 * on their behalf.
 */
async function requireHostedRepository(target: string, localRoot: string, ctx: ActionContext<unknown>): Promise<void> {
  const repository = parseGitTarget(target).repository;
  const path = repository.startsWith('file://') ? fileURLToPath(repository) : /^[/.]/.test(repository) ? resolve(repository) : undefined;
  // A dry run checks a repository publish:git has not made yet: resolve its nearest existing folder.
  const real = path && (await realpath(path).catch(async () => join(await realpath(dirname(path)).catch(() => dirname(path)), basename(path))));
  const root = await realpath(localRoot).catch(() => resolve(localRoot));
  if (real && isInside(root, real) && real !== root) return;
  throw forbidden(
    `catalog:register: ${ctx.creator.principal} may register only repositories Pave hosts (what publish:git creates), not ${repository}; registering other locations needs catalog.location.create`,
    [{ pointer: '/catalogInfoUrl', detail: 'names a repository Pave does not host', rule: 'permission' }],
    { action: 'catalog.location.create' },
  );
}

/**
 * Refuses entities the catalog has already (defined by another location, or saved through the API): the
 * catalog would keep the existing one and record the new file's copy as a conflict, so a task that went on
 * would report "completed" for a component that is not its own. A dry run checks here; a run has
 * `LocationService.register` check inside the transaction that applies the content (`refuseOwnedElsewhere`),
 * so nothing is left registered; the step fails and so does the task. A location registered before (a
 * resumed task) is refreshed instead and never gets here.
 */
async function refuseClashes(entities: readonly Entity[], target: string, catalog: Pick<EntityReader, 'byRefs'>): Promise<void> {
  const refs = entities.map(entity => stringifyEntityRef(entity));
  const existing = (await catalog.byRefs(refs)).flatMap((found, i) => (found ? [refs[i]!] : []));
  if (existing.length) throw clashError(existing, target);
}

function clashError(existing: string[], target: string): Error {
  return conflict(
    `catalog:register: ${target} defines ${existing.join(', ')}, which the catalog already has from elsewhere; registering it would not make it this repository's. Choose another name`,
    existing.map(ref => ({ pointer: '/catalogInfoPath', detail: `${ref} exists in the catalog already`, rule: 'entity-exists' })),
  );
}

/**
 * Refuses entities of kinds the template did not declare for the file it wrote there (a form value that
 * brought a line break and `---` adds documents of its choosing). Files the task did not write declare
 * nothing and are left to the permission checks.
 */
function refuseUndeclared(entities: readonly Entity[], target: string, ctx: ActionContext<unknown>): void {
  const path = parseGitTarget(target).path;
  const declared = ctx.workspace.declarations.kindsFor(path);
  if (declared === undefined || declared === 'any') return;
  const stray = entities.filter(entity => !declared.has(String(entity.kind).toLocaleLowerCase('en-US')));
  if (!stray.length) return;
  const named = stray.map(entity => `${entity.kind} ${entity.metadata.name}`).join(', ');
  throw invalidInput(
    `catalog:register: ${path} holds ${named}, which the template does not declare there (it declares ${[...declared].join(', ') || 'no entity'}); a form value may have added a YAML document`,
    stray.map(entity => ({ pointer: '/catalogInfoPath', detail: `${entity.kind} ${entity.metadata.name} is not a kind the template writes to this file`, rule: 'declared-documents' })),
  );
}
