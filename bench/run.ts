/**
 * Entry point of `npm run bench`: `npm run bench -- <name> [options]` runs one benchmark, no name runs
 * them all (options then go to each). Benchmarks print figures; they assert nothing.
 * @example npm run bench -- catalog --sizes 1000,10000
 */
interface Benchmark {
  /** Runs with the arguments after the benchmark's name; resolves to the exit code. */
  run(argv: string[]): Promise<number>;
}

const benchmarks: Record<string, { description: string; load: () => Promise<Benchmark> }> = {
  catalog: { description: 'catalog ingest of 1k/10k/100k entities, read latency over HTTP, server memory', load: () => import('./catalog-bench.js') },
  peer: { description: "Backstage's catalog backend (from npm, into bench/peer/) and Pave on the same catalog: time to every relation, query p50/p99, peak RSS, ratio", load: () => import('./peer-bench.js') },
  portal: { description: 'portal in headless Chromium over a 100k catalog: FCP, explorer time-to-interactive, JS per page', load: () => import('./portal-bench.js') },
  delivery: { description: 'delivery events: ingest 1M events, then all five DORA metrics for 1,000 components over 90 days', load: () => import('./delivery-bench.js') },
  load: { description: '200 concurrent clients for 60 s on the catalog read routes of 2 replicas on PostgreSQL with a 10k catalog: throughput, p50/p99, errors', load: () => import('./load-bench.js') },
  platform: { description: 'platform API: 1,000 requests over 2 git destinations, apply→committed p50/p99, throughput, memory', load: () => import('./platform-bench.js') },
  scorecards: { description: 'scorecards: 10k entities and a scorecard of 20 rules: first pass, evaluating all, change to new level, memory', load: () => import('./scorecards-bench.js') },
  cli: { description: 'the built CLI: --help, a local catalog get, validating the demo files (wall-clock per run)', load: () => import('./cli-bench.js') },
};

function list(): string {
  const width = Math.max(...Object.keys(benchmarks).map(name => name.length));
  return Object.entries(benchmarks).map(([name, b]) => `  ${name.padEnd(width)}  ${b.description}`).join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    console.log(`Usage: npm run bench -- [<benchmark>] [options]\n\nBenchmarks:\n${list()}\n\nWith no benchmark named, all run. \`npm run bench -- <benchmark> --help\` lists its options.`);
    return 0;
  }
  if (first === undefined || first.startsWith('-')) {
    let code = 0;
    for (const [name, benchmark] of Object.entries(benchmarks)) {
      process.stderr.write(`== ${name}\n`);
      code = Math.max(code, await (await benchmark.load()).run(argv));
    }
    return code;
  }
  const benchmark = benchmarks[first];
  if (!benchmark) {
    console.error(`Unknown benchmark "${first}". Benchmarks:\n${list()}`);
    return 1;
  }
  return (await benchmark.load()).run(rest);
}

process.exitCode = await main(process.argv.slice(2));
