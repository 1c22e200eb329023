/**
 * Pave's built-in policy, used unless `auth.defaultPolicy` is false. Every rule here can be read
 * through `GET /api/permissions/rules` and explained like any other.
 */
import type { AuthConfig } from './auth-config.js';
import type { AuthRule } from './auth-rule.js';

/** The default rules for a configuration (the admin and platform groups come from it). */
export function defaultRules(config: Pick<AuthConfig, 'adminGroup' | 'platformGroup'>): AuthRule[] {
  return [
    {
      id: 'default.signed-in-read',
      description:
        "Everyone who is signed in reads the catalog (search and docs too), hosted git repositories, the platform API, template actions, the repositories golden paths created, rules and their own tokens, and may ask for explanations; other people's template tasks are not included",
      effect: 'allow',
      // Not `*.read`: that would let everyone read every template task (templates.task.read), whose step
      // outputs hold what its creator could read. Tasks are read by their owners (below) and admins.
      actions: ['catalog.*.read', 'repositories.*.read', 'platform.*.read', 'auth.*.read', 'system.*.read', 'templates.action.read', 'templates.repository.read', 'catalog.entity.validate', 'auth.permission.explain'],
      subjects: ['role:signed-in'],
    },
    {
      id: 'default.own-tokens',
      description: 'Everyone who is signed in manages their own API tokens',
      effect: 'allow',
      actions: ['auth.token.create', 'auth.token.revoke'],
      subjects: ['role:signed-in'],
    },
    {
      id: 'default.golden-paths',
      description: 'Everyone who is signed in runs golden paths: creates and previews template tasks, and previews platform requests',
      effect: 'allow',
      actions: ['templates.task.create', 'templates.task.dry-run', 'platform.request.render'],
      subjects: ['role:signed-in'],
    },
    {
      id: 'default.own-tasks',
      description: 'Whoever created a template task (a person, or a service through its token) follows and cancels it, and opens template upgrades on the repositories it created (so does the team whose folder holds one of Pave\'s repositories)',
      effect: 'allow',
      actions: ['templates.task.read', 'templates.task.cancel', 'templates.repository.upgrade'],
      subjects: ['role:owner'],
    },
    {
      id: 'default.guests-no-tokens',
      description: 'A guest acts as a demo user for the length of a visit and cannot mint tokens that outlive it',
      effect: 'deny',
      actions: ['auth.token.create'],
      subjects: ['role:guest'],
    },
    {
      id: 'default.owners-edit',
      description:
        "Owners of an entity (its spec.owner group, with members of child groups, or the user itself) edit it, request capabilities for it, bind capabilities for their team (and, owning a capability, approve teams' bindings of it; in a request's approving group, approve the request), and publish golden-path repositories in their team's folder; changing group membership, moving an entity to another team and publishing templates need more (see default.governance and default.platform-publishes)",
      effect: 'allow',
      actions: ['catalog.entity.write', 'catalog.entity.delete', 'catalog.entity.refresh', 'platform.request.*', 'platform.binding.*', 'platform.approval.decide', 'repositories.repository.create'],
      subjects: ['role:owner'],
    },
    {
      id: 'default.platform-publishes',
      description: `Members of ${config.platformGroup} publish capabilities, destinations and templates, and register catalog locations`,
      effect: 'allow',
      actions: ['platform.capability.*', 'platform.destination.*', 'catalog.location.*', 'templates.template.*'],
      subjects: [config.platformGroup],
    },
    {
      id: 'default.governance',
      description: `Only members of ${config.adminGroup} change who belongs to which group (a User's memberOf, a Group's members, children and parent) and move entities to another team: whoever could would make themselves an admin`,
      effect: 'allow',
      actions: ['catalog.membership.write', 'catalog.ownership.transfer'],
      subjects: ['role:admin'],
    },
    {
      id: 'default.admins',
      description: `Members of ${config.adminGroup} (the admin group) may do everything, including managing rules, other people's tokens and reading the audit log`,
      effect: 'allow',
      actions: ['*'],
      subjects: ['role:admin'],
    },
  ];
}
