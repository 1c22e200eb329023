/**
 * The CNCF Platform Engineering Maturity Model (CNCF TAG App Delivery, Platforms Working Group, v1,
 * October 2023; CC BY 4.0), paraphrased: five aspects, each judged on its own at one of four levels.
 * Level 4 is not a goal in itself.
 */

export type AspectId = 'investment' | 'adoption' | 'interfaces' | 'operations' | 'measurement';
export type LevelId = 'provisional' | 'operational' | 'scalable' | 'optimizing';

export interface Level {
  id: LevelId;
  rank: 1 | 2 | 3 | 4;
  title: string;
}

export interface Aspect {
  id: AspectId;
  title: string;
  question: string;
  /** What each level looks like for this aspect, by level id. */
  levels: Record<LevelId, string>;
}

export const LEVELS: readonly Level[] = [
  { id: 'provisional', rank: 1, title: 'Provisional' },
  { id: 'operational', rank: 2, title: 'Operational' },
  { id: 'scalable', rank: 3, title: 'Scalable' },
  { id: 'optimizing', rank: 4, title: 'Optimizing' },
];

export const MODEL_CREDIT =
  'Based on the CNCF Platform Engineering Maturity Model (CNCF TAG App Delivery, Platforms Working Group, v1, October 2023), licensed CC BY 4.0: https://tag-app-delivery.cncf.io/whitepapers/platform-eng-maturity-model/ — paraphrased by Pave.';

export const ASPECTS: readonly Aspect[] = [
  {
    id: 'investment',
    title: 'Investment',
    question: 'How are people and money put into platform capabilities?',
    levels: {
      provisional: 'Voluntary or temporary: volunteers and short-lived tiger teams; nothing is sustained.',
      operational: 'Dedicated team: centrally funded cost centre; reactive; impact on value streams not measured.',
      scalable: 'As product: funded by expected value; product management and UX roles, public roadmap, usage data drives funding.',
      optimizing: 'Enabled ecosystem: specialists extend the platform; focus on cross-cutting outcomes (time to market, cost, compliance).',
    },
  },
  {
    id: 'adoption',
    title: 'Adoption',
    question: 'Why and how do users find and use the platform?',
    levels: {
      provisional: 'Erratic: one-off tools, discovery by word of mouth, each team keeps its own scripts.',
      operational: 'Extrinsic push: mandates and incentives; some capabilities used, others ignored; help desks.',
      scalable: 'Intrinsic pull: users choose the platform; self-service portals and golden paths make adoption fast.',
      optimizing: 'Participatory: users contribute fixes and new capabilities.',
    },
  },
  {
    id: 'interfaces',
    title: 'Interfaces',
    question: 'How do users consume capabilities?',
    levels: {
      provisional: 'Custom processes: person-to-person requests and tickets.',
      operational: 'Standard tooling: consistent tools and a discoverable catalogue; golden paths still need experts.',
      scalable: 'Self-service solutions: one-click provisioning with consistent interfaces across capabilities.',
      optimizing: 'Integrated services: capabilities in the tools people already use, composable, several surfaces (CLI, IDE, portal).',
    },
  },
  {
    id: 'operations',
    title: 'Operations',
    question: 'How are capabilities planned, built and maintained?',
    levels: {
      provisional: 'By request: reactive and ad hoc; upgrades are one-off efforts.',
      operational: 'Centrally tracked: a register of shared services with owners; infrastructure as code; manual upgrades.',
      scalable: 'Centrally enabled: central orchestration; standard ways to contribute; continuous delivery of capabilities with rollback.',
      optimizing: 'Managed services: standardised, automated lifecycle with no user impact.',
    },
  },
  {
    id: 'measurement',
    title: 'Measurement',
    question: 'How is feedback gathered and used?',
    levels: {
      provisional: 'Ad hoc: little or custom data; surveys rare and inconsistent.',
      operational: 'Consistent collection: standard feedback channels; usage instrumented.',
      scalable: 'Insights: outcome-first metrics with industry frameworks (DORA, SPACE); success defined before features ship.',
      optimizing: 'Quantitative and qualitative: data open to all; leading indicators; SLOs on developer-facing measures.',
    },
  },
];

export const ASPECT_IDS = ASPECTS.map(a => a.id);
export const LEVEL_IDS = LEVELS.map(l => l.id);

export function levelOfRank(rank: number): Level {
  return LEVELS[Math.min(4, Math.max(1, Math.round(rank))) - 1]!;
}

export function rankOf(level: LevelId): number {
  return LEVELS.find(l => l.id === level)!.rank;
}
