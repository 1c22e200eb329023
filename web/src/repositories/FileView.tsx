import { formatSize, type BlobView } from './repositoriesApi';

/**
 * One file at a ref: its text with line numbers, the target of a symbolic link (never followed), or
 * why it is not shown (binary, too large, a submodule).
 */
export function FileView({ blob }: { blob: BlobView }) {
  const lines = blob.content !== undefined && blob.type === 'blob' ? blob.content.replace(/\n$/, '').split('\n') : undefined;
  return (
    <section className="card repo-file" aria-labelledby="file-title" data-testid="repo-file">
      <div className="card-head">
        <h2 id="file-title" className="repo-card-title mono">
          {blob.path.split('/').pop()}
        </h2>
        <span className="muted small">
          {blob.type === 'symlink' ? 'symbolic link' : blob.type === 'submodule' ? 'submodule' : `${lines ? `${lines.length} lines · ` : ''}${formatSize(blob.size)}`}
        </span>
      </div>
      {blob.type === 'symlink' ? (
        <p>
          Points to <code className="break">{blob.content}</code> (links are shown, never followed).
        </p>
      ) : blob.type === 'submodule' ? (
        <p className="muted">A submodule: another repository, pinned at a commit.</p>
      ) : blob.truncated ? (
        <p className="muted">This file is too large to show here ({formatSize(blob.size)}). Clone the repository to read it.</p>
      ) : blob.binary ? (
        <p className="muted">A binary file ({formatSize(blob.size)}): not shown as text.</p>
      ) : (
        <pre className="code repo-code" tabIndex={0} aria-label={`Contents of ${blob.path}`}>
          {lines!.map((line, i) => (
            <span key={i} className="repo-line">
              {line}
              {'\n'}
            </span>
          ))}
        </pre>
      )}
    </section>
  );
}
