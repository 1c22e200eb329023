import { hardenedCommand } from '../git/hardening.js';
import { runGit } from '../git/run-git.js';

export interface ImportCommit {
  /** The repository (a bare one) the commit is written into. */
  gitDir: string;
  /** A ref fast-import may set to the new commit (it always updates one). */
  ref: string;
  /** The parent commit; none for the first commit of a branch. */
  parent?: string;
  message: string;
  /** New content by path, null to remove the file. */
  contents: ReadonlyMap<string, string | null>;
  timeoutMs?: number;
}

/**
 * Writes one commit (its blobs, trees and the commit) with a single `git fast-import`: no working copy, no
 * index, one process however many files change. Returns the new commit's id.
 * @example const id = await importCommit({ gitDir, ref: 'refs/pave/import', parent, message: 'pave: 2 changes', contents: new Map([['a/f.yaml', 'x: 1\n']]) });
 */
export async function importCommit(options: ImportCommit): Promise<string> {
  const chunks: Buffer[] = [];
  const text = (line: string) => chunks.push(Buffer.from(line, 'utf8'));
  const data = (content: string) => {
    const bytes = Buffer.from(content, 'utf8');
    text(`data ${bytes.length}\n`);
    chunks.push(bytes);
    text('\n');
  };
  text(`commit ${options.ref}\nmark :1\n`);
  // The identity every other commit of Pave's gets (the process's GIT_COMMITTER_* variables win).
  const env = hardenedCommand([]).env;
  text(`committer ${env.GIT_COMMITTER_NAME} <${env.GIT_COMMITTER_EMAIL}> ${Math.floor(Date.now() / 1000)} +0000\n`);
  data(options.message);
  if (options.parent) text(`from ${options.parent}\n`);
  for (const [path, content] of options.contents) {
    if (content === null) text(`D ${quotePath(path)}\n`);
    else {
      text(`M 100644 inline ${quotePath(path)}\n`);
      data(content);
    }
  }
  text('\nget-mark :1\ndone\n');
  // --force: without a parent, the ref may still point at an earlier import; the ref is only a handle.
  const { stdout } = await runGit(['--git-dir', options.gitDir, 'fast-import', '--quiet', '--done', '--force', '--date-format=raw'], {
    input: Buffer.concat(chunks),
    timeoutMs: options.timeoutMs,
  });
  const id = stdout.trim();
  if (!/^[0-9a-f]{40,64}$/.test(id)) throw new Error(`git fast-import gave no commit id (${JSON.stringify(stdout.slice(0, 80))})`);
  return id;
}

/** A path as fast-import reads it: quoted C-style, so spaces, quotes and line breaks stay part of it. */
function quotePath(path: string): string {
  return `"${path.replace(/["\\]/g, c => `\\${c}`).replace(/\n/g, '\\n')}"`;
}
