import { Type } from '@sinclair/typebox';
import { extname, posix } from 'node:path';
import fg from 'fast-glob';
import { invalidInput } from '../../core/problem.js';
import { defineAction } from './action.js';
import type { SourceEntry } from '../workspace/template-files.js';
import { declaredKinds, isYamlPath } from '../workspace/declared-documents.js';
import { BATCH_BYTES, fileContext, fileOptions, FILES_PER_BATCH, isBinary, isSkippedPath } from './fetch-support.js';

/**
 * `fetch:template`: Backstage's skeleton action. Copies a folder of the template's own files (or of a
 * git repository, from a host's tree URL on the reading allow-list) into the workspace, rendering file and folder names and file contents with the sandboxed engine over `values`.
 * The engine runs in its own processes: all names go in one request, contents in batches of files.
 */
export const fetchTemplateAction = defineAction({
  id: 'fetch:template',
  description:
    "Copies a skeleton folder (the template's own, or a git host's tree URL on the reading allow-list) into the workspace (or targetPath inside it), rendering ${{ values.x }} in file and folder names and in contents with the sandboxed expression engine.",
  effect: 'workspace',
  input: Type.Object(
    {
      url: Type.String({ title: 'Fetch URL', description: 'Path of the skeleton folder relative to the template file (e.g. ./skeleton), or a git host tree URL (https://host/owner/repo/tree/main/skeleton)' }),
      targetPath: Type.Optional(Type.String({ title: 'Target path', description: 'Folder inside the workspace; default the workspace root' })),
      values: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { title: 'Template values', description: 'What skeleton files see as values.*' })),
      copyWithoutRender: Type.Optional(Type.Array(Type.String(), { title: '[Deprecated] Copy without render', description: 'Globs: matching entries are copied with neither name nor contents rendered' })),
      copyWithoutTemplating: Type.Optional(Type.Array(Type.String(), { title: 'Copy without templating', description: 'Globs: contents of matching files are copied as they are; names are still rendered' })),
      cookiecutterCompat: Type.Optional(Type.Boolean({ title: 'Cookiecutter compatibility', description: 'Also render {{ cookiecutter.x }}, with Python semantics' })),
      templateFileExtension: Type.Optional(
        Type.Union([Type.String(), Type.Boolean()], { title: 'Template file extension', description: 'Only files with this extension (true: .njk) are rendered; the extension is removed' }),
      ),
      replace: Type.Optional(Type.Boolean({ title: 'Replace files', description: 'Overwrite files already in the workspace (default: keep them)' })),
      trimBlocks: Type.Optional(Type.Boolean({ description: 'Accepted for compatibility; whitespace control (-%}) is the supported way' })),
      lstripBlocks: Type.Optional(Type.Boolean({ description: 'Accepted for compatibility; whitespace control ({%-) is the supported way' })),
      token: Type.Optional(Type.String({ description: 'Accepted for compatibility; remote skeletons are read without credentials' })),
    },
  ),
  examples: [
    {
      description: 'Render a skeleton',
      example: 'action: fetch:template\ninput:\n  url: ./skeleton\n  values:\n    name: ${{ parameters.name }}\n    owner: ${{ parameters.owner }}',
    },
  ],
  async handler(ctx) {
    const input = ctx.input;
    if (input.copyWithoutRender && input.copyWithoutTemplating) {
      throw invalidInput('input.copyWithoutRender and input.copyWithoutTemplating cannot be used together');
    }
    const copyOnly = input.copyWithoutRender ?? input.copyWithoutTemplating;
    const renderNames = input.copyWithoutRender === undefined;
    if (input.templateFileExtension && (copyOnly || input.cookiecutterCompat)) {
      throw invalidInput('input.templateFileExtension cannot be combined with copyWithoutRender, copyWithoutTemplating or cookiecutterCompat');
    }
    let extension: string | undefined;
    if (input.templateFileExtension) {
      extension = input.templateFileExtension === true ? '.njk' : String(input.templateFileExtension);
      if (!extension.startsWith('.')) extension = '.' + extension;
    }
    const { source, entries } = await ctx.templateFiles.fetch(input.url, 'input.url');
    if (entries.length === 1 && entries[0]!.path === '') throw invalidInput(`input.url "${input.url}" is a file; use fetch:template:file for single files`);
    const verbatim = new Set(
      copyOnly?.length
        ? await fg(copyOnly, { cwd: source, dot: true, onlyFiles: false, markDirectories: true, followSymbolicLinks: false })
        : [],
    );
    const context = fileContext(input.values, input.cookiecutterCompat);
    const options = fileOptions(input.cookiecutterCompat);
    const target = input.targetPath ?? '.';
    await ctx.workspace.mkdir(target, 'input.targetPath');
    const plans = entries.map(entry => {
      const marked = entry.type === 'directory' ? entry.path + '/' : entry.path;
      if (extension) {
        const renderContents = extname(entry.path) === extension;
        return { entry, renderContents, name: renderContents ? entry.path.slice(0, -extension.length) : entry.path, renderName: true };
      }
      const renderContents = !verbatim.has(marked);
      return { entry, renderContents, name: entry.path, renderName: renderNames || renderContents };
    });
    const names = await ctx.expressions.renderFiles(
      plans.map(plan => (plan.renderName ? plan.name : '')),
      context,
      options,
    );
    let written = 0;
    let kept = 0;
    const batch: Array<{ entry: SourceEntry; destination: string; what: string; content: Buffer; render: boolean }> = [];
    let batchBytes = 0;
    const writeBatch = async () => {
      const files = batch.splice(0);
      batchBytes = 0;
      const rendering = files.filter(file => file.render);
      const rendered = await ctx.expressions.renderFiles(rendering.map(file => file.content.toString('utf8')), context, options);
      for (const file of files) {
        let output: string | Buffer = file.content;
        if (file.render) {
          const result = rendered[rendering.indexOf(file)]!;
          if (!result.ok) throw prefixed(result.error, `${file.entry.path}: `);
          output = result.value;
        }
        const wrote = await ctx.workspace.writeFile(file.destination, output, { executable: file.entry.executable, overwrite: Boolean(input.replace), what: file.what });
        if (wrote && isYamlPath(file.destination)) ctx.workspace.declarations.declare(file.destination, declaredKinds(file.content.toString('utf8')));
        if (wrote) written++;
        else kept++;
      }
    };
    for (const [i, plan] of plans.entries()) {
      const { entry } = plan;
      let outPath = entry.path;
      if (plan.renderName) {
        const name = names[i]!;
        if (!name.ok) throw name.error;
        outPath = name.value;
      }
      if (isSkippedPath(outPath)) continue;
      const destination = posix.join(target, outPath);
      const what = `the skeleton entry ${entry.path} (rendered as ${outPath})`;
      if (entry.type === 'directory') {
        await ctx.workspace.mkdir(destination, what);
        continue;
      }
      const content = await ctx.templateFiles.readFile(entry.absolute);
      const render = plan.renderContents && !isBinary(content);
      batch.push({ entry, destination, what, content, render });
      if (render) batchBytes += content.length;
      if (batch.length >= FILES_PER_BATCH || batchBytes >= BATCH_BYTES) await writeBatch();
    }
    await writeBatch();
    if (entries.some(e => e.linkedFrom !== undefined)) ctx.log.info(`Copied ${entries.filter(e => e.linkedFrom !== undefined).length} symbolic link(s) inside the skeleton as the files they point to`);
    ctx.log.info(`Rendered ${written} file(s) from ${input.url} into ${target}${kept ? ` (kept ${kept} existing file(s); set replace: true to overwrite)` : ''}`);
  },
});

/** Puts a file name in front of an engine error's message, keeping its problem. */
function prefixed(error: unknown, prefix: string): unknown {
  if (error && typeof error === 'object' && 'problem' in error) {
    const e = error as { problem: { detail?: string }; message: string };
    e.problem.detail = prefix + (e.problem.detail ?? '');
    e.message = prefix + e.message;
  }
  return error;
}
