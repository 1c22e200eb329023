#!/usr/bin/env node
// Runs the built CLI (npm run build); during development use `npx tsx src/cli/main.ts`.
await import('../dist/src/cli/main.js');
