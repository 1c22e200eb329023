import { expect, it } from 'vitest';
import { buildServer } from './server.js';

it('answers /health', async () => {
  const response = await buildServer().inject('/health');
  expect(response.json()).toEqual({ status: 'ok', service: '${{ values.name }}' });
});
