import { Command } from 'commander';
import { formatFieldError } from '../core/problem.js';
import { stringifyEntityRef, parseEntityRef } from '../core/entity-ref.js';
import type { Entity } from '../core/entity.js';
import type { IngestionProblem } from '../catalog/ingest/read-location.js';
import { loadConfig } from '../pave-config.js';
import type { Output } from './output.js';
import { table } from './output.js';
import { withClient, type GlobalOptions } from './context.js';
import { jsonObject, wholeNumber } from './option-values.js';

/** `pave catalog …`: validate files (here, no store), import locations, get, list, count (facets), trace (ancestry) and search entities (through the API). */
export function catalogCommands(output: () => Output, globals: () => GlobalOptions): Command {
  const catalog = new Command('catalog').description('the software catalog');

  catalog
    .command('validate')
    .description('check entity files (YAML, globs allowed) without storing anything; exit 1 on any mistake (API definitions and other YAML that is not an entity are passed over)')
    .argument('<files...>', 'files or globs')
    .action(async (files: string[]) => {
      const out = output();
      const config = loadConfig();
      const results: Array<{ target: string; entities: number; files: number; errors: IngestionProblem[] }> = [];
      const skipped: string[] = [];
      // The catalog's reader and validators load for validation only, not for every command's start.
      const [{ DEFAULT_MAX_FILE_BYTES, readLocation }, { UrlReader }, { ScmIntegrations }] = await Promise.all([
        import('../catalog/ingest/read-location.js'),
        import('../reading/url-reader.js'),
        import('../integrations/scm-integrations.js'),
      ]);
      // File pages on integration hosts are read as the server reads a file location's: through the host's API,
      // signed in, only for the repositories listed in catalog.placeholderRepositories (a local file has no repository of its own).
      const reader = new UrlReader(config.reading, { hostedBlobs: new ScmIntegrations(config.integrations) });
      for (const file of files) {
        const content = await readLocation(
          { type: 'file', target: file },
          {
            allowedRoots: [],
            maxDocumentBytes: config.catalog.maxDocumentBytes,
            maxFileBytes: config.catalog.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
            reader,
            placeholderRepositories: config.catalog.placeholderRepositories,
            onFile: source => out.progress(`validating ${source}`),
          },
        );
        const notEntities = await filesWithoutEntities(content.errors);
        skipped.push(...notEntities);
        const errors = content.errors.filter(error => !notEntities.includes(error.source ?? ''));
        results.push({ target: file, entities: content.entities.length, files: content.files - notEntities.length, errors });
      }
      const errors = results.flatMap(r => r.errors);
      const fileCount = results.reduce((n, r) => n + r.files, 0);
      const note = skipped.length ? `\n${skipped.length} file(s) passed over: not entity files (API definitions or other YAML)` : '';
      out.result({ valid: errors.length === 0, results, skipped }, () =>
        (errors.length
          ? errors.map(formatFieldError).join('\n') + `\n${errors.length} error(s) in ${fileCount} file(s)`
          : `ok: ${results.reduce((n, r) => n + r.entities, 0)} valid entities in ${fileCount} file(s)`) + note,
      );
      if (errors.length) process.exitCode = 1;
    });

  catalog
    .command('import')
    .description('register a location (a file, glob, folder of catalog files, or git URL) and import its entities')
    .argument('<target>', 'path, glob or git URL (repo[#branch[:path]]); against a server, paths are read on the server')
    .option('--dry-run', 'show what would be imported without saving')
    .action(async (target: string, options: { dryRun?: boolean }) => {
      const out = output();
      const type = /^(https?|ssh|git|file):\/\/|^git@|\.git(#|$)/.test(target) ? 'url' : 'file';
      await withClient(globals(), async client => {
        let files = 0;
        let entities = 0;
        const result = await client.catalog.register(
          { type, target },
          {
            dryRun: options.dryRun,
            onFile: (source, counts) => {
              files++;
              entities += counts.entities;
              out.progress(`[${files} files, ${entities} entities] ${source}`);
            },
          },
        );
        out.result(
          { location: result.location, dryRun: Boolean(options.dryRun), entities: result.entities.map(e => stringifyEntityRef(e)), errors: result.errors, summary: result.summary },
          () =>
            [
              `${options.dryRun ? 'would import' : 'imported'} ${result.entities.length} entities from ${result.location.type}:${result.location.target}` +
                (options.dryRun ? '' : ` (location ${result.location.id})`),
              ...result.errors.map(e => '  ' + formatFieldError(e)),
              ...(result.errors.length ? [`${result.errors.length} problem(s); the valid entities were imported`] : []),
            ].join('\n'),
        );
      });
    });

  catalog
    .command('get')
    .description('show one entity')
    .argument('<ref>', 'entity ref: [kind:][namespace/]name (kind defaults to component)')
    .action(async (ref: string) => {
      const out = output();
      await withClient(globals(), async client => {
        const entity = await client.catalog.entity(parseEntityRef(ref, { defaultKind: 'component' }));
        out.result(entity, () => describeEntity(entity));
      });
    });

  catalog
    .command('list')
    .description('list entities; --filter uses Backstage syntax (kind=component,spec.type=service), repeat for OR; or --query, a filter predicate')
    .option('-f, --filter <filter>', 'filter (repeatable)', collect, [])
    .option('-q, --query <json>', 'filter predicate as JSON, as Backstage\'s queryEntities({ query }) takes it: {"kind":"Component","spec.type":{"$in":["service"]}}', jsonObject)
    .option('-l, --limit <n>', 'how many (1 to 1000)', wholeNumber(1, 1000), 50)
    .action(async (options: { filter: string[]; query?: Record<string, unknown>; limit: number }) => {
      const out = output();
      await withClient(globals(), async client => {
        const page = options.query
          ? await client.catalog.queryByPredicate({ query: options.query, limit: options.limit })
          : await client.catalog.query({ filter: options.filter, limit: options.limit });
        out.result(page, () =>
          table(
            ['REF', 'TYPE', 'OWNER', 'LIFECYCLE'],
            page.items.map(e => [stringifyEntityRef(e), str(e.spec?.type), str(e.spec?.owner), str(e.spec?.lifecycle)]),
          ) + `\n${page.items.length} of ${page.totalItems}`,
        );
      });
    });

  catalog
    .command('facets')
    .description('count entities by the values of fields (kind, spec.type, relations.ownedBy, …), among those --filter or --query select')
    .argument('<fields...>', 'fields to count, e.g. kind spec.lifecycle relations.ownedBy')
    .option('-f, --filter <filter>', 'filter in Backstage syntax (repeatable, OR)', collect, [])
    .option('-q, --query <json>', 'filter predicate as JSON', jsonObject)
    .action(async (fields: string[], options: { filter: string[]; query?: Record<string, unknown> }) => {
      const out = output();
      await withClient(globals(), async client => {
        const facets = await client.catalog.facets({ facets: fields, ...(options.query ? { query: options.query } : { filter: options.filter }) });
        out.result({ facets }, () => table(['FIELD', 'VALUE', 'COUNT'], Object.entries(facets).flatMap(([field, counts]) => counts.map(c => [field, c.value, String(c.count)]))));
      });
    });

  catalog
    .command('ancestry')
    .description('show where an entity came from: the Location entities that named its file, up to its registered location')
    .argument('<ref>', 'entity ref: [kind:][namespace/]name (kind defaults to component)')
    .action(async (ref: string) => {
      const out = output();
      await withClient(globals(), async client => {
        const ancestry = await client.catalog.ancestry(parseEntityRef(ref, { defaultKind: 'component' }));
        out.result(ancestry, () => ancestry.items.map(item => `${stringifyEntityRef(item.entity)}${item.parentEntityRefs.length ? ` <- ${item.parentEntityRefs.join(', ')}` : ' (root)'}`).join('\n'));
      });
    });

  catalog
    .command('search')
    .description('search the catalog (typos and parts of words are fine), best matches first')
    .argument('<text...>', 'words to find, or a question such as "who owns payments"')
    .option('-l, --limit <n>', 'how many (1 to 100)', wholeNumber(1, 100), 20)
    .action(async (words: string[], options: { limit: number }) => {
      const out = output();
      await withClient(globals(), async client => {
        const answer = await client.catalog.search({ query: words.join(' '), limit: options.limit });
        const { results, total } = answer;
        out.result(answer, () =>
          results.length
            ? table(['REF', 'MATCH'], results.map(r => [r.entityRef, (r.snippet?.parts.map(part => part.text).join('') ?? r.description ?? r.title ?? '').slice(0, 80)])) +
              `\n${results.length} of ${total}`
            : 'no matches',
        );
      });
    });

  return catalog;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function describeEntity(entity: Entity): string {
  const lines = [
    `${stringifyEntityRef(entity)}${entity.metadata.title ? ` (${entity.metadata.title})` : ''}`,
    ...(entity.metadata.description ? [`  ${entity.metadata.description}`] : []),
    ...['type', 'lifecycle', 'owner', 'system'].filter(k => typeof entity.spec?.[k] === 'string').map(k => `  ${k}: ${entity.spec?.[k] as string}`),
    ...(entity.relations?.length ? ['  relations:', ...entity.relations.map(r => `    ${r.type} ${r.targetRef}`)] : []),
  ];
  return lines.join('\n');
}

/** The local files (`file:` sources) among these problems that hold no entity at all, by their source. */
async function filesWithoutEntities(errors: IngestionProblem[]): Promise<string[]> {
  const sources = [...new Set(errors.map(error => error.source ?? '').filter(source => source.startsWith('file:')))];
  const { holdsNoEntity } = await import('../catalog/ingest/not-an-entity.js');
  const verdicts = await Promise.all(sources.map(async source => ((await holdsNoEntity(source.slice('file:'.length))) ? source : undefined)));
  return verdicts.filter((source): source is string => source !== undefined);
}
