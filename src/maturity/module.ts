/** The CNCF Platform Engineering Maturity Model self-assessment as a Pave module, with evidence from Pave's own data. */
import { defineModule } from '../pave-module.js';
import { maturityConfigSection } from './maturity-config.js';
import { maturityMigration } from './migrations/0017-maturity.js';
import type { MaturityService } from './maturity-service.js';
import { maturityCommands } from '../cli/maturity-commands.js';

export const maturityModule = defineModule({
  name: 'maturity',
  description: "Self-assessment over the CNCF Platform Engineering Maturity Model with evidence computed from Pave's data, history and reports",
  requires: ['auth', 'catalog', 'delivery', 'platform', 'scorecards', 'surveys'],
  config: maturityConfigSection,
  permissions: [
    { action: 'maturity.assessment.read', description: 'See the maturity model, the evidence, assessments and reports' },
    { action: 'maturity.assessment.write', description: 'Record a maturity assessment' },
  ],
  eventTypes: [{ type: 'maturity.assessment.recorded', description: 'A maturity assessment was recorded (payload: the level of each aspect)', read: { action: 'maturity.assessment.read' } }],
  migrations: [maturityMigration],
  defaultRules: auth => [
    { id: 'default.maturity-read', description: 'Everyone signed in sees the maturity assessments and their evidence', effect: 'allow', actions: ['maturity.assessment.read'], subjects: ['role:signed-in'] },
    { id: 'default.maturity-assess', description: `Members of ${auth.platformGroup} record maturity assessments`, effect: 'allow', actions: ['maturity.assessment.write'], subjects: [auth.platformGroup] },
  ],
  create: async ({ store, eventLog, audit, config, app }): Promise<MaturityService> => {
    const [{ MaturityService }, { EVIDENCE_PROVIDERS, WANTED_EVIDENCE }] = await Promise.all([import('./maturity-service.js'), import('./evidence-providers.js')]);
    return new MaturityService({ store, log: eventLog, audit, permissions: app.auth.permissions, app, providers: EVIDENCE_PROVIDERS, wanted: WANTED_EVIDENCE, chromiumPath: config.maturity.chromiumPath });
  },
  async routes(api, maturity) {
    const { maturityRoutes } = await import('../api/routes/maturity-routes.js');
    await api.register(maturityRoutes, { prefix: '/maturity', maturity });
  },
  cli: ({ output, globals }) => [maturityCommands(output, globals)],
});
