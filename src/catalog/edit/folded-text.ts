/**
 * Folds `text` into lines the way `oldLines` (the lines of a folded block scalar, `>`) fold its old text:
 * breaks before and after the edited stretch stay where they were, so an edit of one word changes only
 * the line that holds it. A line the edit made longer than the widest old line (or 80 characters) is wrapped at spaces.
 * Every break sits on a single space between two words, which is what folding turns back into a space.
 * @example refoldLike(['Takes paymnets from every', 'till.'], 'Takes payments from every till.') // ['Takes payments from every', 'till.']
 */
export function refoldLike(oldLines: readonly string[], text: string): string[] {
  const width = Math.max(80, ...oldLines.map(line => line.length));
  if (oldLines.some(line => line === '' || /^\s|\s$/.test(line))) return wrap(text, width);
  const old = oldLines.join(' ');
  let prefix = 0;
  while (prefix < old.length && prefix < text.length && old[prefix] === text[prefix]) prefix++;
  let suffix = 0;
  while (suffix < Math.min(old.length, text.length) - prefix && old[old.length - 1 - suffix] === text[text.length - 1 - suffix]) suffix++;
  const breaks: number[] = [];
  let at = -1;
  for (const line of oldLines.slice(0, -1)) {
    at += line.length + 1;
    const moved = at < prefix ? at : at >= old.length - suffix ? at + text.length - old.length : undefined;
    if (moved !== undefined && isFoldPoint(text, moved)) breaks.push(moved);
  }
  const lines: string[] = [];
  let start = 0;
  for (const point of [...breaks, text.length]) {
    lines.push(...wrap(text.slice(start, point), width));
    start = point + 1;
  }
  return lines;
}

function isFoldPoint(text: string, at: number): boolean {
  return text[at] === ' ' && /\S/.test(text[at - 1] ?? '') && /\S/.test(text[at + 1] ?? '');
}

/** Wraps a line longer than `width` at single spaces between words (a line that is short enough stays whole). */
function wrap(line: string, width: number): string[] {
  const lines: string[] = [];
  let rest = line;
  while (rest.length > width) {
    let cut = -1;
    for (let i = 1; i < rest.length - 1; i++) {
      if (isFoldPoint(rest, i) && (i <= width || cut < 0)) cut = i;
      if (i > width && cut >= 0) break;
    }
    if (cut < 0) break;
    lines.push(rest.slice(0, cut));
    rest = rest.slice(cut + 1);
  }
  return [...lines, rest];
}
