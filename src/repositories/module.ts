/** The git repositories Pave hosts, as a Pave module: read-only views and git over HTTP. */
import { join } from 'node:path';
import { defineModule } from '../pave-module.js';
import type { RepositoryService } from './repository-service.js';

export const repositoriesModule = defineModule({
  name: 'repositories',
  description: 'The git repositories Pave hosts (what golden paths create), read-only: views and git clone over HTTP',
  requires: ['auth'],
  permissions: [
    { action: 'repositories.repository.read', description: 'Read a hosted repository (view or git clone), when one of its entities is readable' },
    { action: 'repositories.repository.create', description: 'Create a hosted repository (what publish:git does) in a folder' },
  ],
  create: async ({ dataDir, config }): Promise<RepositoryService> => new (await import('./repository-service.js')).RepositoryService({ root: join(dataDir, 'git'), baseUrl: () => config.baseUrl }),
  async routes(api, repositories) {
    const { repositoryRoutes } = await import('../api/routes/repository-routes.js');
    await api.register(repositoryRoutes, { repositories });
  },
  // `git clone <baseUrl>/git/<owner>/<repo>.git`: outside /api, as git clients expect.
  async rootRoutes(root, repositories, app) {
    const { gitHttpRoutes } = await import('../api/routes/repository-routes.js');
    await root.register(gitHttpRoutes, { repositories, auth: app.auth });
  },
});
