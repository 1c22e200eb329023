/**
 * A module's `requires` is what an app built for some modules only (a CLI command on the local store) builds
 * with it, so it must name every module whose service its code reaches (`app.catalog`, `app?.delivery`): one
 * left out would be absent at run time. Held against the code here, and a partial app is started for real.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { moduleList, modulesFor } from '../../src/modules.js';
import { createApp } from '../../src/app.js';
import { createServer } from '../../src/api/server.js';
import { loadConfig } from '../../src/pave-config.js';
import { createLogger } from '../../src/core/logger.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const NAMES = moduleList().map(module => module.name);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

/** The other modules whose services a module's files reach through the app. */
function servicesReached(name: string): string[] {
  const pattern = new RegExp(`\\bapp\\??\\.(${NAMES.join('|')})\\b`, 'g');
  const reached = new Set<string>();
  for (const file of sourceFiles(join(SRC, name))) {
    for (const match of readFileSync(file, 'utf8').matchAll(pattern)) if (match[1] !== name) reached.add(match[1]!);
  }
  return [...reached].sort();
}

describe('module requirements', () => {
  it.each(NAMES)('%s requires every module whose service its code uses', name => {
    const module = moduleList().find(m => m.name === name)!;
    const missing = servicesReached(name).filter(used => !module.requires.includes(used));
    expect(missing, `${name}/ uses the services of ${missing.join(', ')} without naming them in requires`).toEqual([]);
  });

  it('names only modules that exist, and a partial app holds what the named modules require, in list order', () => {
    for (const module of moduleList()) for (const required of module.requires) expect(NAMES, `${module.name} requires ${required}`).toContain(required);
    expect(modulesFor(['surveys']).map(m => m.name)).toEqual(['integrations', 'reading', 'catalog', 'auth', 'surveys']);
    expect(() => modulesFor(['nonsense'])).toThrow(/No module is named nonsense/);
  });

  it('an app built for the catalog serves the catalog and leaves the other modules out', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pave-partial-'));
    const app = await createApp(loadConfig({ env: { PAVE_DATA_DIR: dataDir } }), { logger: createLogger('silent'), modules: ['catalog'] });
    try {
      expect(app.modules.map(m => m.name)).toEqual(['integrations', 'reading', 'catalog', 'auth']);
      const server = await createServer(app);
      try {
        const bearer = `Bearer ${app.auth.localOperatorBearer()}`;
        const entities = await server.inject({ url: '/api/catalog/entities', headers: { authorization: bearer } });
        expect(entities.statusCode).toBe(200);
        const capabilities = await server.inject({ url: '/api/platform/capabilities', headers: { authorization: bearer } });
        expect(capabilities.statusCode).toBe(404);
      } finally {
        await server.close();
      }
    } finally {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
