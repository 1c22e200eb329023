import { GitWorkspace } from './git-workspace.js';
import type { PushTurns } from './push-turns.js';

/**
 * One `GitWorkspace` per repository and branch for this process, created on first use.
 * @example const ws = pool.get('file:///srv/dev.git', 'main'); await pool.close();
 */
export class WorkspacePool {
  readonly #root: string;
  readonly #pushAttempts: number;
  readonly #turns: PushTurns | undefined;
  readonly #workspaces = new Map<string, GitWorkspace>();

  constructor(options: { root: string; pushAttempts?: number; turns?: PushTurns }) {
    this.#root = options.root;
    this.#pushAttempts = options.pushAttempts ?? 10;
    this.#turns = options.turns;
  }

  get(url: string, branch: string): GitWorkspace {
    const key = `${url}#${branch}`;
    let workspace = this.#workspaces.get(key);
    if (!workspace) {
      workspace = new GitWorkspace({ root: this.#root, url, branch, pushAttempts: this.#pushAttempts, ...(this.#turns ? { turns: this.#turns } : {}) });
      this.#workspaces.set(key, workspace);
    }
    return workspace;
  }

  async close(): Promise<void> {
    const all = [...this.#workspaces.values()];
    this.#workspaces.clear();
    await Promise.all(all.map(workspace => workspace.close()));
  }
}
