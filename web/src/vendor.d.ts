// Untyped entry points of third-party packages used by the portal.
declare module 'swagger-ui-react' {
  import type { ComponentType } from 'react';
  const SwaggerUI: ComponentType<{
    spec?: unknown;
    url?: string;
    supportedSubmitMethods?: string[];
    docExpansion?: 'list' | 'full' | 'none';
    defaultModelsExpandDepth?: number;
    tryItOutEnabled?: boolean;
  }>;
  export default SwaggerUI;
}
