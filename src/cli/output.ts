import { CommanderError } from 'commander';
import { badRequest, formatFieldError, isPaveError, type Problem } from '../core/problem.js';

/** How a command talks to the terminal: JSON for machines, short lines for people, progress on stderr. */
export interface Output {
  json: boolean;
  /** Prints the result: JSON when --json, else the human rendering. */
  result(value: unknown, human: () => string): void;
  /** Progress on stderr, only for people at a terminal. */
  progress(message: string): void;
  done(): void;
}

export function createOutput(json: boolean): Output {
  const live = !json && process.stderr.isTTY;
  let lastLength = 0;
  return {
    json,
    result(value, human) {
      this.done();
      process.stdout.write(json ? JSON.stringify(value, null, 2) + '\n' : human() + '\n');
    },
    progress(message) {
      if (!live) return;
      const line = message.length > 120 ? message.slice(0, 117) + '…' : message;
      process.stderr.write('\r' + line.padEnd(lastLength));
      lastLength = line.length;
    },
    done() {
      if (live && lastLength) process.stderr.write('\r' + ' '.repeat(lastLength) + '\r');
      lastLength = 0;
    },
  };
}

/** One line for any failure, as every command reports errors; details follow only for field errors. */
export function describeError(error: unknown): string {
  const problem = problemOf(error);
  const lines = [`error: ${problem.detail ?? problem.title}`];
  for (const field of problem.errors ?? []) lines.push('  ' + formatFieldError(field));
  return lines.join('\n');
}

/**
 * Any failure as an RFC 9457 problem, what `--json` prints on stderr: Pave's own as they are, a mistake on the
 * command line (an unknown flag, a flag value out of range) as a 400, anything else as a 500.
 */
export function problemOf(error: unknown): Problem {
  if (isPaveError(error)) return error.problem;
  if (error instanceof CommanderError) return badRequest(error.message.replace(/^error: /, '')).problem;
  return { type: 'about:blank', title: 'Internal error', status: 500, detail: (error as Error)?.message ?? String(error) };
}

/** Formats rows as an aligned text table. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map(r => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}
