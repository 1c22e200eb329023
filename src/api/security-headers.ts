import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import helmet from '@fastify/helmet';

/**
 * Security headers on every answer (through @fastify/helmet) and a Content-Security-Policy for the
 * portal: scripts only from this server (plus the portal's own inline scripts, allowed by their
 * SHA-256), no plugins, no framing, requests only to this server. Styles may be inline, as the
 * portal's components set them. HSTS and upgrade-insecure-requests only when Pave is served over https.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any type provider and logger
export async function registerSecurityHeaders(server: FastifyInstance<any, any, any, any, any>, options: { baseUrl: string; portalDir?: string }): Promise<void> {
  const https = options.baseUrl.startsWith('https:');
  await server.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", ...inlineScriptHashes(options.portalDir)],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'https:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    // Same-origin by default, but the portal may link out and be linked to.
    crossOriginEmbedderPolicy: false,
  });
}

/** `'sha256-…'` sources for the inline scripts of the portal's index.html (its theme script, say). */
function inlineScriptHashes(portalDir: string | undefined): string[] {
  if (!portalDir) return [];
  let html: string;
  try {
    html = readFileSync(join(portalDir, 'index.html'), 'utf8');
  } catch {
    return [];
  }
  const hashes: string[] = [];
  for (const match of html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)) {
    const body = match[1] ?? '';
    if (body.trim()) hashes.push(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
  }
  return hashes;
}
