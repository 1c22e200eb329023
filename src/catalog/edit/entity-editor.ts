import { mkdtemp, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Entity } from '../../core/entity.js';
import { entityRefOf } from '../../core/entity-ref.js';
import { conflict, invalidInput, notFound, PaveError } from '../../core/problem.js';
import { clonedBranch, shallowClone } from '../../git/clone.js';
import { commit, type GitIdentity } from '../../git/commit.js';
import { PushError, pushWithRebase } from '../../git/push.js';
import { GitError, runGit } from '../../git/run-git.js';
import { shownUrl } from '../../reading/reading-error.js';
import { validateEntity } from '../model/index.js';
import { locationGitTransport, type LocationGitTransport } from '../ingest/location-clone.js';
import { parseGitTarget } from '../ingest/location-target.js';
import type { GitTarget } from '../ingest/location-target.js';
import { readEntityDocuments, type ReadLimits } from '../ingest/read-location.js';
import { cloneTree, type SourceTree } from '../ingest/source-tree.js';
import { applyEntityEdit } from './yaml-entity-edit.js';

/** Where an edit went: the store, the entity's file, or a commit in its repository. */
export interface EditOutcome {
  savedTo: 'store' | 'file' | 'git';
  commit?: string;
  /** Set when the edit went to a new branch for review instead of the location's branch. */
  branch?: string;
}

export type EditMode = 'direct' | 'branch';

/** What the editor needs to know about the entity being changed. */
export interface EditTarget {
  source: string | null;
  etag: string;
  editMode: EditMode;
  /** For a `file:` source, the tree its location reads it from: the edit is read, checked and written inside it. */
  tree?: SourceTree;
  /** The limits ingestion applies, which the edited file must keep. */
  limits: ReadLimits;
}

/** Who the edit is by: the commit's author (Pave stays its committer). */
export interface EditOptions {
  author?: GitIdentity;
}

const PUSH_ATTEMPTS = 3;

/**
 * Writes an edited entity back where it is defined: its YAML file for file locations, a commit to its
 * repository for git locations (directly, or on a new branch when the location asks for review).
 * The edited file is first read the way ingestion will read it (size and depth limits, placeholders
 * resolved and confined, kind validation); a refused edit writes nothing and names the fields at fault.
 * The caller refreshes the location afterwards so the store shows the change.
 * @example await writeEntityEdit(edited, { source: 'file:/srv/catalog/shop.yaml', etag, editMode: 'direct', tree, limits });
 */
export async function writeEntityEdit(edited: Entity, target: EditTarget, options: EditOptions = {}): Promise<EditOutcome> {
  const { errors } = validateEntity(edited);
  if (errors.length) throw invalidInput(`${entityRefOf(edited)} is not valid`, errors);
  const given = edited.metadata.etag;
  if (given !== undefined && given !== target.etag) {
    throw conflict(`${entityRefOf(edited)} changed since it was loaded; reload it and edit again`, [{ pointer: '/metadata/etag', detail: 'does not match the stored entity' }]);
  }
  if (!target.source) throw notFound(`${entityRefOf(edited)} has no source file to edit`);
  if (target.source.startsWith('file:') && target.tree) {
    const file = await editedFileText(target.tree, target.source.slice('file:'.length), edited, target.limits);
    // Write to a sibling file that must not exist yet (a link planted there is not followed), then rename:
    // a crash never leaves half a file.
    const temporary = `${file.path}.pave-edit-${process.pid}`;
    await rm(temporary, { force: true });
    await writeFile(temporary, file.text, { flag: 'wx' });
    await rename(temporary, file.path);
    return { savedTo: 'file' };
  }
  if (target.source.startsWith('url:')) return commitEdit(parseGitTarget(target.source.slice('url:'.length)), edited, target, options);
  throw notFound(`${entityRefOf(edited)} comes from ${target.source}, which Pave cannot write to`);
}

/**
 * The entity's file with the edit applied, after checking it as ingestion would read it: the file must
 * still be inside its tree (real path), and the edited document must still be read as a valid entity.
 */
