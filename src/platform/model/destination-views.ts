/**
 * What browsing a destination answers, as JSON Schemas (TypeBox): the routes validate and document with
 * them, and the service and the portal use the types derived from them. Folders, files and commits are
 * the repositories view's own shapes (`repositories/repository-views.ts`).
 */
import { Type, type Static } from '@sinclair/typebox';
import { BrowseSummarySchema } from '../../repositories/repository-views.js';

export const DestinationSummarySchema = Type.Object({
  name: Type.String({ description: 'The destination' }),
  branch: Type.String({ description: 'The branch Pave commits to (the ref shown by default)' }),
  path: Type.String({ description: "The destination's folder in its repository ('' is the whole repository)" }),
  browsable: Type.Boolean({ description: 'Its repository is on the machine Pave runs on, so Pave shows it; a remote one is only linked (webUrl)' }),
  webUrl: Type.Optional(Type.String({ description: "The remote repository's web page, when its URL says" })),
  sees: Type.Union([Type.Literal('destination'), Type.Literal('requests')], {
    description: "What the caller sees: the destination's whole folder, or only the folders of the requests they may read",
  }),
  ...BrowseSummarySchema.properties,
});

export type DestinationSummary = Static<typeof DestinationSummarySchema>;
