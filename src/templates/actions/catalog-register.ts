import { Type } from '@sinclair/typebox';
import { parseAllDocuments } from 'yaml';
import type { Entity } from '../../core/entity.js';
import { stringifyEntityRef } from '../../core/entity-ref.js';
import { invalidInput, isPaveError } from '../../core/problem.js';
import type { LocationService } from '../../catalog/location-service.js';
import { defineAction } from './action.js';

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
 */
export function catalogRegisterAction(locations: Pick<LocationService, 'register' | 'refresh' | 'get'>, entitiesOf: (locationId: string) => Promise<Entity[]>) {
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
        const entities = text ? parseAllDocuments(text).map(d => d.toJS() as Entity).filter(e => e?.metadata?.name && e.kind) : [];
        const ref = mainEntityRef(entities);
        if (ref) ctx.output('entityRef', ref);
        ctx.log.info(`Dry run: would register ${target}${ref ? ` (${ref})` : ''}`);
        return;
      }
      let locationId: string;
      let entities: Entity[];
      try {
        const result = await locations.register({ type: 'url', target });
        locationId = result.location.id;
        entities = result.entities;
        for (const error of result.errors.slice(0, 20)) ctx.log.warn(`${error.source ?? target}: ${error.pointer || '(document)'} ${error.detail}`);
        ctx.log.info(`Registered ${target} (location ${locationId})`);
      } catch (error) {
        const existingId = isPaveError(error) ? (error.problem.existingId as string | undefined) : undefined;
        if (existingId) {
          // Run before (a resumed task) or registered by hand: bring it up to date instead.
          locationId = existingId;
          await locations.refresh(existingId);
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
