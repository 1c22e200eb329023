import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { getDestination, repositoryPath, type DestinationSummary } from '../repositories/repositoriesApi';

/**
 * Commit ids and file paths on a request's page, linked to the destination they are in: its pages in the
 * repositories view when Pave can show it (a repository on its machine, and the reader sees that folder),
 * the provider's page for a commit of a remote one whose web page is known, plain text otherwise.
 */
type Sight = ReadonlyMap<string, DestinationSummary | null>;

const SightContext = createContext<Sight>(new Map());

/** Reads, once per destination named, whether and where it can be shown (a refusal or error: plain text). */
export function DestinationSight({ names, children }: { names: readonly string[]; children: ReactNode }) {
  const [sight, setSight] = useState<Sight>(new Map());
  const key = [...new Set(names)].sort().join('\n');
  useEffect(() => {
    const controller = new AbortController();
    const wanted = key ? key.split('\n') : [];
    void Promise.all(wanted.map((name) => getDestination(name, undefined, controller.signal).catch(() => null))).then((found) => {
      if (!controller.signal.aborted) setSight(new Map(wanted.map((name, i) => [name, found[i] ?? null])));
    });
    return () => controller.abort();
  }, [key]);
  return <SightContext.Provider value={sight}>{children}</SightContext.Provider>;
}

/** A commit of a destination: its page in the portal, the provider's commit page, or plain text. */
export function CommitLink({ destination, commit, full = false }: { destination: string; commit: string; full?: boolean }) {
  const summary = useContext(SightContext).get(destination);
  const text = (
    <code className="small-code" title={commit}>
      {full ? commit : commit.slice(0, 12)}
    </code>
  );
  if (summary?.browsable) return <Link to={repositoryPath({ kind: 'destination', name: destination }, { view: 'commit', path: commit })} data-testid="commit-link">{text}</Link>;
  if (summary?.webUrl) return <a href={`${summary.webUrl}/commit/${encodeURIComponent(commit)}`} target="_blank" rel="noreferrer">{text}</a>;
  return text;
}

/** A folder or file of a destination (at a commit, or its branch): its page in the portal, or plain text. */
export function PathLink({ destination, path, view, at }: { destination: string; path: string; view: 'tree' | 'blob'; at?: string }) {
  const summary = useContext(SightContext).get(destination);
  const text = <span className="mono small">{path}</span>;
  if (!summary?.browsable) return text;
  return <Link to={repositoryPath({ kind: 'destination', name: destination }, { view, path, ...(at ? { ref: at } : {}) })} data-testid="path-link">{text}</Link>;
}
