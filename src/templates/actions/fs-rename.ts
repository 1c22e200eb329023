import { Type } from '@sinclair/typebox';
import { defineAction } from './action.js';

/** `fs:rename`: moves files or folders inside the workspace. */
export const fsRenameAction = defineAction({
  id: 'fs:rename',
  description: 'Renames (moves) files or folders inside the workspace. Both paths must stay inside it.',
  effect: 'workspace',
  input: Type.Object({
    files: Type.Array(
      Type.Object({
        from: Type.String({ description: 'Workspace-relative path to move' }),
        to: Type.String({ description: 'Workspace-relative destination' }),
        overwrite: Type.Optional(Type.Boolean({ description: 'Replace the destination when it exists' })),
      }),
      { title: 'Files', description: 'What to move' },
    ),
  }),
  examples: [{ description: 'Rename a file', example: 'action: fs:rename\ninput:\n  files:\n    - from: README.template.md\n      to: README.md' }],
  async handler(ctx) {
    for (const [i, file] of ctx.input.files.entries()) {
      await ctx.workspace.rename(file.from, file.to, { overwrite: file.overwrite, what: [`input.files[${i}].from`, `input.files[${i}].to`] });
      ctx.log.info(`Moved ${file.from} to ${file.to}`);
    }
  },
});
