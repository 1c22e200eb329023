import { describe, expect, it } from 'vitest';
import { validateAuthRule } from './auth-rule.js';
import { describeInputConditions, inputConditionsHold, validateInputConditions } from './input-condition.js';
import { decide } from './policy.js';
import type { Identity } from './identity.js';

const jane: Identity = { principal: 'user:default/jane', userRef: 'user:default/jane', groups: ['group:default/team-a'], roles: ['signed-in'], method: 'token' } as unknown as Identity;

describe('input conditions', () => {
  it('reads values by JSON pointer (escapes, own properties only) and compares them', () => {
    const input = { spec: { environment: 'prod', 'a/b': 1, tags: ['x'] }, templateRef: 'template:default/typescript-service' };
    expect(inputConditionsHold([{ pointer: '/spec/environment', equals: 'prod' }], input)).toBe(true);
    expect(inputConditionsHold([{ pointer: '/spec/a~1b', oneOf: [1, 2] }], input)).toBe(true);
    expect(inputConditionsHold([{ pointer: '/spec/tags/0', equals: 'x' }], input)).toBe(true);
    expect(inputConditionsHold([{ pointer: '/templateRef', matches: 'template:default/*' }], input)).toBe(true);
    expect(inputConditionsHold([{ pointer: '/templateRef', matches: 'template:default/docs-*', not: true }], input)).toBe(true);
    // A prototype's property is never an input's value; an absent value fails a comparison (and passes its `not`).
    expect(inputConditionsHold([{ pointer: '/spec/constructor', matches: '*' }], input)).toBe(false);
    expect(inputConditionsHold([{ pointer: '/spec/missing', equals: 'x', not: true }], input)).toBe(true);
    // Numbers compare as numbers; text is never greater or less than one.
    expect(inputConditionsHold([{ pointer: '/spec/instances', greaterThan: 2 }], { spec: { instances: 3 } })).toBe(true);
    expect(inputConditionsHold([{ pointer: '/spec/instances', greaterThan: 2 }], { spec: { instances: 2 } })).toBe(false);
    expect(inputConditionsHold([{ pointer: '/spec/instances', lessThan: 2 }], { spec: { instances: '1' } })).toBe(false);
    expect(validateInputConditions([{ pointer: '/spec/instances', greaterThan: '2' }], '/input').map(e => `${e.pointer} ${e.rule}`)).toEqual(['/input/0/greaterThan type']);
    expect(describeInputConditions([{ pointer: '/spec/instances', greaterThan: 2 }, { pointer: '/spec/cpu', lessThan: 4, not: true }])).toBe('/spec/instances is greater than 2 and /spec/cpu is not less than 4');
    expect(describeInputConditions([{ pointer: '/spec/environment', oneOf: ['prod', 'live'] }, { pointer: '/x', matches: 'a*', not: true }])).toBe('/spec/environment is one of "prod", "live" and /x does not match "a*"');
  });

  it('make a rule decide only actions whose input meets them', () => {
    const rules = [
      { id: 'allow', description: 'all', effect: 'allow' as const, actions: ['platform.request.create'], subjects: ['role:signed-in'], source: 'config' as const },
      { id: 'no-prod', description: 'no prod', effect: 'deny' as const, actions: ['platform.request.create'], subjects: ['role:signed-in'], input: [{ pointer: '/spec/environment', equals: 'prod' }], source: 'config' as const },
    ];
    expect(decide(rules, jane, 'platform.request.create', undefined, { spec: { environment: 'prod' } })).toMatchObject({ allowed: false, reason: expect.stringContaining('by rule "no-prod" (config) when /spec/environment is "prod"') });
    expect(decide(rules, jane, 'platform.request.create', undefined, { spec: { environment: 'dev' } }).allowed).toBe(true);
    expect(decide(rules, jane, 'platform.request.create').allowed).toBe(true);
  });

  it('are checked when a rule is written, naming each mistake', () => {
    const base = { id: 'x', description: 'x', effect: 'deny', actions: ['templates.task.create'], subjects: ['role:signed-in'] };
    expect(validateAuthRule({ ...base, input: [{ pointer: '/templateRef', equals: 'a' }] })).toEqual([]);
    expect(validateAuthRule({ ...base, input: [] })).toEqual([expect.objectContaining({ pointer: '/input' })]);
    expect(validateAuthRule({ ...base, input: [{ pointer: 'templateRef', equals: 'a', oneOf: ['b'], not: 'yes', code: 'x' }] }).map(e => e.pointer).sort()).toEqual(['/input/0', '/input/0/code', '/input/0/not', '/input/0/pointer']);
    expect(validateAuthRule({ ...base, input: [{ pointer: '/x', equals: { nested: true } }] })).toEqual([expect.objectContaining({ pointer: '/input/0/equals' })]);
  });
});
