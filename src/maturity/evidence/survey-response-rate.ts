import type { EvidenceProvider } from '../evidence-provider.js';
import { percent } from '../evidence-provider.js';

/** Measurement: developer-experience surveys run, the latest one's response rate and its change since the one before. */
export const surveyResponseRate: EvidenceProvider = {
  id: 'measurement.survey-response-rate',
  aspect: 'measurement',
  title: 'Developer-experience surveys',
  async collect(app) {
    const rates = await app.surveys.responseRates();
    const latest = rates[rates.length - 1];
    const previous = rates[rates.length - 2];
    if (!latest) {
      return { id: this.id, aspect: this.aspect, title: 'Developer-experience surveys', value: 'no survey run has closed yet', measure: 0, source: 'surveys: closed runs', suggests: 1 };
    }
    const change = previous ? `; ${latest.rate >= previous.rate ? 'up' : 'down'} from ${percent(previous.rate)} in "${previous.title}"` : '';
    return {
      id: this.id,
      aspect: this.aspect,
      title: 'Developer-experience surveys',
      value: `${rates.length} run(s) closed; latest "${latest.title}": ${latest.respondents} of ${latest.audience} answered (${percent(latest.rate)})${change}`,
      measure: latest.rate,
      source: 'surveys: closed runs, respondents over the people each run asked (catalog Users)',
      suggests: rates.length >= 2 && latest.rate >= 0.5 ? 3 : 2,
    };
  },
};
