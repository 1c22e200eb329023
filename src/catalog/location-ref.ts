import type { FieldError } from '../core/problem.js';

/**
 * What is wrong with a location ref (`<type>:<target>`, e.g. `url:https://github.com/acme/shop/blob/main/catalog-info.yaml`)
 * by the rules of Backstage's parseLocationRef: it needs a type and a target, and a bare http(s) URL is not
 * one (its "type" would be its scheme). Empty when the ref is well formed.
 * @example locationRefErrors('https://example.com/x.yaml') // [{ pointer: '/location', detail: 'a URL needs the url: prefix, e.g. url:https://example.com/x.yaml' }]
 */
export function locationRefErrors(ref: string, pointer = '/location'): FieldError[] {
  const colon = ref.indexOf(':');
  const type = colon === -1 ? '' : ref.slice(0, colon).trim();
  const target = colon === -1 ? '' : ref.slice(colon + 1).trim();
  if (type === 'http' || type === 'https') return [{ pointer, detail: `a URL needs the url: prefix, e.g. url:${ref}`, rule: 'location-ref' }];
  if (!type || !target || /\s/.test(type)) return [{ pointer, detail: "must be '<type>:<target>', e.g. 'url:https://host/path'", rule: 'location-ref' }];
  return [];
}
