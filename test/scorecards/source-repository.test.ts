/**
 * The repository collector over a real hosted repository (real git in a temporary folder): each folder of a
 * collection is listed once, and only the entity's source location counts (never where its catalog file is).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Entity } from '../../src/core/entity.js';
import { RepositoryService } from '../../src/repositories/repository-service.js';
import { repositoryCollector } from '../../src/scorecards/collectors/repository-collector.js';
import { component, hostRepository } from './support.js';

/** The real service, counting the folders it is asked to list. */
class CountingRepositories extends RepositoryService {
  readonly listed: string[] = [];
  override tree(owner: string, repo: string, path: string, ref?: string): ReturnType<RepositoryService['tree']> {
    this.listed.push(path);
    return super.tree(owner, repo, path, ref);
  }
}

describe('repository facts of a hosted repository', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pave-scorecards-source-'));
  hostRepository(dataDir, 'acme', 'cart', { 'README.md': '# Cart\n', '.github/CODEOWNERS': '* @acme/cart\n', 'package.json': '{"engines":{"node":"20"}}' });
  const repositories = new CountingRepositories({ root: join(dataDir, 'git'), baseUrl: () => 'http://pave.test' });
  const collect = (entity: Entity) => repositoryCollector.collect(entity, { entities: undefined as never, repositories });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('lists each folder once per collection, the root included', async () => {
    const facts = await collect(component('cart', { annotations: { 'backstage.io/source-location': 'url:http://pave.test/repositories/acme/cart/' } }));
    expect(facts).toMatchObject({ name: 'acme/cart', readme: true, codeowners: true, nodeMajor: 20 });
    expect(repositories.listed.filter(path => path === '')).toHaveLength(1);
    expect(new Set(repositories.listed).size).toBe(repositories.listed.length);
  });

  it('does not credit the repository of an entity’s catalog file to it', async () => {
    expect(await collect(component('cart', { annotations: { 'backstage.io/managed-by-location': 'url:http://pave.test/repositories/acme/cart/catalog-info.yaml' } }))).toBeUndefined();
  });
});
