import { Link } from 'react-router-dom';
import { useAsync, useDocumentTitle } from '../lib/hooks';
import { ErrorState, Loading } from '../components/States';
import { ASPECT_TITLES, LEVEL_TITLES, listAssessments, listRuns, maturityEvidence, runResults, type EvidenceReport } from './insightsApi';
import { Radar } from './Radar';
import { DeliveryTile } from './DeliveryTile';
import { ScorecardsTile } from './ScorecardsTile';
import { PulseTile } from './PulseResults';
import './insights.css';

/** The newest closed run and its everyone-results (NPS and respondents), if any. */
async function latestSurvey(signal: AbortSignal) {
  const runs = (await listRuns(signal)).items;
  const closed = runs.find((r) => r.state === 'closed');
  return { runs, closed, results: closed ? await runResults(closed.id, signal) : undefined };
}

const evidenceOf = (report: EvidenceReport | undefined, aspect: string) => report?.aspects.find((a) => a.aspect === aspect);

/**
 * Is the platform working: adoption, self-service, delivery, scorecards, developer experience and maturity on
 * one page, each tile linking to its detail (delivery and scorecards only for those who may read them).
 */
export default function DashboardPage() {
  useDocumentTitle('Platform dashboard');
  const evidence = useAsync((signal) => maturityEvidence(signal), []);
  const survey = useAsync((signal) => latestSurvey(signal), []);
  const assessments = useAsync((signal) => listAssessments(signal), []);
  const latest = assessments.data?.items[0];
  const nps = survey.data?.results?.overall.questions?.find((q) => q.aggregate?.type === 'nps' && q.shown)?.aggregate;
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <h1>Is the platform working?</h1>
          <p className="muted">Adoption, self-service, delivery, scorecards, developer experience and maturity in one view. Each tile links to its details.</p>
        </div>
      </div>
      {evidence.error ? <ErrorState error={evidence.error} onRetry={evidence.reload} what="the platform's figures" /> : null}
      <div className="tiles">
        <Link className="card tile" to="/maturity" data-testid="tile-adoption">
          <h2>Adoption</h2>
          {!evidence.data ? <Loading rows={1} /> : (evidenceOf(evidence.data, 'adoption')?.evidence ?? []).map((e) => <p key={e.id}>{e.title}: <strong>{e.value}</strong></p>)}
        </Link>
        <Link className="card tile" to="/platform" data-testid="tile-self-service">
          <h2>Self-service</h2>
          {!evidence.data ? <Loading rows={1} /> : [...(evidenceOf(evidence.data, 'interfaces')?.evidence ?? []), ...(evidenceOf(evidence.data, 'operations')?.evidence.filter((e) => e.id === 'operations.requests-ready') ?? [])].map((e) => <p key={e.id}>{e.title}: <strong>{e.value}</strong></p>)}
        </Link>
        <DeliveryTile />
        <ScorecardsTile />
        <Link className="card tile" to={survey.data?.closed ? `/surveys/runs/${encodeURIComponent(survey.data.closed.id)}` : '/surveys'} data-testid="tile-surveys">
          <h2>Developer experience</h2>
          {survey.error ? <p>{survey.error.message}</p> : !survey.data ? <Loading rows={1} /> : !survey.data.closed ? <p className="muted">No survey has closed yet.</p> : (
            <>
              <p className="tile-figure">{nps && nps.type === 'nps' ? `NPS ${nps.score}` : '—'}</p>
              <p>
                {survey.data.closed.title}: {survey.data.closed.respondents} respondents
              </p>
            </>
          )}
        </Link>
        <PulseTile />
        <Link className="card tile" to="/maturity" data-testid="tile-maturity">
          <h2>Maturity</h2>
          {!assessments.data ? <Loading rows={1} /> : !latest ? <p className="muted">No assessment yet.</p> : (
            <>
              <Radar size={220} series={[{ label: latest.assessedAt.slice(0, 10), levels: Object.fromEntries(latest.aspects.map((a) => [a.aspect, a.level])), colour: '#1f6feb' }]} />
              <p className="small">
                {latest.assessedAt.slice(0, 10)}: {latest.aspects.map((a) => `${ASPECT_TITLES[a.aspect]} ${LEVEL_TITLES[a.level]}`).join(' · ')}
              </p>
            </>
          )}
        </Link>
      </div>
    </div>
  );
}
