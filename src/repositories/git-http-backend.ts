/**
 * Read-only git smart HTTP: `git clone http://<pave>/git/<owner>/<repo>.git`. Each request runs git's
 * own CGI program, `git http-backend`, for exactly two operations on one located repository: the ref
 * advertisement (`GET info/refs?service=git-upload-pack`) and a fetch (`POST git-upload-pack`).
 * receive-pack (push) and the dumb protocol's file reads are switched off on git's command line, which
 * outranks any repository configuration. Knows nothing about the web framework: plain streams in and out.
 */
import { PassThrough, Transform, type Readable } from 'node:stream';
import { PaveError } from '../core/problem.js';
import { spawnGit } from '../git/run-git.js';
import type { HostedRepository } from './repository-service.js';

export interface UploadPackRequest {
  /** `advertise`: GET info/refs?service=git-upload-pack; `upload-pack`: POST git-upload-pack. */
  operation: 'advertise' | 'upload-pack';
  repository: HostedRepository;
  /** The folder of all hosted repositories (git http-backend's GIT_PROJECT_ROOT). */
  root: string;
  contentType?: string;
  /** `gzip` when the client compressed its request (git does for large fetches). */
  contentEncoding?: string;
  /** The client's `Git-Protocol` header (e.g. `version=2`). */
  gitProtocol?: string;
  remoteAddress?: string;
  body?: Readable;
  /** Ends git when the client goes away. */
  signal?: AbortSignal;
}

export interface UploadPackResponse {
  status: number;
  headers: Record<string, string>;
  body: Readable;
}

/** A clone of a large repository takes a while; a stuck one is ended. */
const TIME_LIMIT_MS = 10 * 60_000;
/** What a client may send in one fetch request (wants, haves, filters): far above any real one. */
export const MAX_REQUEST_BYTES = 32 * 1024 * 1024;
const MAX_HEADER_BYTES = 16 * 1024;
const PASSED_HEADERS = new Set(['content-type', 'cache-control', 'expires', 'pragma']);
const PROTOCOL = /^[A-Za-z0-9=:._-]{1,100}$/;

/**
 * Runs one upload-pack request through `git http-backend` and resolves once git has written its
 * response headers; the body streams as git produces it.
 * @example const res = await serveUploadPack({ operation: 'advertise', repository, root });
 */
export function serveUploadPack(request: UploadPackRequest): Promise<UploadPackResponse> {
  const { owner, repo } = request.repository.name;
  const advertise = request.operation === 'advertise';
  const env: NodeJS.ProcessEnv = {
    GIT_PROJECT_ROOT: request.root,
    GIT_HTTP_EXPORT_ALL: '1',
    REQUEST_METHOD: advertise ? 'GET' : 'POST',
    // Built from the located name, never from the request's own path.
    PATH_INFO: `/${owner}/${repo}.git/${advertise ? 'info/refs' : 'git-upload-pack'}`,
    QUERY_STRING: advertise ? 'service=git-upload-pack' : '',
    REMOTE_ADDR: request.remoteAddress ?? '',
    ...(request.contentType ? { CONTENT_TYPE: request.contentType } : {}),
    ...(request.contentEncoding ? { HTTP_CONTENT_ENCODING: request.contentEncoding } : {}),
    ...(request.gitProtocol && PROTOCOL.test(request.gitProtocol) ? { GIT_PROTOCOL: request.gitProtocol } : {}),
  };
  // The CGI program sees only its own variables (and PATH), never the server's environment.
  const child = spawnGit(['-c', 'http.receivepack=false', '-c', 'http.getanyfile=false', '-c', 'http.uploadpack=true', 'http-backend'], {
    env,
    inheritEnv: false,
    timeoutMs: TIME_LIMIT_MS,
  });
  let failure: Error | undefined;
  const stop = (error?: Error) => {
    failure ??= error;
    child.kill('SIGKILL');
  };
  const onAbort = () => stop();
  request.signal?.addEventListener('abort', onAbort, { once: true });
  child.on('close', () => request.signal?.removeEventListener('abort', onAbort));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 4096) stderr += chunk.toString('utf8');
  });
  child.stdin.on('error', () => undefined); // git may stop reading early; its answer says why
  if (request.body) {
    request.body.on('error', error => stop(error));
    request.body.pipe(limitBytes(MAX_REQUEST_BYTES)).on('error', error => stop(error)).pipe(child.stdin);
  } else child.stdin.end();

  return new Promise((resolve, reject) => {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const split = headerEnd(head);
      if (split === undefined) {
        if (head.length > MAX_HEADER_BYTES) stop(new Error('git http-backend wrote no end of its headers'));
        return;
      }
      child.stdout.off('data', onData);
      child.stdout.off('end', onEnd);
      child.stdout.pause();
      const { status, headers } = parseCgiHeaders(head.subarray(0, split.at).toString('latin1'));
      const body = new PassThrough();
      body.write(head.subarray(split.at + split.length));
      child.stdout.pipe(body);
      // A failure after the headers can only cut the answer short; git clients notice a truncated pack.
      child.on('close', () => failure && body.destroy(failure));
      resolve({ status, headers, body });
    };
    const onEnd = () => reject(failure ?? new Error(`git http-backend ended without an answer: ${stderr.trim() || `exit ${child.exitCode}`}`));
    child.stdout.on('data', onData);
    child.stdout.on('end', onEnd);
    child.on('error', error => {
      failure ??= error;
      reject(error);
    });
  });
}

/** Where the CGI header block ends (`\r\n\r\n`, or `\n\n` from a lenient writer). */
function headerEnd(buffer: Buffer): { at: number; length: number } | undefined {
  const crlf = buffer.indexOf('\r\n\r\n');
  if (crlf !== -1) return { at: crlf, length: 4 };
  const lf = buffer.indexOf('\n\n');
  return lf === -1 ? undefined : { at: lf, length: 2 };
}

/** `Status: 404 Not Found` and the few headers a git client needs; the rest are dropped. */
function parseCgiHeaders(block: string): { status: number; headers: Record<string, string> } {
  let status = 200;
  const headers: Record<string, string> = {};
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'status') status = Number.parseInt(value, 10) || 500;
    else if (PASSED_HEADERS.has(name)) headers[name] = value;
  }
  return { status, headers };
}

/** Passes at most `max` bytes, then fails with a 413 problem. */
function limitBytes(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen <= max) return done(null, chunk);
      done(
        new PaveError({
          type: 'https://pave.dev/problems/too-large',
          title: 'Payload too large',
          status: 413,
          detail: `A git fetch request may be at most ${max} bytes`,
          errors: [{ pointer: '/body', detail: `must be at most ${max} bytes`, rule: 'size' }],
        }),
      );
    },
  });
}
