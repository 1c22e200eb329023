import type { DeliveryEventInput } from './delivery-event.js';

/** A demo component: its name, its owner (profiles go by team) and the repository it is known by. */
export interface DemoComponent {
  name: string;
  owner: string;
  slug: string;
}

/** How a team delivers, as probabilities and ranges (hours). */
interface Profile {
  /** Expected production deployments per day. */
  deploysPerDay: number;
  commits: [number, number];
  leadHours: [number, number];
  failure: number;
  incident: number;
  recoveryHours: [number, number];
}

/** Four ways of delivering, one per DORA band, so the demo's teams land in different bands. */
const PROFILES: Record<'elite' | 'high' | 'medium' | 'low', Profile> = {
  elite: { deploysPerDay: 2.2, commits: [1, 3], leadHours: [1, 8], failure: 0.03, incident: 0.02, recoveryHours: [0.2, 0.8] },
  high: { deploysPerDay: 0.4, commits: [2, 5], leadHours: [10, 100], failure: 0.08, incident: 0.08, recoveryHours: [2, 14] },
  medium: { deploysPerDay: 0.08, commits: [3, 8], leadHours: [150, 500], failure: 0.1, incident: 0.15, recoveryHours: [20, 100] },
  low: { deploysPerDay: 0.015, commits: [5, 14], leadHours: [800, 1800], failure: 0.25, incident: 0.3, recoveryHours: [200, 400] },
};
const ROTATION = ['elite', 'high', 'medium', 'high', 'low', 'elite', 'medium', 'high'] as const;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * A believable delivery history for the demo organisation: `days` days up to `now`, each team delivering
 * in one of four manners (teams in sorted order take them in turn), with commits and the pull requests that carried them, staging and production
 * deployments, failures followed by a fix, incidents with hotfixes (rework) and a few events for a
 * repository no component has. Deterministic: every day's events come from a generator seeded by the
 * component and the date, with ids naming both, so loading again (on any later day) adds only what is new;
 * nothing later than `now` is produced (an incident still open is resolved by a later load).
 * @example const events = demoHistory([{ name: 'cart', owner: 'shop-team', slug: 'acme/cart' }], new Date());
 */
export function demoHistory(components: readonly DemoComponent[], now: Date, days = 90): DeliveryEventInput[] {
  const owners = [...new Set(components.map(c => c.owner))].sort();
  const profileOf = (owner: string) => PROFILES[ROTATION[owners.indexOf(owner) % ROTATION.length]!];
  const today = Math.floor(now.getTime() / DAY) * DAY;
  const events: DeliveryEventInput[] = [];
  for (const component of [...components].sort((a, b) => a.name.localeCompare(b.name))) {
    const profile = profileOf(component.owner);
    const target = { annotation: 'github.com/project-slug', value: component.slug };
    for (let d = days; d >= 0; d--) {
      const dayStart = today - d * DAY;
      const date = new Date(dayStart).toISOString().slice(0, 10);
      const random = generator(`${component.name}:${date}`);
      const between = ([low, high]: [number, number]) => low + random() * (high - low);
      let n = 0;
      const id = () => `demo:${component.name}:${date}:${n++}`;
      const sha = () => Array.from({ length: 40 }, () => '0123456789abcdef'[Math.floor(random() * 16)]).join('');
      // Work happens on weekdays, between 08:00 and 18:00.
      const weekday = new Date(dayStart).getUTCDay() % 6 !== 0;
      let deploys = 0;
      for (let left = profile.deploysPerDay * (weekday ? 1.4 : 0.1); left > 0; left--) if (random() < Math.min(left, 1)) deploys++;
      for (let i = 0; i < deploys; i++) {
        const at = dayStart + (8 + random() * 10) * HOUR;
        const commits: string[] = [];
        const made: number[] = [];
        const count = Math.round(between(profile.commits));
        for (let c = 0; c < count; c++) {
          const commit = sha();
          commits.push(commit);
          made.push(at - between(profile.leadHours) * HOUR);
          events.push({ id: id(), type: 'change', at: iso(made[c]!), target, sha: commit, title: `Change ${commit.slice(0, 7)} to ${component.name}` });
        }
        const head = commits[commits.length - 1]!;
        // The deployment's commits came in one pull request, opened after its first commit and squash-merged (as the
        // head) between its last commit and the deployment; its own ids and no draw of the generator, so the events
        // above keep theirs.
        const [first, last] = [Math.min(...made), Math.max(...made)];
        const mergedAt = last + (at - last) / 2;
        const pullRequest = { type: 'change' as const, kind: 'pull-request' as const, target, pullRequest: `${component.slug}#${date}-${i}`, commits, title: `Work on ${component.name} (${date}, ${i + 1})` };
        events.push({ ...pullRequest, id: `demo:${component.name}:${date}:pr-${i}:opened`, at: iso(first + (mergedAt - first) / 4), status: 'opened' }, { ...pullRequest, id: `demo:${component.name}:${date}:pr-${i}:merged`, at: iso(mergedAt), status: 'merged', sha: head });
        events.push({ id: id(), type: 'deployment', at: iso(at - HOUR), target, environment: 'staging', status: 'success', sha: head, commits });
        const failed = random() < profile.failure;
        events.push({ id: id(), type: 'deployment', at: iso(at), target, environment: 'production', status: failed ? 'failure' : 'success', sha: head, ...(failed ? {} : { commits }) });
        if (failed) {
          // Fixed and deployed again once the failure is understood.
          events.push({ id: id(), type: 'deployment', at: iso(at + between(profile.recoveryHours) * HOUR), target, environment: 'production', status: 'success', sha: head, commits });
        } else if (random() < profile.incident) {
          const opened = at + between([0.2, 6]) * HOUR;
          const resolved = opened + between(profile.recoveryHours) * HOUR;
          const incident = `demo-${component.name}-${date}-${i}`;
          events.push({ id: id(), type: 'incident', at: iso(opened), target, status: 'opened', incident, title: `${component.name} degraded after a deployment` });
          const hotfix = sha();
          events.push({ id: id(), type: 'change', at: iso(opened + (resolved - opened) * 0.4), target, sha: hotfix, title: `Hotfix for ${incident}` });
          events.push({ id: id(), type: 'deployment', at: iso(opened + (resolved - opened) * 0.6), target, environment: 'production', status: 'success', sha: hotfix, commits: [hotfix], rework: true });
          events.push({ id: id(), type: 'incident', at: iso(resolved), target, status: 'resolved', incident });
        }
      }
    }
  }
  // A repository nobody catalogued yet: its events wait, unmapped, for someone to map them.
  for (let d = days; d >= 0; d -= 9) {
    const at = today - d * DAY + 11 * HOUR;
    events.push({ id: `demo:legacy-monolith:${new Date(at).toISOString().slice(0, 10)}`, type: 'deployment', at: iso(at), target: { annotation: 'github.com/project-slug', value: 'larkspur/legacy-monolith' }, environment: 'production', status: 'success' });
  }
  return events.filter(e => Date.parse(e.at) <= now.getTime());
}

function iso(ms: number): string {
  return new Date(Math.round(ms / 1000) * 1000).toISOString();
}

/** A small seeded generator (mulberry32 over an FNV-1a hash of the seed): the same seed, the same numbers. */
function generator(seed: string): () => number {
  let state = 2166136261;
  for (let i = 0; i < seed.length; i++) state = Math.imul(state ^ seed.charCodeAt(i), 16777619);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
