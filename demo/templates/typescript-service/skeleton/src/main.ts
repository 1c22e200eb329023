import { buildServer } from './server.js';

const port = Number(process.env.PORT ?? ${{ values.port }});
await buildServer().listen({ host: '0.0.0.0', port });
