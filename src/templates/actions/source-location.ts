/**
 * `backstage.io/source-location` for the entities a published repository describes. Backstage's
 * catalog adds this annotation itself when it reads a URL location (`url:<folder URL>/`); Pave's local
 * repositories have no web address of their own, so publish:git writes the one of the repository's
 * portal page into the catalog file it pushes. Pure: no I/O.
 */
import { isMap, isScalar } from 'yaml';
import { parseAllDocumentsWithUniqueKeys } from '../../core/yaml-unique-keys.js';

export const ANNOTATION_SOURCE_LOCATION = 'backstage.io/source-location';

/**
 * Adds `backstage.io/source-location: url:<folderUrl>` to every entity in a catalog file that has
 * none, keeping comments and layout. Returns undefined when nothing changes: every entity already
 * says where its source is, or the file is not valid YAML (the catalog reports that when it reads it).
 * @example withSourceLocation('kind: Component\nmetadata:\n  name: api\n', 'http://pave/repositories/acme/api/')
 * // 'kind: Component\nmetadata:\n  name: api\n  annotations:\n    backstage.io/source-location: url:http://pave/repositories/acme/api/\n'
 */
export function withSourceLocation(text: string, folderUrl: string): string | undefined {
  const documents = parseAllDocumentsWithUniqueKeys(text);
  if (documents.some(document => document.errors.length)) return undefined;
  const value = `url:${folderUrl}`;
  let changed = false;
  for (const document of documents) {
    const metadata = document.get('metadata');
    if (!isMap(metadata)) continue;
    const annotations = metadata.get('annotations', true);
    if (annotations === undefined || (isScalar(annotations) && annotations.value === null)) {
      metadata.set('annotations', document.createNode({ [ANNOTATION_SOURCE_LOCATION]: value }));
    } else if (isMap(annotations) && !annotations.has(ANNOTATION_SOURCE_LOCATION)) {
      annotations.set(ANNOTATION_SOURCE_LOCATION, value);
    } else continue;
    changed = true;
  }
  return changed ? documents.map(document => document.toString()).join('') : undefined;
}
