import type { EvidenceProvider, WantedEvidence } from './evidence-provider.js';
import { goldenPathShare } from './evidence/golden-path-share.js';
import { goldenPathRuns } from './evidence/golden-path-runs.js';
import { activeUsers } from './evidence/active-users.js';
import { teamsWithComponents } from './evidence/teams-with-components.js';
import { selfServiceRequests } from './evidence/self-service-requests.js';
import { requestsReady } from './evidence/requests-ready.js';
import { surveyResponseRate } from './evidence/survey-response-rate.js';
import { scorecardLevels } from './evidence/scorecard-levels.js';
import { campaignProgress } from './evidence/campaign-progress.js';
import { doraCoverage } from './evidence/dora-coverage.js';

/** Every evidence provider, one file each under `evidence/`: a new one is a file and a line here. */
export const EVIDENCE_PROVIDERS: readonly EvidenceProvider[] = [goldenPathShare, goldenPathRuns, activeUsers, teamsWithComponents, selfServiceRequests, requestsReady, scorecardLevels, campaignProgress, surveyResponseRate, doraCoverage];

/**
 * Evidence the model asks for that Pave does not compute yet: the assessment lists each as missing while no
 * provider with its id exists.
 */
export const WANTED_EVIDENCE: readonly WantedEvidence[] = [
  { id: 'interfaces.surfaces-used', aspect: 'interfaces', title: 'Surfaces used: portal, CLI, API, MCP', from: 'request counts by surface (not recorded yet)' },
  { id: 'investment.funding', aspect: 'investment', title: 'Platform team funding, roles and roadmap', from: 'nothing in Pave: the assessor judges investment' },
];
