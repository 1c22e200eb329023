import type { RepositoryUrls } from '../../../src/repositories/repository-views.js';
import { CopyButton } from '../components/CopyButton';

/** One copyable command. */
function Command({ label, command }: { label: string; command: string }) {
  return (
    <div className="repo-clone-command">
      <span className="small muted">{label}</span>
      <div className="repo-clone-row">
        <code className="break">{command}</code>
        <CopyButton text={command} label={`Copy: ${label}`} className="btn small-btn" />
      </div>
    </div>
  );
}

/**
 * How to get the code: over HTTP (read-only; git asks for a user name and password: any name, an API
 * token as the password), or, for admins (the server only tells them where it keeps its data), from the
 * folder on the machine Pave runs on.
 */
export function ClonePanel({ urls, name }: { urls: RepositoryUrls; name: string }) {
  const folder = name.split('/').pop()!;
  return (
    <section className="card repo-clone" aria-labelledby="clone-title" data-testid="repo-clone">
      <h2 id="clone-title" className="repo-card-title">
        Clone
      </h2>
      <Command label="Over HTTP (read-only)" command={`git clone ${urls.httpClone} ${folder}`} />
      <p className="small muted">
        Git asks for a user name and password: any user name, and an API token (<code>pave auth token create</code>) as the password.
      </p>
      {urls.fileClone ? <Command label="On the machine Pave runs on" command={`git clone ${urls.fileClone} ${folder}`} /> : null}
    </section>
  );
}
