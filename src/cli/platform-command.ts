import { Command } from 'commander';
import { invalidInput } from '../core/problem.js';
import type { CapabilityBinding } from '../platform/model/capability-binding.js';
import { table, type Output } from './output.js';
import { withClient, type GlobalOptions } from './context.js';

/**
 * `pave platform …`: what teams and capability owners do about who may request what — bind a capability for a
 * team (`bind`, `unbind`, `bindings`) decide on what waits for approval (`approve|reject binding|request`) and extend a request's life (`extend`).
 */
export function platformCommand(output: () => Output, globals: () => GlobalOptions): Command {
  const platform = new Command('platform').description("teams' bindings of capabilities, and approvals");

  platform
    .command('bind')
    .description('bind a capability for a team (self-service, or waiting for the capability owner when its offer asks for approval)')
    .argument('<capability>', 'the capability to bind')
    .requiredOption('--team <team>', "the team's namespace (its Group's name)")
    .option('--version <channel>', 'the version channel its requests follow: a version (pinned) or a semver range such as ^1 (floating); default the newest')
    .action(async (capability: string, options: { team: string; version?: string }) => {
      const out = output();
      await withClient(globals(), async client => {
        const document = { apiVersion: 'pave.dev/v1alpha1', kind: 'CapabilityBinding', metadata: { namespace: options.team }, spec: { capability, ...(options.version ? { version: options.version } : {}) } };
        const result = await client.platform.applyBinding(document);
        out.result(result, () => `${result.outcome} binding ${describe(result.binding)}`);
      });
    });

  platform
    .command('unbind')
    .description("remove a team's binding (refused while the team has requests of the capability)")
    .argument('<binding>', 'team/capability')
    .action(async (ref: string) => {
      const out = output();
      const [team, capability] = pair(ref, 'team/capability');
      await withClient(globals(), async client => {
        await client.platform.deleteBinding(team, capability);
        out.result({ deleted: `${team}/${capability}` }, () => `removed the binding of ${capability} by ${team}`);
      });
    });

  platform
    .command('bindings')
    .description("teams' bindings of capabilities")
    .option('--team <team>', "only this team's (its namespace)")
    .option('--capability <capability>', 'only of this capability')
    .action(async (options: { team?: string; capability?: string }) => {
      const out = output();
      await withClient(globals(), async client => {
        const items = await client.platform.bindings(options);
        out.result({ items }, () =>
          items.length
            ? table(['TEAM', 'CAPABILITY', 'CHANNEL', 'PHASE', 'DECIDED BY'], items.map(b => [b.metadata.namespace, b.spec.capability, b.spec.version ?? 'newest', b.status.phase, b.status.decision?.by ?? '']))
            : 'no bindings',
        );
      });
    });

  platform
    .command('extend')
    .description("move a request's expiry to a time to live from now (never past its capability's maximum)")
    .argument('<request>', 'namespace/name')
    .requiredOption('--ttl <duration>', 'how long from now, e.g. 12h or 3d')
    .action(async (ref: string, options: { ttl: string }) => {
      const out = output();
      const [namespace, name] = pair(ref, 'namespace/name');
      await withClient(globals(), async client => {
        const view = await client.platform.extendRequest(namespace, name, options.ttl);
        out.result(view, () => `${namespace}/${name} expires at ${view.status.expiresAt}`);
      });
    });

  for (const decision of ['approve', 'reject'] as const) {
    platform
      .command(decision)
      .description(`${decision} what waits for your approval — a team's binding or a request — with a reason (kept in the audit log)`)
      .argument('<what>', 'binding or request')
      .argument('<ref>', 'team/capability for a binding, namespace/name for a request')
      .requiredOption('--reason <reason>', 'why')
      .action(async (what: string, ref: string, options: { reason: string }) => {
        const out = output();
        if (what !== 'binding' && what !== 'request') throw invalidInput(`Say what to ${decision}: binding or request (got ${what})`);
        const [first, second] = pair(ref, what === 'binding' ? 'team/capability' : 'namespace/name');
        await withClient(globals(), async client => {
          if (what === 'binding') {
            const binding = await client.platform.decideBinding(first, second, { decision, reason: options.reason });
            out.result(binding, () => describe(binding));
          } else {
            const view = await client.platform.decideRequest(first, second, { decision, reason: options.reason });
            const decided = view.status.approval?.decision;
            out.result(view, () => `${first}/${second} generation ${view.metadata.generation}: ${view.status.phase}${decided ? ` — ${decision}d by ${decided.by}: ${decided.reason}` : ''}`);
          }
        });
      });
  }
  return platform;
}

/** The two halves of `a/b`; a 422 saying the expected form otherwise. */
function pair(ref: string, form: string): [string, string] {
  const [first, second, ...rest] = ref.split('/');
  if (!first || !second || rest.length) throw invalidInput(`Name it as ${form}, e.g. checkout-team/postgresql (got ${ref})`);
  return [first, second];
}

function describe(binding: CapabilityBinding): string {
  const waiting = binding.status.phase === 'PendingApproval' ? ` — waiting for ${(binding.status.approvers ?? []).join(', ') || 'the capability owner'}` : '';
  const decided = binding.status.decision ? ` — ${binding.status.phase === 'Bound' ? 'approved' : 'rejected'} by ${binding.status.decision.by}: ${binding.status.decision.reason}` : '';
  return `${binding.metadata.namespace}/${binding.spec.capability} on ${binding.spec.version ?? 'the newest version'}: ${binding.status.phase}${waiting}${decided}`;
}
