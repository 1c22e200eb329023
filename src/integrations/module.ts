/** Git providers as a Pave module: the `integrations` section (hosts, tokens, GitHub Apps) and the registry built from it. */
import { defineModule } from '../pave-module.js';
import { integrationsConfigSection } from './integrations-config.js';
import type { ScmIntegrations } from './scm-integrations.js';

export const integrationsModule = defineModule({
  name: 'integrations',
  description: 'Hosted git providers (GitHub, GitLab, Bitbucket Server, Gitea): where their APIs are and how Pave signs in, secrets from the environment or files',
  requires: [],
  config: integrationsConfigSection,
  permissions: [],
  create: async ({ config }): Promise<ScmIntegrations> => {
    const { ScmIntegrations } = await import('./scm-integrations.js');
    return new ScmIntegrations(config.integrations);
  },
});