async function editedFileText(tree: SourceTree, path: string, edited: Entity, limits: ReadLimits): Promise<{ path: string; text: string; fields: string[] }> {
  const ref = entityRefOf(edited);
  const read = await tree.read(path, { maxBytes: limits.maxFileBytes });
  if (!('content' in read)) {
    throw conflict(`${ref}'s file can no longer be read where its location reads it; refresh the location and try again`);
  }
  const { text, fields } = applyEntityEdit(read.content.toString('utf8'), edited);
  const size = Buffer.byteLength(text);
  if (size > limits.maxFileBytes) {
    throw invalidInput(`The edited file would be ${size} bytes, larger than the limit of ${limits.maxFileBytes} bytes`, [
      { pointer: '', detail: `the file must stay within ${limits.maxFileBytes} bytes (catalog.maxFileBytes)`, rule: 'size' },
    ]);
  }
  const wanted = ref.toLocaleLowerCase('en-US');
  for await (const doc of readEntityDocuments(text, read.path, tree, limits)) {
    if (doc.entityRef !== wanted) continue;
    if (doc.errors.length) throw invalidInput(`${ref} would not be read from its file after this edit: ${doc.errors.map(e => `${e.pointer || '(document)'} ${e.detail}`).join('; ')}`, doc.errors);
    return { path: read.path, text, fields };
  }
  throw invalidInput(`${ref} would no longer be read from its file after this edit`, [{ pointer: '', detail: 'the edited document could not be read as an entity', rule: 'yaml' }]);
}

async function commitEdit(git: GitTarget, edited: Entity, target: EditTarget, options: EditOptions): Promise<EditOutcome> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), 'pave-edit-')));
  const ref = entityRefOf(edited);
  try {
    // On an integration host: the reading policy's transport, signed in with the host's credentials, for the
    // clone and for the push (and its catch-up fetch) alike.
    const remote = await locationGitTransport(git.repository, target.limits.reader);
    await shallowClone(git.repository, dir, { branch: git.ref, ...remote.transport }).catch(error => {
      throw refusedOrSame(error, git.repository, remote, 'clone');
    });
    const file = await editedFileText(cloneTree(dir, git), join(dir, git.path), edited, target.limits);
    await writeFile(file.path, file.text);
    const message = `Edit ${ref}: ${file.fields.join(', ')}\n\nMade in Pave${options.author ? ` by ${options.author.name}` : ''}.`;
    const made = await commit(dir, { message, paths: [relative(dir, file.path)], ...(options.author ? { author: options.author } : {}) });
    if (!made) return { savedTo: 'git' };
    const branch = target.editMode === 'branch' ? `pave/edit-${edited.metadata.name}-${Date.now().toString(36)}` : git.ref && git.ref !== 'HEAD' ? git.ref : await clonedBranch(dir);
    await push(dir, branch, target.editMode === 'direct', git.repository, remote);
    // A rebase onto someone else's newer commits gave ours a new id.
    const pushed = (await runGit(['rev-parse', 'HEAD'], { cwd: dir })).stdout.trim();
    return { savedTo: 'git', commit: pushed, ...(target.editMode === 'branch' ? { branch } : {}) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Pushes; on the location's own branch, someone else's newer commits are fetched and ours rebased on top. */
async function push(dir: string, branch: string, rebaseOnConflict: boolean, repository: string, remote: LocationGitTransport): Promise<void> {
  try {
    await pushWithRebase(dir, { branch, attempts: rebaseOnConflict ? PUSH_ATTEMPTS : 1, ...remote.transport });
  } catch (error) {
    if (!(error instanceof PushError)) throw error;
    const refused = refusedOrSame(error.cause, repository, remote, 'push');
    if (refused !== error.cause) throw refused;
    const reason = (error.cause as Error).message;
    throw conflict(error.conflicting ? `The edit conflicts with a newer change to the file: ${reason}` : `Could not push the edit: ${reason}`);
  }
}

/** What git says when a host refused to let it in (HTTP 401 or 403, or the credential it then asked for). */
const AUTHENTICATION_REFUSED = /could not read (Username|Password)|Authentication failed|returned error: 40[13]|askpass/i;

/**
 * A clone or push the repository's host refused for want of credentials, as a problem saying what to
 * configure (never repeating a credential: git's words are not quoted); any other error as it is.
 */
function refusedOrSame(error: unknown, repository: string, remote: LocationGitTransport, what: 'clone' | 'push'): unknown {
  if (!(error instanceof GitError) || !AUTHENTICATION_REFUSED.test(error.stderr)) return error;
  const url = URL.canParse(repository) ? new URL(repository) : undefined;
  const shown = url ? shownUrl(url) : repository;
  const why = {
    'no-integration': `no integration names ${url?.host ?? 'its host'}: add the host under integrations (github, gitlab, bitbucketServer or gitea) with a token that may ${what === 'push' ? 'push' : 'read'}, and list it on reading.allow`,
    'no-credentials': `the integration for ${url?.host ?? 'its host'} gave no credentials for this URL: configure its token, and register the location at the integration's own origin (https unless its baseUrl says http)`,
    integration: `it refused the integration's credentials: the token configured under integrations for ${url?.host ?? 'its host'} may not ${what === 'push' ? 'push to' : 'read'} this repository`,
  }[remote.signIn];
  return new PaveError({
    type: 'https://pave.dev/problems/edit-not-pushed',
    title: 'Edit not pushed',
    status: 502,
    detail: `The edit was not saved: ${shown} refused the ${what} (${why})`,
  });
}
