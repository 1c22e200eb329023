import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured logs (pino). Secrets never reach them: known secret-bearing fields are redacted. */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token', '*.secret'], censor: '[redacted]' },
    },
    destination as pino.DestinationStream | undefined,
  );
}
