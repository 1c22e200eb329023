import { InvalidArgumentError } from 'commander';

/**
 * A parser for a flag that takes a whole number in a range, so `--limit abc` is refused here, in words, before
 * any request is made (instead of the server's `/querystring/limit must be integer`).
 * @example .option('-l, --limit <n>', 'how many', wholeNumber(1, 500), 50)
 */
export function wholeNumber(min: number, max: number): (value: string) => number {
  return value => {
    const number = Number(value);
    if (!/^\d+$/.test(value.trim()) || number < min || number > max) throw new InvalidArgumentError(`Use a whole number from ${min} to ${max}.`);
    return number;
  };
}

/**
 * A parser for a flag that takes a JSON object (a filter predicate), refused here in words when it is not one.
 * @example .option('-q, --query <json>', 'filter predicate', jsonObject)
 */
export function jsonObject(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('Use a JSON object, such as \'{"kind":"Component","spec.type":{"$in":["service"]}}\'.');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidArgumentError('Use a JSON object, not a list or a single value.');
  return parsed as Record<string, unknown>;
}
