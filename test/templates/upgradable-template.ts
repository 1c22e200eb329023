/**
 * The template the upgrade tests change: it renders `./skeleton` with the name given, publishes it into
 * Pave's repositories under `owner` (or where `repoUrl` says, with `publisher`) and, asked to, registers it.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { PaveApp } from '../../src/app.js';

export interface UpgradableTemplate {
  name: string;
  version: string;
  /** The folder of Pave's repositories it publishes into (`local?owner=<owner>&repo=<name>`). */
  owner?: string;
  repoUrl?: string;
  publisher?: string;
  register?: boolean;
}

/** Writes the template's YAML as `<dir>/template.yaml` (beside its `skeleton/`); returns the file. */
export async function writeUpgradableTemplate(dir: string, template: UpgradableTemplate): Promise<string> {
  const file = join(dir, 'template.yaml');
  await writeFile(
    file,
    stringify({
      apiVersion: 'scaffolder.backstage.io/v1beta3',
      kind: 'Template',
      metadata: { name: template.name },
      spec: {
        owner: 'group:default/platform-team',
        type: 'service',
        version: template.version,
        parameters: [{ required: ['name'], properties: { name: { type: 'string' } } }],
        steps: [
          { id: 'fetch', action: 'fetch:template', input: { url: './skeleton', values: { name: '${{ parameters.name }}' } } },
          { id: 'publish', action: template.publisher ?? 'publish:git', input: { repoUrl: template.repoUrl ?? `local?owner=${template.owner ?? 'example'}&repo=\${{ parameters.name }}` } },
          ...(template.register ? [{ id: 'register', action: 'catalog:register', input: { repoContentsUrl: '${{ steps.publish.output.repoContentsUrl }}', catalogInfoPath: '/catalog-info.yaml' } }] : []),
        ],
      },
    }),
  );
  return file;
}

/** Reads a changed template file again, as the catalog's next refresh would. */
export async function refreshTemplate(app: PaveApp, ref: string): Promise<void> {
  await app.catalog.locations.refresh((await app.catalog.locations.byEntityRef(ref)).id);
}
