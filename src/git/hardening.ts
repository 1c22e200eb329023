/**
 * The one hardened configuration every git command Pave runs gets (SECURITY.md, boundary 10). Git is
 * given input from others — repositories, refs, URLs — so nothing outside Pave's own command line may
 * decide what it runs or where it connects.
 */

/**
 * Settings given with `-c` on every command line, where they outrank the configuration of any
 * repository (`.git/config`), of the user and of the system:
 * - no hook of a repository Pave works in runs, and no file-system monitor a repository's configuration
 *   names (both run programs);
 * - no commit signing (would run gpg with the user's keys), no line-ending rewrites (the bytes committed
 *   are the bytes written), no template folder copied into new repositories (templates may hold hooks).
 */
export const HARDENED_CONFIG: readonly string[] = [
  'core.hooksPath=/dev/null',
  'core.fsmonitor=false',
  'commit.gpgSign=false',
  'core.autocrlf=false',
  'init.templateDir=',
].flatMap(setting => ['-c', setting]);

/** The transports git may use: local paths and file://, http(s) and ssh. `ext::` (runs a command) and the rest are refused. */
export const ALLOWED_PROTOCOLS = 'file:http:https:ssh';

/**
 * Variables set for every git process, after everything else so no caller can undo them: no system or
 * user configuration file is read (a user's aliases, `core.sshCommand`, `protocol.*.allow`, credential
 * helpers), GIT_ALLOW_PROTOCOL outranks any `protocol.*` setting, and a missing credential fails at once
 * instead of waiting for a prompt: the askpass program fails, so after a 401 git gives up rather than sending
 * whatever an askpass printed (`echo` sent its prompt back as a user name and password).
 */
const HARDENED_ENV: Readonly<NodeJS.ProcessEnv> = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_ALLOW_PROTOCOL: ALLOWED_PROTOCOLS,
  GIT_TERMINAL_PROMPT: '0',
  GIT_ASKPASS: 'false',
};

/**
 * Inherited variables that would tell git which repository to work in or add configuration (set, say,
 * when Pave runs inside a git hook or under a wrapper): git gets neither from Pave's environment.
 */
const INHERITED_BUT_DROPPED =
  /^GIT_(DIR|WORK_TREE|INDEX_FILE|OBJECT_DIRECTORY|ALTERNATE_OBJECT_DIRECTORIES|COMMON_DIR|NAMESPACE|TEMPLATE_DIR|EXTERNAL_DIFF|CONFIG|CONFIG_PARAMETERS|CONFIG_COUNT|CONFIG_KEY_\d+|CONFIG_VALUE_\d+|CONFIG_SYSTEM)$/;

/** Who commits when the caller says nothing (the process's own GIT_AUTHOR_* and GIT_COMMITTER_* win). */
const DEFAULT_IDENTITY: Readonly<NodeJS.ProcessEnv> = {
  GIT_AUTHOR_NAME: 'Pave',
  GIT_AUTHOR_EMAIL: 'pave@localhost',
  GIT_COMMITTER_NAME: 'Pave',
  GIT_COMMITTER_EMAIL: 'pave@localhost',
};

export interface GitCommandOptions {
  /** Variables for this command (an identity, a date, an HTTP header through GIT_CONFIG_COUNT/KEY/VALUE). */
  env?: NodeJS.ProcessEnv;
  /**
   * Whether the process's environment is passed on (default true, less the variables above). False gives
   * git only PATH, for a program that must not see the server's environment (the git HTTP backend).
   */
  inheritEnv?: boolean;
}

/**
 * The arguments and environment of a hardened git command: HARDENED_CONFIG before `args`, and the
 * hardened variables over the caller's. Every way Pave starts git goes through here.
 * @example const { args, env } = hardenedCommand(['status', '--porcelain']); execFile('git', args, { env });
 */
export function hardenedCommand(args: readonly string[], options: GitCommandOptions = {}): { args: string[]; env: NodeJS.ProcessEnv } {
  const inherited: NodeJS.ProcessEnv = {};
  if (options.inheritEnv === false) inherited.PATH = process.env.PATH;
  else for (const [name, value] of Object.entries(process.env)) if (!INHERITED_BUT_DROPPED.test(name)) inherited[name] = value;
  return {
    args: [...HARDENED_CONFIG, ...args],
    env: { ...DEFAULT_IDENTITY, ...inherited, ...options.env, ...HARDENED_ENV },
  };
}
