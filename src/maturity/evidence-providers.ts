import type { EvidenceProvider, WantedEvidence } from './evidence-provider.js';
import { goldenPathShare } from './evidence/golden-path-share.js';
import { goldenPathRuns } from './evidence/golden-path-runs.js';
import { activeUsers } from './evidence/active-users.js';
import { teamsWithComponents } from './evidence/teams-with-components.js';
import { selfServiceRequests } from './evidence/self-service-requests.js';
import { requestsReady } from './evidence/requests-ready.js';
import { surveyResponseRate } from './evidence/survey-response-rate.js';

/** Every evidence provider, one file each under `evidence/`: a new one is a file and a line here. */
export const EVIDENCE_PROVIDERS: readonly EvidenceProvider[] = [goldenPathShare, goldenPathRuns, activeUsers, teamsWithComponents, selfServiceRequests, requestsReady, surveyResponseRate];

/**
 * Evidence the model asks for that Pave does not compute yet: the assessment lists each as missing while no
 * provider with its id exists (scorecards and delivery metrics supply the first two when they are merged).
 */
export const WANTED_EVIDENCE: readonly WantedEvidence[] = [
  { id: 'operations.scorecard-coverage', aspect: 'operations', title: 'Scorecard coverage and campaign progress', from: 'scorecards (src/scorecards)' },
  { id: 'measurement.dora-coverage', aspect: 'measurement', title: 'DORA coverage: components with delivery data', from: 'delivery metrics (src/delivery)' },
  { id: 'interfaces.surfaces-used', aspect: 'interfaces', title: 'Surfaces used: portal, CLI, API, MCP', from: 'request counts by surface (not recorded yet)' },
  { id: 'investment.funding', aspect: 'investment', title: 'Platform team funding, roles and roadmap', from: 'nothing in Pave: the assessor judges investment' },
];
