/**
 * What the repository view answers, as JSON Schemas (TypeBox): the routes validate and document with
 * them, and the service and the portal use the types derived from them, so the three cannot drift.
 */
import { Type, type Static } from '@sinclair/typebox';

export const CommitViewSchema = Type.Object({
  id: Type.String({ description: 'Full commit id' }),
  author: Type.String(),
  authorEmail: Type.String(),
  date: Type.String({ description: 'Author date, ISO 8601' }),
  subject: Type.String({ description: 'First line of the message' }),
});

export const RepositoryUrlsSchema = Type.Object({
  page: Type.String({ description: "The repository's page in the portal" }),
  httpClone: Type.String({ description: 'Clone over HTTP (read-only; an API token as the password or bearer header)' }),
  fileClone: Type.Optional(Type.String({ description: 'Clone on the machine Pave runs on (file:// URL); only for admins and the local operator, as it tells where the server keeps its data' })),
});

export const RepositoryListItemSchema = Type.Object({
  name: Type.String({ description: 'owner/repo' }),
  owner: Type.String(),
  repo: Type.String(),
  description: Type.Optional(Type.String()),
  defaultBranch: Type.Optional(Type.String({ description: 'The branch HEAD names; absent when HEAD is detached' })),
  lastCommit: Type.Optional(CommitViewSchema),
  urls: RepositoryUrlsSchema,
});

export const TreeEntrySchema = Type.Object({
  name: Type.String(),
  path: Type.String({ description: 'From the repository root' }),
  type: Type.Union([Type.Literal('tree'), Type.Literal('blob'), Type.Literal('symlink'), Type.Literal('submodule')]),
  size: Type.Optional(Type.Integer({ description: 'Bytes, for files and links' })),
});

export const ReadmeSchema = Type.Object({
  path: Type.String(),
  markdown: Type.String({ description: 'The README as written (Markdown or plain text); the portal renders it' }),
  truncated: Type.Boolean(),
});

/** Where a tree or blob answer was read: the ref asked for and the commit it resolved to. */
const At = {
  name: Type.String({ description: 'owner/repo, or the destination' }),
  ref: Type.String(),
  commit: Type.String(),
  path: Type.String({ description: "'' is the root" }),
};

export const TreeViewSchema = Type.Object({ ...At, entries: Type.Array(TreeEntrySchema), readme: Type.Optional(ReadmeSchema) });

export const BlobViewSchema = Type.Object({
  ...At,
  type: Type.Union([Type.Literal('blob'), Type.Literal('symlink'), Type.Literal('submodule')]),
  size: Type.Integer(),
  binary: Type.Boolean({ description: 'Holds a NUL byte: not shown as text' }),
  truncated: Type.Boolean({ description: 'Larger than the view shows: no content' }),
  content: Type.Optional(Type.String({ description: 'The text of a file, or the target of a symbolic link' })),
});

/** What a repository shows at a ref, hosted or a destination: its refs, latest commits and root folder. */
export const BrowseSummarySchema = Type.Object({
  ref: Type.Optional(Type.String({ description: 'The ref shown; absent for a repository with no commits' })),
  commit: Type.Optional(Type.String()),
  branches: Type.Array(Type.String()),
  tags: Type.Array(Type.String()),
  commits: Type.Array(CommitViewSchema, { description: 'The latest commits at ref, newest first (for a reader who sees some folders only, those that change them)' }),
  tree: Type.Optional(TreeViewSchema),
});

export const RepositorySummarySchema = Type.Object({ ...RepositoryListItemSchema.properties, ...BrowseSummarySchema.properties });

export const CommitDetailSchema = Type.Object({
  ...CommitViewSchema.properties,
  name: Type.String({ description: 'owner/repo, or the destination' }),
  message: Type.String({ description: 'The whole message; only the subject for a reader who sees some folders only, as a batched commit names every request it carries' }),
  parents: Type.Array(Type.String()),
  files: Type.Array(
    Type.Object({ path: Type.String(), change: Type.Union([Type.Literal('added'), Type.Literal('modified'), Type.Literal('deleted')]) }),
    { description: 'The files changed against the first parent (those the reader sees)' },
  ),
});

export type CommitView = Static<typeof CommitViewSchema>;
export type RepositoryUrls = Static<typeof RepositoryUrlsSchema>;
export type RepositoryListItem = Static<typeof RepositoryListItemSchema>;
export type TreeEntry = Static<typeof TreeEntrySchema>;
export type ReadmeView = Static<typeof ReadmeSchema>;
export type TreeView = Static<typeof TreeViewSchema>;
export type BlobView = Static<typeof BlobViewSchema>;
export type BrowseSummary = Static<typeof BrowseSummarySchema>;
export type RepositorySummary = Static<typeof RepositorySummarySchema>;
export type CommitDetail = Static<typeof CommitDetailSchema>;
