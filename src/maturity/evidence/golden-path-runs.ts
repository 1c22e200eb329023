import type { EvidenceProvider } from '../evidence-provider.js';
import { percent } from '../evidence-provider.js';

const PAGE = 1000;
const MAX_PAGES = 50;

/** Adoption: golden-path tasks run in the event log's window, and how many completed. */
export const goldenPathRuns: EvidenceProvider = {
  id: 'adoption.golden-path-runs',
  aspect: 'adoption',
  title: 'Golden-path tasks run',
  async collect(app) {
    const counts = { created: 0, completed: 0, failed: 0 };
    const creators = new Set<string>();
    let after = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const events = await app.eventLog.read({ after, types: ['templates.task.created', 'templates.task.completed', 'templates.task.failed'], limit: PAGE });
      for (const event of events) {
        const verb = event.type.split('.').pop() as keyof typeof counts;
        counts[verb] += 1;
        if (verb === 'created' && event.actor) creators.add(event.actor);
      }
      if (events.length < PAGE) break;
      after = events[events.length - 1]!.seq;
    }
    const ended = counts.completed + counts.failed;
    return {
      id: this.id,
      aspect: this.aspect,
      title: 'Golden-path tasks run',
      value: `${counts.created} tasks by ${creators.size} people; ${counts.completed} completed${ended ? ` (${percent(counts.completed / ended)} of those that ended)` : ''}`,
      measure: counts.created,
      source: `event log (last ${app.config.events.retentionDays} days): templates.task.created, .completed, .failed`,
      suggests: counts.created === 0 ? 1 : creators.size < 5 ? 2 : 3,
    };
  },
};
