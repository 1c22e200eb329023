import { Type } from '@sinclair/typebox';
import { defineAction } from './action.js';

/** `debug:log`: writes a message (and optionally the workspace's files) to the task log. */
export const debugLogAction = defineAction({
  id: 'debug:log',
  description: 'Writes a message to the task log; can list the workspace (with-filenames) and show file contents (with-contents).',
  effect: 'none',
  input: Type.Object({
    message: Type.Optional(Type.String({ title: 'Message' })),
    listWorkspace: Type.Optional(
      Type.Union([Type.Boolean(), Type.Literal('with-filenames'), Type.Literal('with-contents')], { title: 'List the workspace' }),
    ),
    extra: Type.Optional(Type.Unknown({ description: 'Any value, logged as JSON' })),
  }),
  examples: [{ description: 'Say hello', example: 'action: debug:log\ninput:\n  message: Hello, ${{ parameters.name }}!' }],
  async handler(ctx) {
    if (ctx.input.message !== undefined) ctx.log.info(ctx.input.message);
    if (ctx.input.extra !== undefined) ctx.log.info(JSON.stringify(ctx.input.extra));
    if (ctx.input.listWorkspace) {
      const files = (await ctx.workspace.list()).filter(e => e.type !== 'directory');
      ctx.log.info(`Workspace: ${files.length} file(s)`);
      for (const file of files.slice(0, 500)) {
        if (ctx.input.listWorkspace === 'with-contents' && file.type === 'file' && file.size <= 64 * 1024) {
          ctx.log.info(`${file.path}:\n${(await ctx.workspace.readFile(file.path)).toString('utf8')}`);
        } else ctx.log.info(file.path);
      }
    }
  },
});
