/**
 * What the API, the client, the CLI and the portal say about generated repositories and their upgrades:
 * one TypeBox schema per shape, the types taken from them. No I/O.
 */
import { Type, type Static } from '@sinclair/typebox';

export const UpgradeOutcomeSchema = Type.Union([Type.Literal('up-to-date'), Type.Literal('clean'), Type.Literal('conflicts')], {
  description: 'up-to-date: nothing to propose; clean: a review branch that merges cleanly; conflicts: a review branch with conflict markers in `conflicts`',
});

export const ReviewStateSchema = Type.Union([Type.Literal('open'), Type.Literal('merged'), Type.Literal('closed')], {
  description: 'open: waiting for review; merged: taken into the branch (the repository is at its version); closed: declined, closed without merging',
});
export type ReviewState = Static<typeof ReviewStateSchema>;

export const UpgradeReviewSchema = Type.Object(
  {
    state: ReviewStateSchema,
    toVersion: Type.String({ description: 'The template version the review brings in' }),
    branch: Type.String(),
    url: Type.Optional(Type.String({ description: 'The pull or merge request, or the branch in the portal' })),
    openedAt: Type.String(),
    decidedAt: Type.Optional(Type.String({ description: 'When Pave saw it merged or closed' })),
  },
  { additionalProperties: false },
);
export type UpgradeReview = Static<typeof UpgradeReviewSchema>;

export const UpgradeResultSchema = Type.Object(
  {
    repository: Type.String({ description: 'The generated repository' }),
    fromVersion: Type.String({ description: 'The template version its content came from' }),
    toVersion: Type.String({ description: "The template's version now" }),
    outcome: UpgradeOutcomeSchema,
    dryRun: Type.Boolean(),
    branch: Type.Optional(Type.String({ description: 'The review branch (pushed unless a dry run)' })),
    reviewUrl: Type.Optional(Type.String({ description: 'The pull or merge request, or the branch in the portal' })),
    alreadyOpen: Type.Optional(Type.Boolean({ description: 'The review for this version was open already; nothing was pushed again' })),
    commit: Type.Optional(Type.String({ description: 'The merge commit on the review branch' })),
    changed: Type.Array(Type.String(), { description: 'Files the review branch changes' }),
    conflicts: Type.Array(Type.String(), { description: 'Files with conflict markers, to resolve on the branch' }),
    at: Type.String(),
    by: Type.Optional(Type.String({ description: 'Who opened it' })),
  },
  { additionalProperties: false },
);
export type UpgradeResult = Static<typeof UpgradeResultSchema>;

export const GeneratedRepositorySchema = Type.Object(
  {
    id: Type.String(),
    taskId: Type.String({ description: 'The task that created it' }),
    templateRef: Type.String(),
    templateVersion: Type.String({ description: "The template's spec.version (else its catalog etag) its content came from" }),
    currentVersion: Type.Optional(Type.String({ description: "The template's version now; absent when the template is gone or unreadable" })),
    behind: Type.Boolean({ description: 'The template changed since the content was rendered (an upgrade counts once its review is merged)' }),
    values: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'The form values the task ran with (never secrets); only for those who may read that task' })),
    publisher: Type.String({ description: 'The action that created it, e.g. publish:github' }),
    repoUrl: Type.String({ description: 'Where it is, as the step named it (host?owner=o&repo=r or a URL)' }),
    webUrl: Type.String({ description: 'Where people open it' }),
    branch: Type.String(),
    createdBy: Type.Optional(Type.String()),
    createdAt: Type.String(),
    lastUpgrade: Type.Optional(UpgradeResultSchema),
    review: Type.Optional(UpgradeReviewSchema),
  },
  { additionalProperties: false },
);
export type GeneratedRepository = Static<typeof GeneratedRepositorySchema>;

export const ListGeneratedRepositoriesQuerySchema = Type.Object({
  templateRef: Type.Optional(Type.String({ description: 'Only those made from this template' })),
  behind: Type.Optional(Type.Boolean({ description: 'Only those behind their template' })),
});
export type ListGeneratedRepositoriesQuery = Static<typeof ListGeneratedRepositoriesQuerySchema>;

export const UpgradeRequestSchema = Type.Object({
  dryRun: Type.Optional(Type.Boolean({ description: 'Merge and report, push nothing' })),
});
export type UpgradeRequest = Static<typeof UpgradeRequestSchema>;
