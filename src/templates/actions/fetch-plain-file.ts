import { Type } from '@sinclair/typebox';
import { invalidInput } from '../../core/problem.js';
import { defineAction } from './action.js';

/** `fetch:plain:file`: copies one of the template's own files into the workspace, as it is. */
export const fetchPlainFileAction = defineAction({
  id: 'fetch:plain:file',
  description: "Copies one file (a path relative to the template file, or an http(s) URL on the reading allow-list) to targetPath in the workspace, without templating.",
  effect: 'workspace',
  input: Type.Object(
    {
      url: Type.String({ title: 'Fetch URL', description: 'Path of a file relative to the template file, or an http(s) URL (a git host blob URL is cloned)' }),
      targetPath: Type.String({ title: 'Target path', description: 'File path inside the workspace' }),
    },
  ),
  async handler(ctx) {
    const { entries } = await ctx.templateFiles.fetch(ctx.input.url, 'input.url');
    const file = entries.length === 1 && entries[0]!.path === '' ? entries[0]! : undefined;
    if (!file) throw invalidInput(`input.url "${ctx.input.url}" is a folder; use fetch:plain for folders`);
    await ctx.workspace.writeFile(ctx.input.targetPath, await ctx.templateFiles.readFile(file.absolute), { executable: file.executable, what: 'input.targetPath' });
    ctx.log.info(`Copied ${ctx.input.url} to ${ctx.input.targetPath}`);
  },
});
