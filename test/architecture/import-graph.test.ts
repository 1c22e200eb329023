/**
 * The layer rules of ARCHITECTURE.md ("Dependencies between modules"), held against the code: every import
 * in src/ (read with the TypeScript compiler, so type-only imports are told apart) must go to a module the
 * importing module may depend on. A broken rule fails naming the file, the import and the rule.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** The composition layer: it declares and wires modules, so it may import anything. */
const COMPOSITION = 'composition';

/**
 * What each module may import at run time (`value`) and for types only (`types`, on top of `value`).
 * `*` is anything.
 */
const RULES: Record<string, { value: readonly string[]; types?: readonly string[] }> = {
  core: { value: [] },
  store: { value: ['core'] },
  git: { value: ['core'] },
  reading: { value: ['core', 'git'] },
  expressions: { value: ['core'] },
  integrations: { value: ['core'], types: ['expressions'] },
  catalog: { value: ['core', 'store', 'git', 'reading'] },
  auth: { value: ['core', 'store', 'catalog'] },
  gitops: { value: ['core', 'store', 'git'] },
  repositories: { value: ['core', 'git'], types: ['auth', 'catalog'] },
  platform: { value: ['core', 'store', 'git', 'gitops', 'catalog', 'auth', 'expressions', 'repositories'] },
  templates: { value: ['core', 'store', 'git', 'reading', 'catalog', 'auth', 'expressions', 'repositories', 'integrations', 'platform'] },
  events: { value: ['core', 'store', 'auth'], types: [COMPOSITION] },
  delivery: { value: ['core', 'store', 'auth', 'platform'], types: ['catalog'] },
  mcp: { value: ['core', 'auth', 'client'], types: ['*'] },
  scorecards: { value: ['core', 'store', 'reading', 'catalog', 'expressions', 'repositories', 'platform'], types: ['delivery'] },
  surveys: { value: ['core', 'store'], types: ['auth', 'catalog'] },
  maturity: { value: ['core', 'store'], types: ['auth', COMPOSITION] },
  announcements: { value: ['core', 'store'], types: ['auth'] },
  operations: { value: ['core', 'store'], types: [COMPOSITION] },
  client: { value: ['core'], types: ['*'] },
  api: { value: ['core', 'store', 'integrations', 'catalog', 'auth', 'repositories', 'templates', 'platform', 'events', 'delivery', 'expressions', 'scorecards', 'surveys', 'maturity', 'announcements', 'operations', 'mcp', COMPOSITION] },
  cli: { value: ['*'] },
  [COMPOSITION]: { value: ['*'] },
};

/** The module a file under src/ belongs to. */
function moduleOf(file: string): string {
  const path = relative(SRC, file).split('\\').join('/');
  if (!path.includes('/') || path.endsWith('/module.ts')) return COMPOSITION;
  return path.split('/')[0]!;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

interface Import {
  file: string;
  target: string;
  typeOnly: boolean;
}

/** Every relative import and re-export of a file, with whether it is for types only. */
function importsOf(file: string): Import[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const found: Import[] = [];
  const add = (specifier: ts.Expression | undefined, typeOnly: boolean) => {
    if (!specifier || !ts.isStringLiteral(specifier) || !specifier.text.startsWith('.')) return;
    found.push({ file, target: resolve(dirname(file), specifier.text.replace(/\.js$/, '.ts')), typeOnly });
  };
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      const onlyTypes = clause?.isTypeOnly === true || (clause?.namedBindings !== undefined && ts.isNamedImports(clause.namedBindings) && !clause.name && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every(e => e.isTypeOnly));
      add(statement.moduleSpecifier, onlyTypes);
    } else if (ts.isExportDeclaration(statement)) add(statement.moduleSpecifier, statement.isTypeOnly);
  }
  return found;
}

function allowed(from: string, to: string, typeOnly: boolean): boolean {
  const rule = RULES[from];
  if (!rule) return false;
  const permitted = [...rule.value, ...(typeOnly ? (rule.types ?? []) : [])];
  return from === to || permitted.includes('*') || permitted.includes(to);
}

