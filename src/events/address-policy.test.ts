import { describe, expect, it } from 'vitest';
import { AddressPolicy } from './address-policy.js';

describe('address policy', () => {
  it('refuses non-public literals and localhost, and lets names through until they are resolved', () => {
    const policy = new AddressPolicy();
    for (const host of ['127.0.0.1', '[::1]', '[fe80::1]', '[fd00::2]', '10.9.8.7', '192.168.0.1', '169.254.1.1', '0.0.0.0', '[::ffff:192.168.0.1]', 'localhost', 'LocalHost.', 'x.localhost', '224.0.0.1'])
      expect(policy.refusesHost(host), host).toBeDefined();
    for (const host of ['hooks.example.com', '93.184.215.14', '[2606:4700::1111]']) expect(policy.refusesHost(host), host).toBeUndefined();
    expect(policy.refusesAddress('hooks.example.com', '127.0.0.1')).toMatch(/127\.0\.0\.1 is a loopback/);
    expect(policy.refusesAddress('hooks.example.com', '::ffff:10.0.0.1')).toBeDefined();
    expect(policy.refusesAddress('hooks.example.com', '2606:4700::1111')).toBeUndefined();
  });

  it('opens what the allow-list names: addresses, CIDRs and host names', () => {
    const policy = new AddressPolicy(['10.1.0.0/16', '127.0.0.1', 'hooks.internal', 'fd00::/8']);
    expect(policy.refusesHost('10.1.2.3')).toBeUndefined();
    expect(policy.refusesHost('10.2.0.1')).toBeDefined();
    expect(policy.refusesHost('127.0.0.1')).toBeUndefined();
    expect(policy.refusesHost('127.0.0.2')).toBeDefined();
    expect(policy.refusesHost('[fd12::1]')).toBeUndefined();
    expect(policy.refusesAddress('hooks.internal', '192.168.1.1')).toBeUndefined();
    expect(policy.refusesAddress('HOOKS.internal.', '192.168.1.1')).toBeUndefined();
    expect(policy.refusesAddress('other.internal', '192.168.1.1')).toBeDefined();
  });
});
