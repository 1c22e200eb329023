/**
 * Renders a search snippet. The server may mark matches with <b>/<mark>/<em> or with
 * the FTS5-style markers; only those are kept, everything else is shown as text.
 */
export function Snippet({ text, className }: { text: string; className?: string }) {
  const parts: { t: string; hit: boolean }[] = [];
  const re = /<(b|mark|em|strong)>(.*?)<\/\1>|\[\[(.*?)\]\]/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    if (m.index > last) parts.push({ t: text.slice(last, m.index), hit: false });
    parts.push({ t: m[2] ?? m[3] ?? '', hit: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push({ t: text.slice(last), hit: false });
  return (
    <div className={className}>
      {parts.map((p, i) => (p.hit ? <mark key={i}>{p.t}</mark> : <span key={i}>{p.t.replace(/<[^>]+>/g, '')}</span>))}
    </div>
  );
}