/** Tables created by one module's migrations but owned by another (the audit log moved to the store). */
const MOVED_TABLES: Record<string, string> = { audit_log: 'store' };

/** Which module owns each table: the one whose migrations create it. */
function tableOwners(files: readonly string[]): Map<string, string> {
  const owners = new Map<string, string>();
  for (const file of files.filter(f => f.includes('/migrations/'))) {
    for (const match of readFileSync(file, 'utf8').matchAll(/createTable\('([a-z_]+)'/g)) owners.set(match[1]!, MOVED_TABLES[match[1]!] ?? moduleOf(file));
  }
  return owners;
}

/** The tables a file queries through Kysely (`selectFrom('entities as e')` and the like). */
function tablesQueriedBy(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/(?:selectFrom|insertInto|updateTable|deleteFrom|innerJoin|leftJoin)\('([a-z_]+)(?: as \w+)?'/g)].map(match => match[1]!);
}

/** Where a module's tables join Kysely's `Database`: the store's schema, or the module's own tables file. */
function tablesFileOf(module: string): string {
  return join(SRC, module === 'store' ? 'store/schema.ts' : `${module}/${module}-tables.ts`);
}

/** The tables the `Database` interface of a file declares (the store's own, or a module's merged in). */
function declaredTables(file: string): string[] {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const body = /^\s*(?:export )?interface Database \{([^}]*)\}/m.exec(text)?.[1] ?? '';
  return [...body.matchAll(/^\s+([a-z_]+):/gm)].map(match => match[1]!);
}

describe('the import graph', () => {
  const files = sourceFiles(SRC);

  it('knows every module under src/', () => {
    const unknown = [...new Set(files.map(moduleOf))].filter(module => !(module in RULES));
    expect(unknown, 'a new module needs its line in RULES (and in ARCHITECTURE.md)').toEqual([]);
  });

  it("has no module read or write another module's tables (only its service or the event log)", () => {
    const owners = tableOwners(files);
    const trespass = files.flatMap(file => {
      const module = moduleOf(file);
      if (module === COMPOSITION) return [];
      return tablesQueriedBy(file)
        .filter(table => owners.has(table) && owners.get(table) !== module)
        .map(table => `${relative(SRC, file)} uses ${table}, which belongs to ${owners.get(table)}`);
    });
    expect(owners.size).toBeGreaterThan(20);
    expect(trespass).toEqual([]);
  });

  it("declares each module's tables in its own folder, imported by every file that queries them", () => {
    const owners = tableOwners(files);
    const undeclared = [...owners].filter(([table, owner]) => !declaredTables(tablesFileOf(owner)).includes(table)).map(([table, owner]) => `${table} is not declared in ${relative(SRC, tablesFileOf(owner))}`);
    expect(undeclared).toEqual([]);
    // Declaration merging reaches only the compilations holding the declaring file (the portal's holds just what it imports).
    const unseen = files.flatMap(file => {
      const module = moduleOf(file);
      if (module === COMPOSITION || module === 'store' || !tablesQueriedBy(file).some(table => owners.get(table) === module)) return [];
      return importsOf(file).some(i => i.target === tablesFileOf(module)) ? [] : [`${relative(SRC, file)} queries ${module}'s tables without importing ${relative(SRC, tablesFileOf(module))}`];
    });
    expect(unseen).toEqual([]);
  });

  it('keeps every layer rule', () => {
    const broken = files
      .flatMap(importsOf)
      .filter(i => !allowed(moduleOf(i.file), moduleOf(i.target), i.typeOnly))
      .map(i => `${relative(SRC, i.file)} imports ${i.typeOnly ? 'types from ' : ''}${relative(SRC, i.target)}: ${moduleOf(i.file)} may not depend on ${moduleOf(i.target)}`);
    expect(broken).toEqual([]);
  });
});
