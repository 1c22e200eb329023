/**
 * `.pave/template.yaml`: what a generated repository says of the golden path it was made from (the
 * template, its version and the form values, never secrets). Publishers put it in a repository's first
 * commit; an upgrade writes it again with the new version. Pure: no I/O.
 */
import { stringify } from 'yaml';

/** Where the record lives in a repository (under the published folder). */
export const TEMPLATE_RECORD_PATH = '.pave/template.yaml';

/** The record's text. */
export function templateRecordText(template: string, version: string, values: Record<string, unknown>): string {
  return `# Written by Pave: the golden path this repository was made from. Template upgrades render it again with these values.\n${stringify({ template, version, values })}`;
}
