import { Type } from '@sinclair/typebox';
import { invalidInput } from '../../core/problem.js';
import { declaredKinds, isYamlPath } from '../workspace/declared-documents.js';
import { defineAction } from './action.js';
import { fileContext, fileOptions, isBinary } from './fetch-support.js';

/** `fetch:template:file`: renders one of the template's own files into the workspace. */
export const fetchTemplateFileAction = defineAction({
  id: 'fetch:template:file',
  description: "Renders one file (a path relative to the template file, or an http(s) URL on the reading allow-list) with the sandboxed expression engine over values, and writes it to targetPath.",
  effect: 'workspace',
  input: Type.Object(
    {
      url: Type.String({ title: 'Fetch URL', description: 'Path of a file relative to the template file, or an http(s) URL (a git host blob URL is cloned)' }),
      targetPath: Type.String({ title: 'Target path', description: 'File path inside the workspace' }),
      values: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { title: 'Template values' })),
      cookiecutterCompat: Type.Optional(Type.Boolean({ title: 'Cookiecutter compatibility' })),
      replace: Type.Optional(Type.Boolean({ title: 'Replace file', description: 'Overwrite the file when it exists (default: keep it)' })),
      trimBlocks: Type.Optional(Type.Boolean()),
      lstripBlocks: Type.Optional(Type.Boolean()),
      token: Type.Optional(Type.String()),
    },
  ),
  async handler(ctx) {
    const { entries } = await ctx.templateFiles.fetch(ctx.input.url, 'input.url');
    const file = entries.length === 1 && entries[0]!.path === '' ? entries[0]! : undefined;
    if (!file) throw invalidInput(`input.url "${ctx.input.url}" is a folder; use fetch:template for folders`);
    const content = await ctx.templateFiles.readFile(file.absolute);
    const output = isBinary(content)
      ? content
      : await ctx.expressions.renderFile(content.toString('utf8'), fileContext(ctx.input.values, ctx.input.cookiecutterCompat), fileOptions(ctx.input.cookiecutterCompat));
    const wrote = await ctx.workspace.writeFile(ctx.input.targetPath, output, { executable: file.executable, overwrite: Boolean(ctx.input.replace), what: 'input.targetPath' });
    if (wrote && isYamlPath(ctx.input.targetPath)) ctx.workspace.declarations.declare(ctx.input.targetPath, declaredKinds(content.toString('utf8')));
    ctx.log.info(wrote ? `Rendered ${ctx.input.url} to ${ctx.input.targetPath}` : `Kept the existing ${ctx.input.targetPath} (set replace: true to overwrite)`);
  },
});
