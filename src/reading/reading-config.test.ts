import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../pave-config.js';
import { PaveError } from '../core/problem.js';
import { AllowList } from './allow-list.js';

const cwd = mkdtempSync(join(tmpdir(), 'pave-reading-config-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

function mistakes(file: string, env: NodeJS.ProcessEnv = {}): Array<{ pointer: string; detail: string }> {
  writeFileSync(join(cwd, 'pave.config.yaml'), file);
  try {
    loadConfig({ cwd, env });
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(PaveError);
    return (error as PaveError).problem.errors ?? [];
  } finally {
    rmSync(join(cwd, 'pave.config.yaml'));
  }
}

describe('the reading section', () => {
  it('allows nothing by default and takes entries from the file and PAVE_READING_ALLOW', () => {
    expect(loadConfig({ cwd, env: {} }).reading).toEqual({ allow: [], maxBytes: 10 * 1024 * 1024, timeoutSeconds: 30, maxRedirects: 5, maxCloneBytes: 256 * 1024 * 1024 });
    writeFileSync(join(cwd, 'pave.config.yaml'), 'reading:\n  allow:\n    - host: docs.example.com\n      paths: [/files/]\n');
    const { allow } = loadConfig({ cwd, env: { PAVE_READING_ALLOW: '*.example.org, 127.0.0.1:8080' } }).reading;
    rmSync(join(cwd, 'pave.config.yaml'));
    expect(allow).toEqual([{ host: 'docs.example.com', paths: ['/files/'] }, { host: '*.example.org' }, { host: '127.0.0.1:8080' }]);
  });

  it('refuses at start an entry that is not a host pattern, naming the setting', () => {
    const errors = mistakes('reading:\n  allow:\n    - host: https://docs.example.com/files\n    - host: "*"\n    - host: "*.com"\n    - host: docs.example.com\n      paths: [files]\n    - {}\n');
    expect(errors.map(e => e.pointer)).toEqual(['/reading/allow/0/host', '/reading/allow/1/host', '/reading/allow/2/host', '/reading/allow/3/paths', '/reading/allow/4/host']);
    expect(errors[0]!.detail).toMatch(/not a URL or a path/);
    expect(mistakes('', { PAVE_READING_ALLOW: 'http://x.example.com' }).map(e => e.pointer)).toEqual(['/reading/allow/0/host']);
  });
});

describe('the allow-list', () => {
  const list = new AllowList([{ host: '*.example.com' }, { host: 'files.example.net', paths: ['/public/'] }, { host: '[::1]:8080' }]);
  const allowed = (url: string) => list.match(new URL(url)) !== undefined;

  it('matches hosts below a wildcard, not the domain itself nor look-alikes', () => {
    expect(allowed('https://docs.example.com/a.yaml')).toBe(true);
    expect(allowed('https://a.b.EXAMPLE.com/a.yaml')).toBe(true);
    expect(allowed('https://example.com/a.yaml')).toBe(false);
    expect(allowed('https://docs.example.com.evil.test/a.yaml')).toBe(false);
    expect(allowed('https://evilexample.com/a.yaml')).toBe(false);
  });

  it('needs the port written in the entry, and only http(s) without credentials', () => {
    expect(allowed('https://docs.example.com:8443/a.yaml')).toBe(false);
    expect(allowed('http://[::1]:8080/x')).toBe(true);
    expect(allowed('ftp://docs.example.com/a.yaml')).toBe(false);
    expect(allowed('https://user:secret@docs.example.com/a.yaml')).toBe(false);
  });

  it('keeps reads inside path prefixes, dot segments and encoded slashes included', () => {
    expect(allowed('https://files.example.net/public/a.yaml')).toBe(true);
    expect(allowed('https://files.example.net/public/../private/a.yaml')).toBe(false);
    expect(allowed('https://files.example.net/public/%2e%2e/private/a.yaml')).toBe(false);
    expect(allowed('https://files.example.net/public/..%2fprivate/a.yaml')).toBe(false);
    expect(allowed('https://files.example.net/publicity/a.yaml')).toBe(false);
  });
});
