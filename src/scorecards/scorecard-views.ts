/**
 * The shapes the scorecards API answers, as TypeBox schemas: one per shape, shared by the routes (response
 * schemas, OpenAPI), the client and the portal (their `Static` types).
 */
import { Type, type Static } from '@sinclair/typebox';

export const RuleStatusSchema = Type.Union([Type.Literal('pass'), Type.Literal('fail'), Type.Literal('unknown')]);

export const ScorecardLevelSchema = Type.Object({ name: Type.String(), rank: Type.Integer(), colour: Type.Optional(Type.String()) });

export const ScorecardRuleSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  level: Type.String(),
  weight: Type.Number(),
  condition: Type.String({ description: 'An expression over facts.<source>.<name>' }),
  facts: Type.Array(Type.String(), { description: 'The facts it names, source.name' }),
  passMessage: Type.Optional(Type.String()),
  failMessage: Type.Optional(Type.String()),
  fixUrl: Type.Optional(Type.String()),
  fix: Type.Optional(Type.Object({ template: Type.String(), values: Type.Optional(Type.Record(Type.String(), Type.String())) })),
});

export const ScorecardSchema = Type.Object({
  ref: Type.String(),
  name: Type.String(),
  title: Type.String(),
  description: Type.Optional(Type.String()),
  owner: Type.Optional(Type.String()),
  filter: Type.Array(Type.String(), { description: 'Backstage filters (OR of comma-separated ANDs) selecting the entities scored' }),
  levels: Type.Array(ScorecardLevelSchema, { description: 'Lowest rank first' }),
  rules: Type.Array(ScorecardRuleSchema),
});

export const RuleResultSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  level: Type.String(),
  weight: Type.Number(),
  status: RuleStatusSchema,
  message: Type.Optional(Type.String()),
  fixUrl: Type.Optional(Type.String()),
  fix: Type.Optional(Type.Object({ template: Type.String(), values: Type.Record(Type.String(), Type.Unknown()) }, { description: 'A golden path that fixes it, with values from the entity' })),
});

export const ScorecardResultSchema = Type.Object({
  scorecard: Type.String(),
  entity: Type.String(),
  owner: Type.Optional(Type.String()),
  level: Type.Optional(Type.String({ description: 'The highest level reached; absent when unranked' })),
  score: Type.Integer({ minimum: 0, maximum: 100, description: 'Weighted share of passing rules' }),
  rules: Type.Array(RuleResultSchema),
  evaluatedAt: Type.String(),
});

export const ScorecardSummarySchema = Type.Object({
  scorecard: ScorecardSchema,
  entities: Type.Integer(),
  levels: Type.Record(Type.String(), Type.Integer(), { description: 'Entities per level; `unranked` for those below the lowest' }),
});

export const FactSchema = Type.Object({
  entity: Type.String(),
  source: Type.String(),
  name: Type.String(),
  value: Type.Union([Type.Boolean(), Type.Number(), Type.String(), Type.Null()]),
  observedAt: Type.String(),
});

export const HistoryPointSchema = Type.Object({ level: Type.Optional(Type.String()), score: Type.Integer(), evaluatedAt: Type.String() });

export const EntityScorecardsSchema = Type.Object({
  entity: Type.String(),
  results: Type.Array(ScorecardResultSchema),
  scorecards: Type.Array(ScorecardSchema, { description: 'The scorecards of the results' }),
  facts: Type.Array(FactSchema),
  history: Type.Record(Type.String(), Type.Array(HistoryPointSchema), { description: 'Per scorecard ref, oldest first' }),
});

export const ScorecardDetailSchema = Type.Object({ summary: ScorecardSummarySchema, results: Type.Array(ScorecardResultSchema) });

export const CampaignSchema = Type.Object({
  ref: Type.String(),
  name: Type.String(),
  title: Type.String(),
  description: Type.Optional(Type.String()),
  owner: Type.Optional(Type.String()),
  scorecard: Type.String(),
  level: Type.Optional(Type.String({ description: 'The level to reach…' })),
  rules: Type.Optional(Type.Array(Type.String(), { description: '…or the rules to pass' })),
  start: Type.String(),
  target: Type.String(),
  exemptions: Type.Array(Type.Object({ entity: Type.String(), reason: Type.String(), expires: Type.Optional(Type.String()), grantedBy: Type.Optional(Type.String()) })),
});

export const CampaignViewSchema = Type.Object({
  campaign: CampaignSchema,
  scorecardFound: Type.Boolean(),
  progress: Type.Object({
    total: Type.Integer(),
    done: Type.Integer(),
    exempt: Type.Integer(),
    left: Type.Integer(),
    daysLeft: Type.Integer({ description: 'Until the target date; negative once past' }),
    teams: Type.Array(
      Type.Object({
        owner: Type.String(),
        total: Type.Integer(),
        done: Type.Integer(),
        exempt: Type.Integer(),
        left: Type.Integer(),
        entitiesLeft: Type.Array(Type.Object({ entity: Type.String(), level: Type.Optional(Type.String()), failing: Type.Array(Type.String()) })),
      }),
    ),
    burnup: Type.Array(Type.Object({ date: Type.String(), done: Type.Integer() }), { description: 'Entities done at the end of each day since the start' }),
  }),
});

export const TrendPointSchema = Type.Object({
  date: Type.String({ description: 'The day (UTC), YYYY-MM-DD' }),
  entities: Type.Integer({ description: 'Entities scored by the end of the day' }),
  levels: Type.Record(Type.String(), Type.Integer(), { description: 'Level name (or unranked) → entities at it at the end of the day' }),
  averageScore: Type.Union([Type.Integer(), Type.Null()], { description: 'Their mean score (0–100), or null while none was scored' }),
});

export const ScorecardTrendSchema = Type.Object({
  scorecard: Type.String(),
  owner: Type.Optional(Type.String({ description: 'The team whose entities it covers, when asked for one' })),
  days: Type.Integer(),
  points: Type.Array(TrendPointSchema, { description: 'One per day, oldest first, today last' }),
});

export const TrendQuerySchema = Type.Object({
  owner: Type.Optional(Type.String({ minLength: 1, maxLength: 253, description: 'Only the entities this Group owns, e.g. group:default/team-a' })),
  days: Type.Optional(Type.Integer({ minimum: 1, maximum: 365, description: 'Days back from today (default 90)' })),
});

export const TeamScorecardsSchema = Type.Object({
  team: Type.String(),
  scorecards: Type.Array(ScorecardSummarySchema, { description: 'Each scorecard that scores some of the team’s entities, counting only those' }),
  campaigns: Type.Array(
    Type.Object({
      campaign: CampaignSchema,
      total: Type.Integer(),
      done: Type.Integer(),
      left: Type.Integer(),
      rulesToFix: Type.Integer({ description: 'Failing or unknown rules in the way, summed over the entities left' }),
    }),
    { description: 'Each campaign with entities of the team' },
  ),
});

export type ScorecardTrendView = Static<typeof ScorecardTrendSchema>;
export type TeamScorecardsView = Static<typeof TeamScorecardsSchema>;
export type CampaignViewData = Static<typeof CampaignViewSchema>;
export type ScorecardSummaryView = Static<typeof ScorecardSummarySchema>;
export type ScorecardDetailView = Static<typeof ScorecardDetailSchema>;
export type EntityScorecardsView = Static<typeof EntityScorecardsSchema>;
export type ScorecardView = Static<typeof ScorecardSchema>;
export type ScorecardResultView = Static<typeof ScorecardResultSchema>;
