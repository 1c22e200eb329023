import { Parser } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { withoutYamlDebugSwitches } from './yaml-debug-switches.js';

describe('withoutYamlDebugSwitches', () => {
  afterEach(() => {
    delete process.env.PAVE_TEST_SWITCH;
    delete process.env.LOG_TOKENS;
  });

  it('hides the environment from the work only, and gives back its result', () => {
    process.env.PAVE_TEST_SWITCH = 'on';
    process.env.LOG_TOKENS = '1';
    const seen = withoutYamlDebugSwitches(() => [process.env.PAVE_TEST_SWITCH, process.env.LOG_TOKENS]);
    expect(seen).toEqual([undefined, undefined]);
    expect(process.env.PAVE_TEST_SWITCH).toBe('on');
    // The real environment again: a write reaches it.
    process.env.PAVE_TEST_SWITCH = 'again';
    expect(process.env.PAVE_TEST_SWITCH).toBe('again');
  });

  it('restores the environment when the work throws', () => {
    const env = process.env;
    expect(() => withoutYamlDebugSwitches(() => { throw new Error('parse failed'); })).toThrow('parse failed');
    expect(process.env).toBe(env);
  });

  it('parses what yaml parses with its debug switch set in the real environment', () => {
    const text = 'kind: Component\nmetadata:\n  name: a\n';
    const plain = [...new Parser().parse(text)];
    process.env.LOG_TOKENS = '1';
    // With the switch seen, yaml would print every token; here it parses silently, to the same tokens.
    expect(withoutYamlDebugSwitches(() => [...new Parser().parse(text)])).toEqual(plain);
  });
});
