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
