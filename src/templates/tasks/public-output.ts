/**
 * A task's output as people see it: it never names where the server keeps a hosted repository. Templates
 * often link or print publish:git's `cloneUrl`/`repoContentsUrl` (file:// URLs of Pave's own repositories);
 * the output shows their portal page (links) or HTTP clone URL (text and named values) instead. Step outputs
 * keep the file:// URLs that catalog:register and the upgrade flow take.
 */
import type { TaskOutputView } from './task-types.js';

/** How server addresses become public ones; see `browsableUrl` and `withHttpCloneUrls` in repositories. */
export interface PublicAddresses {
  /** A link's URL: a hosted repository's page. */
  link(url: string): string;
  /** Any other text: HTTP clone URLs. */
  text(value: string): string;
}

/**
 * Every string in a value given public addresses: what a task's log lines and errors say (publish:git logs
 * the URL it pushed to; a failed push names it) reads as an HTTP clone URL, never a server path.
 * @example inPublicText({ message: 'Pushed to file:///data/git/acme/shop.git' }, addresses) // { message: 'Pushed to http://pave:7007/git/acme/shop.git' }
 */
export function inPublicText<T>(value: T, addresses: PublicAddresses): T {
  const inText = (item: unknown): unknown => {
    if (typeof item === 'string') return addresses.text(item);
    if (Array.isArray(item)) return item.map(inText);
    if (item && typeof item === 'object') return Object.fromEntries(Object.entries(item).map(([key, inner]) => [key, inText(inner)]));
    return item;
  };
  return inText(value) as T;
}

/** The output with its links, text and named string values given public addresses. */
export function publicOutput(output: TaskOutputView, addresses: PublicAddresses): TaskOutputView {
  const inText = (value: unknown): unknown => inPublicText(value, addresses);
  const { links, text, ...named } = output;
  return {
    ...(inText(named) as Record<string, unknown>),
    ...(links ? { links: links.map(link => ({ ...(inText(link) as typeof link), ...(link.url ? { url: addresses.link(link.url) } : {}) })) } : {}),
    ...(text ? { text: inText(text) as typeof text } : {}),
  };
}
