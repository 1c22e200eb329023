import { invalidInput } from '../core/problem.js';

/**
 * A window as people write it: `30d`, `12w`, `90` (days). Answers days; a 422 naming `pointer` otherwise.
 * @example windowDays('12w') // 84
 */
export function windowDays(text: string | undefined, pointer = '/window', fallback = 30): number {
  if (text === undefined || text === '') return fallback;
  const match = /^(\d{1,4})([dw]?)$/.exec(text.trim());
  if (!match) throw invalidInput(`"${text}" is not a window`, [{ pointer, detail: "must be a number of days or weeks, e.g. '30d' or '12w'", rule: 'format' }]);
  return Number(match[1]) * (match[2] === 'w' ? 7 : 1);
}
