import { formatFieldError, isPaveError } from '../core/problem.js';

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
  if (isPaveError(error)) {
    const lines = [`error: ${error.problem.detail ?? error.problem.title}`];
    for (const field of error.problem.errors ?? []) lines.push('  ' + formatFieldError(field));
    return lines.join('\n');
  }
  return `error: ${(error as Error).message ?? String(error)}`;
}

/** Formats rows as an aligned text table. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map(r => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}
