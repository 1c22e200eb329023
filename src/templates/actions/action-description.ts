/**
 * An action as the API describes it (`GET /api/scaffolder/v2/actions`, like Backstage's): one schema for
 * the registry, the route, the client, the CLI and the portal's "Installed actions" page.
 */
import { Type, type Static } from '@sinclair/typebox';

const JsonSchema = (description: string) => Type.Object({}, { additionalProperties: true, description });

/** Where an installed action came from: a configured folder's file, or an npm package. */
export const InstalledFromSchema = Type.Object({
  kind: Type.Union([Type.Literal('folder'), Type.Literal('package')]),
  /** `<folder name>/<file>` or `<package>@<version>`: never a server path. */
  name: Type.String({ description: "The folder's name and the file (notify.mjs in acme-actions: acme-actions/notify.mjs), or the package and its version" }),
});
export type InstalledFrom = Static<typeof InstalledFromSchema>;

export const ActionDescriptionSchema = Type.Object({
  id: Type.String(),
  description: Type.String(),
  schema: Type.Object({ input: JsonSchema('JSON Schema of the input'), output: Type.Optional(JsonSchema('JSON Schema of the output')) }),
  effect: Type.String({ description: 'workspace, external or none: what a resumed task does with it' }),
  supportsDryRun: Type.Boolean(),
  examples: Type.Optional(Type.Array(Type.Object({ description: Type.String(), example: Type.String() }))),
  installed: Type.Optional(
    Type.Object(
      { ...InstalledFromSchema.properties, sandbox: Type.String({ description: 'How its runs are isolated' }) },
      { description: "An organisation's own action (absent: built in), run in a sandbox" },
    ),
  ),
});
export type ActionDescription = Static<typeof ActionDescriptionSchema>;
