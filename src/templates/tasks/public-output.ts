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

/** The output with its links, text and named string values given public addresses. */
export function publicOutput(output: TaskOutputView, addresses: PublicAddresses): TaskOutputView {
  const inText = (value: unknown): unknown => {
    if (typeof value === 'string') return addresses.text(value);
    if (Array.isArray(value)) return value.map(inText);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, inText(item)]));
    return value;
  };
  const { links, text, ...named } = output;
  return {
    ...(inText(named) as Record<string, unknown>),
    ...(links ? { links: links.map(link => ({ ...(inText(link) as typeof link), ...(link.url ? { url: addresses.link(link.url) } : {}) })) } : {}),
    ...(text ? { text: inText(text) as typeof text } : {}),
  };
}
