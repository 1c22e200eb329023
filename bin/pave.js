#!/usr/bin/env node
// Runs the bundled CLI (npm run build: scripts/bundle-cli.ts); during development use `npx tsx src/cli/main.ts`.
await import('../dist/cli/main.js');
