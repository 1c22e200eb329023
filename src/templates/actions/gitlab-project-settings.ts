/**
 * What `publish:gitlab` sets up on a new project besides its files, with Backstage's inputs: `settings` (GitLab's
 * project attributes, sent with `POST /projects` as Backstage does, so one GitLab refuses creates nothing),
 * `branches` (created from a ref with `POST /projects/:id/repository/branches`, protected with
 * `POST /projects/:id/protected_branches`) and `projectVariables` (`POST /projects/:id/variables`, masked and
 * protected as asked; on a resumed step, one already there is updated with `PUT …/variables/:key`). Inputs are
 * checked before anything is created; a variable's value is never logged (its key is).
 */
import { Type, type Static } from '@sinclair/typebox';
import { invalidInput, isPaveError } from '../../core/problem.js';
import type { ActionContext } from './action.js';
import { targetApi, type ProviderTarget } from './provider-target.js';

const BRANCH_NAME = Type.String({ pattern: '^[A-Za-z0-9._/-]+$' });

/** Backstage's `settings`: attributes of GitLab's "Create project" call. */
export const GITLAB_SETTINGS_INPUT = Type.Optional(
  Type.Object(
    {
      path: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_][A-Za-z0-9._-]*$', description: "The project's path; default the repository name" })),
      auto_devops_enabled: Type.Optional(Type.Boolean()),
      ci_config_path: Type.Optional(Type.String()),
      description: Type.Optional(Type.String()),
      merge_method: Type.Optional(Type.Union(['merge', 'rebase_merge', 'ff'].map(v => Type.Literal(v)))),
      squash_option: Type.Optional(Type.Union(['default_off', 'default_on', 'never', 'always'].map(v => Type.Literal(v)))),
      topics: Type.Optional(Type.Array(Type.String())),
      visibility: Type.Optional(Type.Union(['private', 'internal', 'public'].map(v => Type.Literal(v)))),
      only_allow_merge_if_all_discussions_are_resolved: Type.Optional(Type.Boolean()),
      only_allow_merge_if_pipeline_succeeds: Type.Optional(Type.Boolean()),
      allow_merge_on_skipped_pipeline: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false, description: 'Project settings (GitLab\'s create-project attributes), applied as the project is created' },
  ),
);

/** Backstage's `branches`: created from `ref` (default the pushed branch) and/or protected. */
export const GITLAB_BRANCHES_INPUT = Type.Optional(
  Type.Array(
    Type.Object({
      name: BRANCH_NAME,
      create: Type.Optional(Type.Boolean({ description: 'Create it from ref; default false' })),
      protect: Type.Optional(Type.Boolean({ description: 'Protect it; default false' })),
      ref: Type.Optional(Type.String({ description: 'Where a created branch starts; default the pushed branch' })),
    }),
  ),
);

/** Backstage's `projectVariables`: CI/CD variables of the project. */
export const GITLAB_VARIABLES_INPUT = Type.Optional(
  Type.Array(
    Type.Object({
      key: Type.String({ pattern: '^[A-Za-z0-9_]{1,255}$', description: 'Letters, digits and _, at most 255' }),
      value: Type.String(),
      description: Type.Optional(Type.String()),
      variable_type: Type.Optional(Type.Union([Type.Literal('env_var'), Type.Literal('file')])),
      protected: Type.Optional(Type.Boolean({ description: 'Only on protected branches and tags; default false' })),
      masked: Type.Optional(Type.Boolean({ description: 'Masked in job logs; default false (the value must then meet GitLab\'s rules)' })),
      raw: Type.Optional(Type.Boolean()),
      environment_scope: Type.Optional(Type.String({ description: "Default '*'" })),
    }),
  ),
);

type Branches = NonNullable<Static<typeof GITLAB_BRANCHES_INPUT>>;
type Variables = NonNullable<Static<typeof GITLAB_VARIABLES_INPUT>>;

/** GitLab's rule for a masked value: one line of 8 or more characters from the Base64 alphabets (RFC 4648) or @ : . ~ */
const MASKABLE = /^[A-Za-z0-9+/=_@:.~-]{8,}$/;

/**
 * Checks what GitLab would refuse only after the project exists: a masked value it cannot mask, a key given twice.
 * @example checkProjectVariables([{ key: 'TOKEN', value: 'short', masked: true }]) // throws naming /projectVariables/0/value
 */
export function checkProjectVariables(variables: Variables): void {
  const seen = new Set<string>();
  variables.forEach((variable, index) => {
    if (variable.masked && !MASKABLE.test(variable.value)) {
      throw invalidInput(`input.projectVariables[${index}] (${variable.key}) is masked, so its value must be one line of at least 8 characters from the Base64 alphabet or @ : . ~ (GitLab's rule)`, [
        { pointer: `/projectVariables/${index}/value`, detail: 'a masked value needs 8 or more characters from A-Z a-z 0-9 + / = - _ @ : . ~', rule: 'pattern' },
      ]);
    }
    const scoped = `${variable.key}\u0000${variable.environment_scope ?? '*'}`;
    if (seen.has(scoped)) throw invalidInput(`input.projectVariables[${index}]: ${variable.key} is given twice`, [{ pointer: `/projectVariables/${index}/key`, detail: 'given twice for the same environment scope', rule: 'unique' }]);
    seen.add(scoped);
  });
}

/** Creates and protects the branches asked for, in order, on the project with id `projectId`. */
export async function setUpBranches(ctx: ActionContext<unknown>, target: ProviderTarget, projectId: number, pushed: string, branches: Branches): Promise<void> {
  for (const branch of branches) {
    const name = encodeURIComponent(branch.name);
    if (branch.create) {
      await targetApi(ctx, target, 'POST', `/projects/${projectId}/repository/branches?branch=${name}&ref=${encodeURIComponent(branch.ref ?? pushed)}`);
      ctx.log.info(`Created branch ${branch.name} from ${branch.ref ?? pushed}`);
    }
    if (branch.protect) {
      await targetApi(ctx, target, 'POST', `/projects/${projectId}/protected_branches?name=${name}`);
      ctx.log.info(`Protected branch ${branch.name}`);
    }
  }
}

/** Sets the project's CI/CD variables; one already there (a resumed step) is updated. Logs keys, never values. */
export async function setProjectVariables(ctx: ActionContext<unknown>, target: ProviderTarget, projectId: number, variables: Variables): Promise<void> {
  for (const variable of variables) {
    const body = {
      ...variable,
      variable_type: variable.variable_type ?? 'env_var',
      protected: variable.protected ?? false,
      masked: variable.masked ?? false,
      raw: variable.raw ?? false,
      environment_scope: variable.environment_scope ?? '*',
    };
    try {
      await targetApi(ctx, target, 'POST', `/projects/${projectId}/variables`, body);
    } catch (error) {
      if (!isPaveError(error) || error.status !== 409) throw error;
      await targetApi(ctx, target, 'PUT', `/projects/${projectId}/variables/${encodeURIComponent(variable.key)}?filter[environment_scope]=${encodeURIComponent(body.environment_scope)}`, body);
    }
  }
  if (variables.length) ctx.log.info(`Set project variables ${variables.map(variable => variable.key).join(', ')}`);
}
