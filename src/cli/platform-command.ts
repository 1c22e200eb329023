import { Command } from 'commander';
import { invalidInput } from '../core/problem.js';
import type { CapabilityBinding } from '../platform/model/capability-binding.js';
import { table, type Output } from './output.js';
import { withClient, type GlobalOptions } from './context.js';

/**
 * `pave platform …`: what teams and capability owners do about who may request what — bind a capability for a
 * team (`bind`, `unbind`, `bindings`) and decide on what waits for approval (`approve`, `reject`).
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
      const { team, capability } = bindingTarget(ref);
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

  for (const decision of ['approve', 'reject'] as const) {
    platform
      .command(decision)
      .description(`${decision} a team's binding waiting for approval, with a reason (kept in the audit log)`)
      .argument('<binding>', 'team/capability')
      .requiredOption('--reason <reason>', 'why')
      .action(async (ref: string, options: { reason: string }) => {
        const out = output();
        const { team, capability } = bindingTarget(ref);
        await withClient(globals(), async client => {
          const binding = await client.platform.decideBinding(team, capability, { decision, reason: options.reason });
          out.result(binding, () => describe(binding));
        });
      });
  }
  return platform;
}

function bindingTarget(ref: string): { team: string; capability: string } {
  const [team, capability, ...rest] = ref.split('/');
  if (!team || !capability || rest.length) throw invalidInput(`Name the binding as team/capability, e.g. checkout-team/postgresql (got ${ref})`);
  return { team, capability };
}

function describe(binding: CapabilityBinding): string {
  const waiting = binding.status.phase === 'PendingApproval' ? ` — waiting for ${(binding.status.approvers ?? []).join(', ') || 'the capability owner'}` : '';
  const decided = binding.status.decision ? ` — ${binding.status.phase === 'Bound' ? 'approved' : 'rejected'} by ${binding.status.decision.by}: ${binding.status.decision.reason}` : '';
  return `${binding.metadata.namespace}/${binding.spec.capability} on ${binding.spec.version ?? 'the newest version'}: ${binding.status.phase}${waiting}${decided}`;
}
