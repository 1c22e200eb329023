import type { SearchSnippet } from '../lib/api';

/**
 * A search snippet as the server cut it: plain runs and matching runs, each shown as text (never as
 * markup), the matches marked.
 */
export function Snippet({ snippet, className }: { snippet: SearchSnippet; className?: string }) {
  return (
    <div className={className}>
      {snippet.docs ? <span className="snippet-where">Docs · {snippet.docs.heading}: </span> : null}
      {snippet.parts.map((part, i) => (part.match ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}
    </div>
  );
}
