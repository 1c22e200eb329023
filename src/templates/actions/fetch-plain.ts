import { Type } from '@sinclair/typebox';
import { posix } from 'node:path';
import { invalidInput } from '../../core/problem.js';
import { defineAction } from './action.js';

/** `fetch:plain`: copies a folder of the template's own files into the workspace, as they are. */
export const fetchPlainAction = defineAction({
  id: 'fetch:plain',
  description: "Copies a folder (a path relative to the template file, or a git host's tree URL on the reading allow-list) into the workspace, or into targetPath inside it, without templating.",
  effect: 'workspace',
  input: Type.Object(
    {
      url: Type.String({ title: 'Fetch URL', description: 'Path of a folder relative to the template file (e.g. ./static), or a git host tree URL (https://host/owner/repo/tree/main/static)' }),
      targetPath: Type.Optional(Type.String({ title: 'Target path', description: 'Folder inside the workspace; default the workspace root' })),
    },
  ),
  examples: [{ description: 'Copy static files', example: 'action: fetch:plain\ninput:\n  url: ./static\n  targetPath: public' }],
  async handler(ctx) {
    const { entries } = await ctx.templateFiles.fetch(ctx.input.url, 'input.url');
    if (entries.length === 1 && entries[0]!.path === '') throw invalidInput(`input.url "${ctx.input.url}" is a file; use fetch:plain:file for single files`);
    const target = ctx.input.targetPath ?? '.';
    ctx.workspace.resolve(target, 'input.targetPath');
    await ctx.workspace.mkdir(target, 'input.targetPath');
    for (const entry of entries) {
      const out = posix.join(target, entry.path);
      if (entry.type === 'directory') await ctx.workspace.mkdir(out, 'input.targetPath');
      else await ctx.workspace.writeFile(out, await ctx.templateFiles.readFile(entry.absolute), { executable: entry.executable, what: 'input.targetPath' });
    }
    ctx.log.info(`Copied ${entries.filter(e => e.type === 'file').length} file(s) from ${ctx.input.url} to ${target}`);
  },
});
