import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Entity } from '../../core/entity.js';
import { entityRefOf } from '../../core/entity-ref.js';
import { conflict, invalidInput, notFound } from '../../core/problem.js';
import { runGit } from '../../core/run-git.js';
import { validateEntity } from '../model/index.js';
import { parseGitTarget } from '../ingest/location-target.js';
import type { GitTarget } from '../ingest/location-target.js';
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
}

const PUSH_ATTEMPTS = 3;

/**
 * Writes an edited entity back where it is defined: its YAML file for file locations, a commit to its
 * repository for git locations (directly, or on a new branch when the location asks for review).
 * The caller refreshes the location afterwards so the store shows the change.
 */
export async function writeEntityEdit(edited: Entity, target: EditTarget, options: { message?: string; author?: string } = {}): Promise<EditOutcome> {
  const { errors } = validateEntity(edited);
  if (errors.length) throw invalidInput(`${entityRefOf(edited)} is not valid`, errors);
  const given = edited.metadata.etag;
  if (given !== undefined && given !== target.etag) {
    throw conflict(`${entityRefOf(edited)} changed since it was loaded; reload it and edit again`, [{ pointer: '/metadata/etag', detail: 'does not match the stored entity' }]);
  }
  if (!target.source) throw notFound(`${entityRefOf(edited)} has no source file to edit`);
  if (target.source.startsWith('file:')) {
    const path = target.source.slice('file:'.length);
    const text = await readFile(path, 'utf8');
    const updated = applyEntityEdit(text, edited);
    // Write to a sibling file, then rename: a crash never leaves half a file.
    const temporary = `${path}.pave-edit-${process.pid}`;
    await writeFile(temporary, updated);
    await rename(temporary, path);
    return { savedTo: 'file' };
  }
  if (target.source.startsWith('url:')) return commitEdit(parseGitTarget(target.source.slice('url:'.length)), edited, target.editMode, options);
  throw notFound(`${entityRefOf(edited)} comes from ${target.source}, which Pave cannot write to`);
}

async function commitEdit(git: GitTarget, edited: Entity, mode: EditMode, options: { message?: string; author?: string }): Promise<EditOutcome> {
  const dir = await mkdtemp(join(tmpdir(), 'pave-edit-'));
  const ref = entityRefOf(edited);
  try {
    await runGit(['clone', '--quiet', '--depth', '1', ...(git.ref && git.ref !== 'HEAD' ? ['--branch', git.ref] : []), git.repository, dir]);
    const file = join(dir, git.path);
    await writeFile(file, applyEntityEdit(await readFile(file, 'utf8'), edited));
    const status = await runGit(['status', '--porcelain'], { cwd: dir });
    if (!status.stdout.trim()) return { savedTo: 'git' };
    await runGit(['add', git.path], { cwd: dir });
    const author = options.author ? ['-c', `user.name=${options.author}`] : [];
    await runGit([...author, 'commit', '--quiet', '-m', options.message ?? `Update ${ref} from Pave`], { cwd: dir });
    const branch = mode === 'branch' ? `pave/edit-${edited.metadata.name}-${Date.now().toString(36)}` : (git.ref ?? (await currentBranch(dir)));
    await pushWithRebase(dir, branch, mode === 'direct');
    const commit = (await runGit(['rev-parse', 'HEAD'], { cwd: dir })).stdout.trim();
    return { savedTo: 'git', commit, ...(mode === 'branch' ? { branch } : {}) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Pushes; when someone pushed first, fetches, rebases our one commit on top and tries again. */
async function pushWithRebase(dir: string, branch: string, rebaseOnConflict: boolean): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await runGit(['push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`], { cwd: dir });
      return;
    } catch (error) {
      if (!rebaseOnConflict || attempt >= PUSH_ATTEMPTS) throw conflict(`Could not push the edit: ${(error as Error).message}`);
      await runGit(['fetch', '--quiet', '--depth', '20', 'origin', branch], { cwd: dir });
      await runGit(['rebase', '--quiet', 'FETCH_HEAD'], { cwd: dir }).catch(async rebaseError => {
        await runGit(['rebase', '--abort'], { cwd: dir }).catch(() => undefined);
        throw conflict(`The edit conflicts with a newer change to the file: ${(rebaseError as Error).message}`);
      });
    }
  }
}

async function currentBranch(dir: string): Promise<string> {
  return (await runGit(['rev-parse', '--abbrev-ref', 'HEAD'], { cwd: dir })).stdout.trim();
}
