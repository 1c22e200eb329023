import { hours, percent } from './DoraCards';
import type { AdoptionReport } from './deliveryApi';

/** Adoption over a window as figures: who deploys, golden paths, new components, people, requests, teams. */
export function AdoptionFacts({ adoption }: { adoption: AdoptionReport }) {
  return (
    <dl className="delivery-facts" data-testid="adoption">
      <dt>Components deploying to production</dt>
      <dd>
        {adoption.deploying} of {adoption.components} ({percent(adoption.deployingShare)})
      </dd>
      <dt>Made from a golden path</dt>
      <dd>
        {adoption.fromTemplates} of {adoption.components} ({percent(adoption.goldenPathShare)})
      </dd>
      <dt>Teams deploying</dt>
      <dd>{adoption.teamsDeploying}</dd>
      <dt>New components</dt>
      <dd>
        {adoption.newComponents.created} ({adoption.newComponents.deployed} deployed
        {adoption.newComponents.medianHoursToFirstDeployment !== null ? `, median ${hours(adoption.newComponents.medianHoursToFirstDeployment)} to the first` : ''})
      </dd>
      <dt>Active people, latest week</dt>
      <dd>{adoption.activeUsersByWeek.at(-1)?.users ?? 0}</dd>
      <dt>Golden-path runs</dt>
      <dd>
        {adoption.templateRuns.started} started, {adoption.templateRuns.completed} completed, {adoption.templateRuns.failed} failed
        {adoption.templateRuns.successRate !== null ? ` (${percent(adoption.templateRuns.successRate)} succeeded)` : ''}
      </dd>
      <dt>Platform requests</dt>
      <dd>
        {adoption.platformRequests.applied} applied, {adoption.platformRequests.ready} Ready
        {adoption.platformRequests.medianHoursToReady !== null ? ` (median ${hours(adoption.platformRequests.medianHoursToReady)} to Ready)` : ''}
      </dd>
      <dt>Teams onboarded</dt>
      <dd>
        {adoption.teamsOnboardedByWeek.at(-1)?.total ?? 0} ({adoption.teamsOnboardedByWeek.reduce((sum, w) => sum + w.onboarded, 0)} in the window)
      </dd>
    </dl>
  );
}
