/**
 * Fastify's own schema compilers (Ajv for requests, fast-json-stringify for responses), made to compile a
 * route's schema when the route is first called instead of when the server starts. Pave registers a few hundred
 * routes; compiling all of them took about a third of a second at every start, which a CLI command against the
 * local store (one or two routes) and every test server paid in full. Every route's schemas are still compiled
 * by the tests that call them (the authorization matrix calls every route).
 */
import AjvCompiler from '@fastify/ajv-compiler';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';

type Compile<Route, Compiled> = (route: Route) => Compiled;

/** A validator Fastify calls, whose `errors` it reads after a failed call (Ajv's convention). */
type Validator = ((data: unknown) => unknown) & { errors?: unknown };

function lazyValidator<Route>(compile: Compile<Route, Validator>): Compile<Route, Validator> {
  return route => {
    let compiled: Validator | undefined;
    const validate: Validator = data => {
      compiled ??= compile(route);
      const result = compiled(data);
      validate.errors = compiled.errors;
      return result;
    };
    return validate;
  };
}

function lazySerializer<Route>(compile: Compile<Route, (data: unknown) => string>): Compile<Route, (data: unknown) => string> {
  return route => {
    let compiled: ((data: unknown) => string) | undefined;
    return data => (compiled ??= compile(route))(data);
  };
}

const buildValidator = AjvCompiler();
const buildSerializer = SerializerSelector();

/**
 * The `schemaController.compilersFactory` option of Fastify: its defaults, compiling on first use. The casts say
 * what Fastify relies on: it only calls a validator and reads its `errors`, and only calls a serializer.
 */
export const lazySchemaCompilers: { buildValidator: typeof buildValidator; buildSerializer: typeof buildSerializer } = {
  buildValidator: (...args) => lazyValidator(buildValidator(...args) as Compile<unknown, Validator>) as unknown as ReturnType<typeof buildValidator>,
  buildSerializer: (...args) => lazySerializer(buildSerializer(...args) as Compile<unknown, (data: unknown) => string>),
};
