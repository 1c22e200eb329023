/**
 * The module an installed action runs in (the module step's `module.mjs`, run by the module sandbox's
 * runner): it imports the organisation's file and either describes the actions it exports or runs one
 * of them with a Backstage-like context. The task's workspace comes in read-only and is copied into the
 * sandbox's own folder, where the handler changes it; what changed goes back as the answer, and the
 * server applies it through the workspace's own checks. So the handler never touches the server's files.
 *
 * Input: `{ mode: 'describe', entry }` → the actions' descriptions; `{ mode: 'run', entry, id, input,
 * workspace, secrets, dryRun, templateInfo, user }` → `{ outputs, files: [{ path, content (base64),
 * executable }], deleted: [path] }`. A symbolic link left in the workspace fails the run.
 */
export const ACTION_HOST_SOURCE = String.raw`import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const isAction = value => value !== null && typeof value === 'object' && typeof value.id === 'string' && typeof value.handler === 'function';

async function actionsOf(entry) {
  const mod = await import(pathToFileURL(entry).href);
  const found = [];
  const visit = (value, depth) => {
    if (found.includes(value)) return;
    if (isAction(value)) found.push(value);
    else if (Array.isArray(value)) for (const item of value) visit(item, depth);
    // A CommonJS file's exports object, or a named "actions" mapping: one level down.
    else if (depth === 0 && value !== null && typeof value === 'object') for (const item of Object.values(value)) visit(item, 1);
  };
  for (const value of Object.values(mod)) visit(value, 0);
  return found;
}

function schemaOf(action, which) {
  const schema = action.schema && action.schema[which];
  if (schema === undefined) return undefined;
  if (typeof schema === 'function') throw new Error('action ' + action.id + ': its ' + which + ' schema is a function (zod); Pave needs JSON Schema objects');
  return JSON.parse(JSON.stringify(schema));
}

/** Copies the workspace's files and folders (it holds nothing else); fs.cpSync would look at the folders above, outside what the sandbox may read. */
function copy(from, to) {
  mkdirSync(to, { recursive: true });
  for (const name of readdirSync(from)) {
    const info = lstatSync(join(from, name));
    if (info.isDirectory()) copy(join(from, name), join(to, name));
    else if (info.isFile()) {
      writeFileSync(join(to, name), readFileSync(join(from, name)));
      chmodSync(join(to, name), info.mode & 0o777);
    }
  }
}

/** Every regular file below root with its content hash; a link or anything else but files and folders is refused. */
function files(root) {
  const out = new Map();
  const walk = (dir, prefix) => {
    for (const name of readdirSync(dir).sort()) {
      const path = prefix ? prefix + '/' + name : name;
      const info = lstatSync(join(dir, name));
      if (info.isDirectory()) walk(join(dir, name), path);
      else if (info.isFile()) out.set(path, { hash: createHash('sha256').update(readFileSync(join(dir, name))).digest('hex'), executable: (info.mode & 0o111) !== 0 });
      else throw new Error('the action left ' + path + ' in the workspace, which is not a file or a folder (symbolic links are not allowed)');
    }
  };
  walk(root, '');
  return out;
}

export default async function host(request, { log }) {
  const actions = await actionsOf(request.entry);
  if (request.mode === 'describe') {
    return actions.map(action => ({
      id: action.id,
      description: typeof action.description === 'string' ? action.description : '',
      schema: { input: schemaOf(action, 'input') ?? { type: 'object' }, ...(schemaOf(action, 'output') ? { output: schemaOf(action, 'output') } : {}) },
      supportsDryRun: action.supportsDryRun === true,
      ...(Array.isArray(action.examples) ? { examples: action.examples } : {}),
    }));
  }
  const action = actions.find(candidate => candidate.id === request.id);
  if (!action) throw new Error(request.entry + ' no longer exports the action ' + request.id);
  const workspace = join(process.cwd(), 'workspace');
  if (existsSync(request.workspace)) copy(request.workspace, workspace);
  else mkdirSync(workspace, { recursive: true });
  const before = files(workspace);
  const outputs = {};
  const say = level => (message, meta) => log((level === 'info' ? '' : level + ': ') + String(message) + (meta === undefined ? '' : ' ' + JSON.stringify(meta)));
  await action.handler({
    input: request.input,
    workspacePath: workspace,
    logger: { info: say('info'), warn: say('warn'), error: say('error'), debug: say('debug') },
    output: (name, value) => { outputs[name] = value; },
    createTemporaryDirectory: async () => mkdtempSync(join(process.cwd(), 'tmp-')),
    checkpoint: async ({ fn }) => fn(),
    isDryRun: request.dryRun,
    secrets: request.secrets,
    templateInfo: request.templateInfo,
    user: request.user,
  });
  const after = files(workspace);
  const changed = [...after].filter(([path, file]) => before.get(path)?.hash !== file.hash || before.get(path)?.executable !== file.executable);
  return {
    outputs,
    files: changed.map(([path, file]) => ({ path, content: readFileSync(join(workspace, path)).toString('base64'), executable: file.executable })),
    deleted: [...before.keys()].filter(path => !after.has(path)),
  };
}
`;
