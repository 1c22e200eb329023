import type { Destination, Run } from './model/types.js';
import { webUrlOf } from './destination-browsing.js';

/**
 * What readers see of where destinations live (SECURITY.md §27). A destination's repository on the machine Pave runs
 * on is named by a server path (`/srv/gitops.git`, `file://…`), which, as hosted repositories' folders, only the
 * platform team (who may change destinations, `platform.destination.write`) sees; anyone else gets the destination
 * without its URL (they browse it at `/api/platform/destinations/:name/repository`). A remote repository's URL is
 * where it is hosted and stays shown.
 */
export function destinationForReader(destination: Destination): Destination {
  if (!hidden(destination.spec.git.url)) return destination;
  const { url: _url, ...git } = destination.spec.git;
  return { ...destination, spec: { ...destination.spec, git: git as Destination['spec']['git'] } };
}

/** A run whose commits went to destinations on this machine, without their server paths (see `destinationForReader`). */
export function runForReader(run: Run): Run {
  if (!run.commits.some(c => hidden(c.url))) return run;
  return { ...run, commits: run.commits.map(({ url, ...commit }) => (hidden(url) ? (commit as Run['commits'][number]) : { ...commit, url })) };
}

/** Not a recognisable remote repository (so a server path, or something else Pave should not repeat to readers). */
function hidden(url: string | undefined): boolean {
  return url !== undefined && webUrlOf(url) === undefined;
}
