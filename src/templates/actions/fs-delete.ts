import { Type } from '@sinclair/typebox';
import fg from 'fast-glob';
import { defineAction } from './action.js';
import { confinePath } from '../workspace/safe-path.js';

/** `fs:delete`: deletes files and folders (globs allowed) inside the workspace; links are removed, never followed. */
export const fsDeleteAction = defineAction({
  id: 'fs:delete',
  description: 'Deletes files or folders in the workspace. Entries are paths or globs relative to the workspace; symbolic links are removed themselves, never followed.',
  effect: 'workspace',
  input: Type.Object({
    files: Type.Array(Type.String(), { title: 'Files', description: 'Workspace-relative paths or globs' }),
  }),
  examples: [{ description: 'Remove optional files', example: 'action: fs:delete\ninput:\n  files:\n    - .github/workflows/security.yml\n    - "**/*.tmp"' }],
  async handler(ctx) {
    let removed = 0;
    for (const [i, pattern] of ctx.input.files.entries()) {
      const what = `input.files[${i}]`;
      // The pattern itself must stay inside: no absolute paths, no `..` climbing out.
      confinePath(ctx.workspace.root, pattern, what);
      const matches = fg.isDynamicPattern(pattern)
        ? await fg(pattern, { cwd: ctx.workspace.root, dot: true, onlyFiles: false, followSymbolicLinks: false, unique: true })
        : [pattern];
      // Deepest first, so a folder and its content can both be listed.
      for (const match of matches.sort((a, b) => b.length - a.length)) {
        if (await ctx.workspace.remove(match, what)) removed++;
      }
    }
    ctx.log.info(`Deleted ${removed} entr${removed === 1 ? 'y' : 'ies'}`);
  },
});
