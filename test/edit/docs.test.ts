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

describe('entity docs images (GET /api/docs/by-name/…/asset)', () => {
  it('serves an image of the docs with its type, sandboxed, and refuses other files', async () => {
    const { mkdtemp, mkdir, writeFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'pave-docs-asset-'));
    const pave = await startPave();
    try {
      await mkdir(join(dir, 'docs'));
      await writeFile(join(dir, 'mkdocs.yml'), 'site_name: Ledger\nnav:\n  - Home: index.md\n');
      await writeFile(join(dir, 'docs', 'index.md'), '# Ledger\n\n![flow](flow.png)\n');
      const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
      await writeFile(join(dir, 'docs', 'flow.png'), png);
      await writeFile(
        join(dir, 'catalog-info.yaml'),
        'apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ledger\n  annotations:\n    backstage.io/techdocs-ref: dir:.\nspec:\n  type: service\n  lifecycle: production\n  owner: finance\n',
      );
      await pave.app.catalog.locations.register({ type: 'file', target: join(dir, 'catalog-info.yaml') });
      const image = await fetch(`${pave.url}/api/docs/by-name/component/default/ledger/asset?path=flow.png`);
      expect(image.status).toBe(200);
      expect(image.headers.get('content-type')).toBe('image/png');
      expect(image.headers.get('content-security-policy')).toContain('sandbox');
      expect(Buffer.from(await image.arrayBuffer()).equals(png)).toBe(true);
      const markdown = await fetch(`${pave.url}/api/docs/by-name/component/default/ledger/asset?path=index.md`);
      expect(markdown.status).toBe(400);
      const outside = await fetch(`${pave.url}/api/docs/by-name/component/default/ledger/asset?path=${encodeURIComponent('../../etc/x.png')}`);
      expect(outside.status).toBe(400);
    } finally {
      await pave.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
