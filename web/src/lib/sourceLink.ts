/**
 * What a location annotation (`url:…`, `file:…`, `dir:…`) points at, as a link when it is a web address.
 * @example sourceLink('url:https://github.com/acme/shop/blob/main/catalog-info.yaml').href // 'https://github.com/…'
 */
export function sourceLink(value: string): { href?: string; text: string } {
  const m = /^(url|file|dir):(.*)$/.exec(value);
  const target = m ? m[2]! : value;
  if (/^https?:\/\//.test(target)) return { href: target, text: target };
  return { text: target };
}
