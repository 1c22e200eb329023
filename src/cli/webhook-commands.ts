import { Command } from 'commander';
import { invalidInput } from '../core/problem.js';
import type { WebhookDelivery } from '../events/delivery-store.js';
import type { WebhookFilter, WebhookSubscription } from '../events/webhook-subscription.js';
import { table, type Output } from './output.js';
import { withClient, type GlobalOptions } from './context.js';
import { wholeNumber } from './option-values.js';

interface SubscriptionOptions {
  url?: string;
  type?: string[];
  kind?: string[];
  owner?: string[];
  namespace?: string[];
  secret?: string;
}

/**
 * `pave webhook …`: outgoing webhook subscriptions through the API (admins only under the default
 * policy): list, create (the signing secret is printed once), update, delete, deliveries, redeliver, test.
 */
export function webhookCommands(output: () => Output, globals: () => GlobalOptions): Command {
  const webhook = new Command('webhook').description('outgoing webhooks: subscriptions to Pave events, their deliveries and test pings');

  webhook
    .command('list')
    .description('list webhook subscriptions (never their secrets)')
    .action(async () => {
      const out = output();
      await withClient(globals(), async client => {
        const items = await client.events.webhooks();
        out.result({ items }, () => (items.length ? subscriptionTable(items) : 'no webhooks'));
      });
    });

  withSubscriptionOptions(webhook.command('create').description('subscribe a URL to events; prints the signing secret once'))
    .option('--disabled', 'create it switched off')
    .action(async (options: SubscriptionOptions & { disabled?: boolean }) => {
      const out = output();
      if (!options.url || !options.type?.length) throw invalidInput('Say where and what: pave webhook create --url <url> --type <event type>…');
      await withClient(globals(), async client => {
        const created = await client.events.createWebhook({
          url: options.url!,
          types: options.type!,
          ...filterOf(options),
          ...(options.secret !== undefined ? { secret: options.secret } : {}),
          ...(options.disabled ? { enabled: false } : {}),
        });
        out.result(created, () => [created.secret, `webhook ${created.id} → ${created.url} for ${created.types.join(', ')}`, 'The secret is shown only now: give it to the receiver to check Pave-Signature.'].join('\n'));
      });
    });

  withSubscriptionOptions(webhook.command('update').description('change a subscription: the options given replace what is stored').argument('<id>', 'webhook id (see pave webhook list)'))
    .option('--no-filter', 'remove the filter')
    .option('--rotate-secret', 'generate a new secret (printed once)')
    .option('--enable', 'switch it on')
    .option('--disable', 'switch it off')
    .action(async (id: string, options: SubscriptionOptions & { filter?: boolean; rotateSecret?: boolean; enable?: boolean; disable?: boolean }) => {
      const out = output();
      if (options.enable && options.disable) throw invalidInput('Say --enable or --disable, not both');
      await withClient(globals(), async client => {
        const updated = await client.events.updateWebhook(id, {
          ...(options.url !== undefined ? { url: options.url } : {}),
          ...(options.type ? { types: options.type } : {}),
          ...(options.filter === false ? { filter: null } : filterOf(options)),
          ...(options.secret !== undefined ? { secret: options.secret } : {}),
          ...(options.rotateSecret ? { rotateSecret: true } : {}),
          ...(options.enable ? { enabled: true } : options.disable ? { enabled: false } : {}),
        });
        out.result(updated, () => ['secret' in updated ? `${updated.secret}\nThe new secret is shown only now.` : '', `updated webhook ${updated.id} → ${updated.url} (${updated.enabled ? 'enabled' : 'disabled'})`].filter(Boolean).join('\n'));
      });
    });

  webhook
    .command('delete')
    .description('remove a subscription and its deliveries')
    .argument('<id>', 'webhook id')
    .action(async (id: string) => {
      const out = output();
      await withClient(globals(), async client => {
        await client.events.deleteWebhook(id);
        out.result({ id, deleted: true }, () => `deleted webhook ${id}`);
      });
    });

  webhook
    .command('deliveries')
    .description("a subscription's deliveries, newest first, with their attempts")
    .argument('<id>', 'webhook id')
    .option('--state <state>', 'only pending, delivered, dead or failed ones')
    .option('--limit <n>', 'at most this many, 1 to 500 (default 50)', wholeNumber(1, 500))
    .action(async (id: string, options: { state?: WebhookDelivery['state']; limit?: number }) => {
      const out = output();
      await withClient(globals(), async client => {
        const page = await client.events.deliveries(id, { ...(options.state ? { state: options.state } : {}), ...(options.limit ? { limit: options.limit } : {}) });
        out.result(page, () =>
          page.items.length
            ? table(
                ['DELIVERY', 'SEQ', 'TYPE', 'STATE', 'ATTEMPTS', 'LAST'],
                page.items.map(d => [d.id, String(d.eventSeq), d.eventType, d.state, String(d.attempts), d.lastStatus !== undefined ? `HTTP ${d.lastStatus}` : (d.lastError ?? '-')]),
              )
            : 'no deliveries',
        );
      });
    });

  webhook
    .command('redeliver')
    .description('send a dead-lettered delivery again')
    .argument('<id>', 'webhook id')
    .argument('<delivery>', 'delivery id (see pave webhook deliveries --state dead)')
    .action(async (id: string, deliveryId: string) => {
      const out = output();
      await withClient(globals(), async client => {
        const delivery = await client.events.redeliver(id, deliveryId);
        out.result(delivery, () => `delivery ${delivery.id} (${delivery.eventType}) is pending again`);
      });
    });

  webhook
    .command('test')
    .description('send a signed test ping now and say how it went')
    .argument('<id>', 'webhook id')
    .action(async (id: string) => {
      const out = output();
      await withClient(globals(), async client => {
        const delivery = await client.events.test(id);
        const attempt = delivery.log[0];
        out.result(delivery, () => `${delivery.state === 'delivered' ? 'delivered' : 'FAILED'}: ${attempt?.statusCode !== undefined ? `HTTP ${attempt.statusCode}` : (attempt?.error ?? 'no answer')} in ${attempt?.durationMs ?? 0} ms`);
        if (delivery.state !== 'delivered') process.exitCode = 1;
      });
    });

  return webhook;
}

function withSubscriptionOptions(command: Command): Command {
  return command
    .option('--url <url>', 'where to POST events (http:// or https://)')
    .option('--type <type...>', "event types, exact or prefixes such as 'catalog.*'")
    .option('--kind <kind...>', 'only events about entities of these kinds')
    .option('--owner <ref...>', 'only events about entities these groups or users own')
    .option('--namespace <namespace...>', 'only events in these namespaces')
    .option('--secret <secret>', 'the signing secret (at least 16 characters; generated when absent)');
}

function filterOf(options: SubscriptionOptions): { filter?: WebhookFilter } {
  const filter: WebhookFilter = {
    ...(options.kind ? { kinds: options.kind } : {}),
    ...(options.owner ? { owners: options.owner } : {}),
    ...(options.namespace ? { namespaces: options.namespace } : {}),
  };
  return Object.keys(filter).length ? { filter } : {};
}

function subscriptionTable(items: WebhookSubscription[]): string {
  return table(
    ['ID', 'URL', 'TYPES', 'FILTER', 'ENABLED'],
    items.map(w => [w.id, w.url, w.types.join(' '), w.filter ? Object.entries(w.filter).map(([k, v]) => `${k}=${(v as string[]).join(',')}`).join(' ') : '-', w.enabled ? 'yes' : 'no']),
  );
}
