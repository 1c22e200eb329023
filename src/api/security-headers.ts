import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';

/**
 * Security headers on every answer (helmet's) and a Content-Security-Policy for the portal: scripts
 * only from this server (plus the portal's own inline scripts, allowed by their SHA-256), no plugins,
 * no framing, requests only to this server. Styles may be inline, as the portal's components set them.
 * HSTS and upgrade-insecure-requests only when Pave is served over https. The headers are the same for
 * every answer, so they are computed once: @fastify/helmet built helmet's middleware anew for each
 * request (~4.5% of a by-name request's CPU). A route may still set its own (the docs' sandboxed assets).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any type provider and logger
export async function registerSecurityHeaders(server: FastifyInstance<any, any, any, any, any>, options: { baseUrl: string; portalDir?: string }): Promise<void> {
  const https = options.baseUrl.startsWith('https:');
  const headers = helmetHeaders({
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
  // Set on the raw response, not Fastify's header bag: a reply that hijacks the response and writes its own head
  // (event streams, MCP) sends only what the raw response holds. A route's own header still wins: Node lets the
  // headers given to writeHead, which Fastify passes its bag as, override these.
  const entries = Object.entries(headers);
  server.addHook('onRequest', (_request, reply, done) => {
    for (const [name, value] of entries) reply.raw.setHeader(name, value);
    done();
  });
}

/** The headers helmet's middleware sets with these options (none of them depends on the request). */
function helmetHeaders(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string) {
      headers[name.toLowerCase()] = value;
    },
    removeHeader() {},
  };
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, error => {
    if (error) throw error;
  });
  return headers;
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
