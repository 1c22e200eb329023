import { useMemo } from 'react';
import SwaggerUI from 'swagger-ui-react';
import 'swagger-ui-react/swagger-ui.css';
import { parseDefinition } from './parseDefinition';

/** OpenAPI (and Swagger 2) rendered by Swagger UI; "Try it out" is off: the portal never calls other services. */
export default function OpenApiView({ definition }: { definition: string }) {
  const parsed = useMemo(() => parseDefinition(definition), [definition]);
  if (parsed.error) return <DefinitionError message={parsed.error} />;
  return (
    <div className="renderer-surface openapi" data-testid="openapi-rendered">
      <SwaggerUI spec={parsed.doc} supportedSubmitMethods={[]} docExpansion="list" defaultModelsExpandDepth={0} tryItOutEnabled={false} />
    </div>
  );
}

export function DefinitionError({ message }: { message: string }) {
  return (
    <div className="error-state" role="alert">
      <p className="error-title">The definition could not be parsed</p>
      <p className="mono small">{message}</p>
      <p className="muted">Switch to “Source” to see the text, then fix it in the API’s definition file.</p>
    </div>
  );
}
