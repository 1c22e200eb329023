import { Type, type TSchema } from '@sinclair/typebox';
import type { Entity } from '../core/entity.js';

/** JSON schemas shared by routes; each doubles as validation, serialization and OpenAPI text. */

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(
        Type.Object(
          {
            pointer: Type.String({ description: 'JSON pointer to the offending field' }),
            detail: Type.String(),
            rule: Type.Optional(Type.String()),
            source: Type.Optional(Type.String()),
            document: Type.Optional(Type.Integer()),
            line: Type.Optional(Type.Integer()),
          },
          { additionalProperties: true },
        ),
      ),
    ),
  },
  { $id: 'Problem', additionalProperties: true, description: 'An RFC 9457 problem' },
);

export const EntitySchema = Type.Unsafe<Entity>(Type.Object(
  {
    apiVersion: Type.String(),
    kind: Type.String(),
    metadata: Type.Object({ name: Type.String() }, { additionalProperties: true }),
    spec: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    relations: Type.Optional(Type.Array(Type.Object({ type: Type.String(), targetRef: Type.String() }, { additionalProperties: true }))),
    status: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: true, description: 'An entity in the Backstage envelope' },
));

/** A projected entity (`fields=`) may lack any field. */
export const PartialEntitySchema = Type.Unsafe<Entity>({ type: 'object', additionalProperties: true, description: 'An entity, or the fields of it that were asked for' });

/** A query parameter that may be repeated. */
export const StringList = Type.Optional(Type.Union([Type.Array(Type.String()), Type.String()]));

/** Standard error responses for a route. */
export function errorResponses(...statuses: number[]): Record<number, TSchema> {
  return Object.fromEntries(
    statuses.map(status => [status, { description: 'A problem (RFC 9457)', content: { 'application/problem+json': { schema: Type.Ref(ProblemSchema) } } } as unknown as TSchema]),
  );
}

export function asList(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value : [value];
}
