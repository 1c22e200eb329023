/** What `process.env` is while yaml parses: none of its debug switches (`LOG_TOKENS`, `LOG_STREAM`) set. */
const NO_DEBUG_SWITCHES: NodeJS.ProcessEnv = Object.freeze({});

/**
 * Runs synchronous YAML parsing (the `yaml` package's Parser, Composer or `parse`) with `process.env` as a plain
 * empty object. yaml's Parser reads `process.env.LOG_TOKENS` for every token it sees, and `process.env` is backed
 * by the C++ environment: those reads were ~30% of parsing's CPU (about 1 s of a 15.7k-entity first load).
 * `work` is synchronous, so no other code runs while the environment is swapped, and the real one is back
 * before `work`'s result or error reaches the caller.
 * @example const tokens = withoutYamlDebugSwitches(() => [...new Parser().parse(text)]);
 */
export function withoutYamlDebugSwitches<T>(work: () => T): T {
  const env = process.env;
  process.env = NO_DEBUG_SWITCHES;
  try {
    return work();
  } finally {
    process.env = env;
  }
}
