/**
 * With PAVE_REQUIRE_ALL=1 (as CI sets it), tests that need PostgreSQL or Chromium must run: a missing
 * service fails the run instead of skipping. Without it, such tests skip with the reason.
 */
export const requireAll = process.env.PAVE_REQUIRE_ALL === '1';

export const POSTGRES_URL = process.env.PAVE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
