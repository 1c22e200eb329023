import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPave, type RunningPave } from '../support/pave-server.js';

describe('entity docs (GET /api/docs/by-name)', () => {
  let pave: RunningPave;
  beforeAll(async () => {
    pave = await startPave({ demo: true });
  });
  afterAll(async () => pave.close());

  it('reads the navigation from mkdocs.yml and serves each page as Markdown', async () => {
    const site = (await (await fetch(`${pave.url}/api/docs/by-name/component/default/checkout-service`)).json()) as {
      siteName: string;
      nav: Array<{ title: string; path?: string }>;
    };
    expect(site.siteName).toBeTruthy();
    expect(site.nav.length).toBeGreaterThan(1);
    for (const item of site.nav.filter(i => i.path)) {
      const page = (await (await fetch(`${pave.url}/api/docs/by-name/component/default/checkout-service/page?path=${encodeURIComponent(item.path!)}`)).json()) as {
        markdown: string;
      };
      expect(page.markdown).toMatch(/^#|\n#/);
    }
  });

  it('refuses paths outside the docs folder and answers 404 for entities without docs', async () => {
    const escape = await fetch(`${pave.url}/api/docs/by-name/component/default/checkout-service/page?path=${encodeURIComponent('../../../org/users.yaml')}`);
    expect(escape.status).toBe(400);
    expect(((await escape.json()) as { errors: Array<{ pointer: string }> }).errors[0]!.pointer).toBe('/path');
    const none = await fetch(`${pave.url}/api/docs/by-name/group/default/platform-team`);
    expect(none.status).toBe(404);
    expect(((await none.json()) as { detail: string }).detail).toContain('no docs');
  });
});
