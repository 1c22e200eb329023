/**
 * The process boundary, with real evaluator processes: results and secret-derived strings come
 * back; running out of memory, missing the deadline and oversized messages end the process
 * (not this one) with an error naming the limit, and the next request gets a fresh process.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { PaveError } from '../core/problem.js';
import { EvaluatorPool } from './evaluator-pool.js';
import { ExpressionEvaluator } from './expression-evaluator.js';

const pool = new EvaluatorPool({ size: 2, heapMiB: 64, deadlineMarginMs: 100, maxMessageBytes: 256 * 1024 });
const expressions = new ExpressionEvaluator(pool);
afterAll(() => pool.close());

/** Two million characters sorted in one filter, which the engine's clock cannot interrupt. */
const RUNAWAY_SORT = "${{ 'ab'.repeat(1000000) | sort | length }}";

async function problemOf(work: Promise<unknown>): Promise<PaveError['problem']> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PaveError);
  return (error as PaveError).problem;
}

describe('the evaluator pool', () => {
  it('starts no process until asked, then renders with the in-process semantics', async () => {
    expect(pool.processCount).toBe(0);
    expect(await expressions.renderString('plain text', {})).toBe('plain text');
    expect(pool.processCount).toBe(0);
    expect(await expressions.renderString('${{ parameters.tags }}', { parameters: { tags: ['a', 'b'] } })).toEqual(['a', 'b']);
    expect(await expressions.renderValue({ n: '${{ 1 + 1 }}', keep: [true, 3] }, {})).toEqual({ n: 2, keep: [true, 3] });
    expect(await expressions.renderFile('{% for x in [1, 2] %}${{ x }}{% endfor %}', {})).toBe('12');
    expect(await expressions.evaluateCondition('${{ parameters.on }}', { parameters: { on: false } })).toBe(false);
    expect(await expressions.evaluateCondition(undefined, {})).toBe(true);
    expect(pool.processCount).toBe(1);
  });

  it('reports engine errors as the same problems, and secret-derived strings before settling', async () => {
    const problem = await problemOf(expressions.renderString('${{ x | nope }}', {}));
    expect(problem.status).toBe(422);
    expect(problem.errors?.[0]?.rule).toBe('unknown-filter');
    const learned: string[] = [];
    const value = await expressions.renderString('${{ "x-" ~ secrets.t | upper }}', { secrets: { t: 'abc' } }, { secrets: { roots: ['secrets'] }, onSecretStrings: s => learned.push(...s) });
    expect(value).toBe('x-ABC');
    expect(learned).toContain('x-ABC');
  });

  it('renders a batch of files in one request; one failing does not stop the others', async () => {
    const results = await expressions.renderFiles(['a ${{ values.n }}', 'no tags', '${{ values.n | nope }}'], { values: { n: 1 } });
    expect(results[0]).toEqual({ ok: true, value: 'a 1' });
    expect(results[1]).toEqual({ ok: true, value: 'no tags' });
    expect(results[2]?.ok).toBe(false);
  });

  it('a process that runs out of memory is killed and replaced; the request fails naming heapMiB', async () => {
    // The engine's own size limit is lifted here so the process really exhausts its heap.
    const problem = await problemOf(
      expressions.renderString("${{ 'a'.repeat(1000) | replace(r/a/g, '$&'.repeat(200000)) }}", {}, { limits: { maxOutputSize: 2 ** 30, timeBudgetMs: 60_000 } }),
    );
    expect(problem.errors?.[0]?.rule).toBe('expressions.heapMiB');
    expect(problem.detail).toMatch(/ran out of memory .*64 MiB/);
    expect(await expressions.renderString('${{ 6 * 7 }}', {})).toBe(42);
  });

  it('a process past its deadline is killed and replaced; the request fails naming the deadline', async () => {
    // One sort of two million items cannot be interrupted by the engine's clock: the deadline stops it. The string is
    // made a list inside the sort, not by a `list` filter before it: the clock is read after each filter, and a loaded
    // machine making that list alone could use up the budget before the sort began.
    const problem = await problemOf(expressions.renderString(RUNAWAY_SORT, {}, { limits: { timeBudgetMs: 200 } }));
    expect(problem.errors?.[0]?.rule).toBe('expressions.deadlineMarginMs');
    expect(await expressions.renderString('${{ "still" ~ "here" }}', {})).toBe('stillhere');
  });

  it("a shorter deadline after a longer one on the same process is its own: the second job's budget stops it", { timeout: 30_000 }, async () => {
    // With one process, the first job's 60 s watch would still be pending when the runaway starts: the
    // runaway must not wait for it (the test's own time limit is what would catch that).
    const single = new EvaluatorPool({ size: 1, deadlineMarginMs: 100 });
    const evaluator = new ExpressionEvaluator(single);
    try {
      expect(await evaluator.renderString('${{ 1 + 1 }}', {}, { limits: { timeBudgetMs: 60_000 } })).toBe(2);
      const problem = await problemOf(evaluator.renderString(RUNAWAY_SORT, {}, { limits: { timeBudgetMs: 200 } }));
      expect(problem.errors?.[0]?.rule).toBe('expressions.deadlineMarginMs');
      expect(problem.detail).toContain('within 300 ms');
    } finally {
      await single.close();
    }
  });

  it('an answer larger than the message limit is refused as it is announced', async () => {
    const problem = await problemOf(expressions.renderString("${{ 'x'.repeat(300000) }}", {}));
    expect(problem.errors?.[0]?.rule).toBe('expressions.maxMessageBytes');
    expect(await expressions.renderString('${{ "ok" }}', {})).toBe('ok');
  });

  it('a request larger than the message limit is refused before it is sent', async () => {
    const problem = await problemOf(expressions.renderString('${{ big | length }}', { big: 'x'.repeat(300_000) }));
    expect(problem.errors?.[0]?.rule).toBe('expressions.maxMessageBytes');
  });

  it('runs requests side by side up to its size', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => expressions.renderString(`\${{ ${i} * 2 }}`, {})));
    expect(results).toEqual([0, 2, 4, 6, 8, 10]);
    expect(pool.processCount).toBeLessThanOrEqual(2);
  });

  it('close() ends the processes; later requests fail with 503', async () => {
    const other = new EvaluatorPool({ size: 1 });
    const running = new ExpressionEvaluator(other).renderString(RUNAWAY_SORT, {}, { limits: { timeBudgetMs: 60_000 } });
    const failed = problemOf(running);
    await other.close();
    expect((await failed).status).toBe(503);
    expect(other.processCount).toBe(0);
    expect((await problemOf(new ExpressionEvaluator(other).renderString('${{ 1 }}', {}))).status).toBe(503);
  });

  it('close() keeps its caller running until every process has exited (a process awaiting only close() ends with 0, not 13)', { timeout: 60_000 }, async () => {
    // Only a process with nothing else to do shows it: one process exiting first must not unreference the other.
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const script = `
      const { EvaluatorPool } = await import(${JSON.stringify(new URL('./evaluator-pool.ts', import.meta.url).href)});
      const pool = new EvaluatorPool({ size: 2 });
      const request = { context: {}, options: {}, items: [{ kind: 'string', source: '\${{ 1 + 1 }}' }] };
      await Promise.all([pool.run(request), pool.run(request)]);
      const started = pool.processCount;
      await pool.close();
      process.stdout.write(started + ' closed ' + pool.processCount);`;
    for (let run = 0; run < 3; run++) {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', tsx, '--input-type=module', '-e', script]);
      expect(stdout).toBe('2 closed 0');
    }
  });
});
