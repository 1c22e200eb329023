import { describe, expect, it } from 'vitest';
import { RenderSession } from './render-session.js';

const secret = 'Tok3n-abcdef';
const context = {
  secrets: { t: secret, list: ['alpha-1', 'beta-22'], pin: 98765 },
  parameters: { name: 'orders', flag: true },
  steps: { login: { output: { header: `Bearer ${secret}` } } },
};

/** Renders and returns what the session says is secret-derived. */
function derived(source: string, values: string[] = [secret]): { result: unknown; secrets: string[] } {
  const session = new RenderSession(context, { secrets: { roots: ['secrets'], values } });
  const result = session.renderTyped(source);
  return { result, secrets: session.secretStrings() };
}

describe('secret-derived values are tracked through every transformation', () => {
  it.each([
    ['${{ secrets.t | upper }}', 'TOK3N-ABCDEF'],
    ['${{ secrets.t | lower }}', 'tok3n-abcdef'],
    ['${{ secrets.t | reverse }}', 'fedcba-n3koT'],
    ['${{ secrets.t[1:] }}', 'ok3n-abcdef'],
    ['${{ secrets.t[::-1] }}', 'fedcba-n3koT'],
    ['${{ secrets.t.slice(2, 8) }}', 'k3n-ab'],
    ['${{ secrets.t | replace("-", "_") }}', 'Tok3n_abcdef'],
    ['${{ secrets.t | replace(r/[a-f]/g, "x") }}', 'Tok3n-xxxxxx'],
    ['${{ "token=" ~ secrets.t }}', 'token=Tok3n-abcdef'],
    ['${{ "token: " + secrets.t + "!" }}', 'token: Tok3n-abcdef!'],
    ['${{ secrets.list | join("+") }}', 'alpha-1+beta-22'],
    ['${{ ("  " ~ secrets.t ~ "  ") | trim }}', 'Tok3n-abcdef'],
    ['${{ secrets.t | title }}', 'Tok3n-abcdef'],
    ['${{ secrets.t | capitalize }}', 'Tok3n-abcdef'],
    ['${{ secrets | dump }}', JSON.stringify({ t: secret, list: ['alpha-1', 'beta-22'], pin: 98765 })],
    ['${{ {"auth": secrets.t} | dump }}', JSON.stringify({ auth: secret })],
    ['${{ secrets.pin | string }}', '98765'],
    ['${{ (secrets.pin + 1) ~ "" }}', '98766'],
    ['${{ secrets.t.split("-") | last }}', 'abcdef'],
    ['${{ secrets.t | urlencode }}', 'Tok3n-abcdef'],
    ['${{ secrets.t | center(16) }}', '  Tok3n-abcdef  '],
    ['${{ secrets.t | default("x") | upper }}', 'TOK3N-ABCDEF'],
    ['${{ parameters.missing or secrets.t | lower }}', 'tok3n-abcdef'],
    ['{% set s = secrets.t | upper %}${{ s[0:5] }}', 'TOK3N'],
    ['{% set s %}x${{ secrets.t }}{% endset %}${{ s | upper }}', 'XTOK3N-ABCDEF'],
    ['{% for k, v in secrets %}{% if k == "t" %}${{ v | reverse }}{% endif %}{% endfor %}', 'fedcba-n3koT'],
    ['{% for c in secrets.t %}${{ c }}.{% endfor %}', 'T.o.k.3.n.-.a.b.c.d.e.f.'],
    // A secret carried by other context data (a step output) is tracked from there too.
    ['${{ steps.login.output.header | upper }}', `BEARER ${secret.toUpperCase()}`],
  ])('%s', (source, shown) => {
    const { result, secrets } = derived(source);
    expect(result).toBe(shown);
    // Whatever was shown is masked: as a whole, or (for loops printing pieces) through the source secret.
    const masked = (shown as string).split(/\.|\s+/).every(piece => piece.length < 3 || secrets.some(s => s.includes(piece)));
    expect(masked, `${shown} not covered by ${JSON.stringify(secrets)}`).toBe(true);
  });

  it('a typed result keeps its shape, and every string in it is recorded', () => {
    const { result, secrets } = derived('${{ [secrets.t | upper, {"k": secrets.list[1] | upper}] }}');
    expect(result).toEqual(['TOK3N-ABCDEF', { k: 'BETA-22' }]);
    expect(secrets).toEqual(expect.arrayContaining(['TOK3N-ABCDEF', 'BETA-22']));
  });

  it('intermediate values are recorded, so an error quoting one can be masked', () => {
    const session = new RenderSession(context, { secrets: { roots: ['secrets'] } });
    expect(() => session.renderTyped('${{ (secrets.t | upper) | parseRepoUrl }}')).toThrow(/TOK3N-ABCDEF/);
    expect(session.secretStrings()).toContain('TOK3N-ABCDEF');
  });

  it('what is not computed from a secret is not marked', () => {
    for (const source of [
      '${{ parameters.name | upper }}',
      '${{ "yes" if secrets.t else "no" }}',
      '${{ parameters.name if secrets.t == "x" else "fallback" }}',
      '${{ secrets.t | length }}',
      '${{ secrets.t and parameters.name }}',
      '{% if secrets.t %}${{ parameters.name }}{% endif %}',
      '${{ "abc" in secrets.t }}',
    ]) {
      // Reading the secret itself records it (it is known anyway); nothing else is.
      expect(derived(source).secrets.filter(s => s !== secret), source).toEqual([]);
    }
  });

  it('context data read as it is is not recorded: the secret inside it is already known', () => {
    // Masking the known secret inside keeps 'Bearer ***' readable; what is computed from it is recorded whole.
    expect(derived('${{ steps.login.output.header }}').secrets).toEqual([]);
    expect(derived('auth: ${{ steps.login.output.header }}').secrets).toEqual([]);
    expect(derived('{% set h = steps.login.output %}${{ h.header }}').secrets).toEqual([]);
    expect(derived('${{ steps.login.output.header ~ "!" }}').secrets).toEqual([`Bearer ${secret}!`]);
    expect(derived('${{ secrets.list }}').secrets).toEqual([]);
    expect(derived('${{ secrets.list }}!').secrets).toEqual(['alpha-1,beta-22']);
  });

  it('without secret sources nothing is tracked', () => {
    const session = new RenderSession(context);
    expect(session.renderTyped('${{ secrets.t | upper }}')).toBe('TOK3N-ABCDEF');
    expect(session.secretStrings()).toEqual([]);
  });
});
