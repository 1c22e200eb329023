import type { Assessment } from './assessment.js';
import { ASPECTS, LEVELS, MODEL_CREDIT, rankOf } from './maturity-model.js';
import { radarSvg } from './radar-chart.js';

const title = (level: string) => LEVELS.find(l => l.id === level)?.title ?? level;
const escape = (text: string) => text.replace(/[&<>"']/g, ch => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/** How each aspect moved since the previous assessment: +1, 0, −1 … levels. */
export function changes(current: Assessment, previous?: Assessment): Array<{ aspect: string; from?: string; to: string; delta: number }> {
  return current.aspects.map(a => {
    const before = previous?.aspects.find(p => p.aspect === a.aspect);
    return { aspect: a.aspect, ...(before ? { from: before.level } : {}), to: a.level, delta: before ? rankOf(a.level) - rankOf(before.level) : 0 };
  });
}

/** The assessment as Markdown: levels, change since the previous one, evidence with sources, missing evidence, the credit. */
export function reportMarkdown(current: Assessment, previous?: Assessment): string {
  const moved = changes(current, previous);
  const lines = [`# Platform maturity assessment — ${current.assessedAt.slice(0, 10)}`, '', `Assessed by ${current.assessor}.${current.note ? ` ${current.note}` : ''}`, ''];
  lines.push('| Aspect | Level | Suggested from evidence | Change since last |', '|---|---|---|---|');
  for (const aspect of ASPECTS) {
    const a = current.aspects.find(x => x.aspect === aspect.id)!;
    const m = moved.find(x => x.aspect === aspect.id)!;
    lines.push(`| ${aspect.title} | ${title(a.level)} (${rankOf(a.level)}) | ${a.suggested ? title(a.suggested) : '—'}${a.overridden ? ' (overridden)' : ''} | ${previous ? (m.delta > 0 ? `▲ from ${title(m.from!)}` : m.delta < 0 ? `▼ from ${title(m.from!)}` : 'unchanged') : 'first assessment'} |`);
  }
  for (const aspect of ASPECTS) {
    const a = current.aspects.find(x => x.aspect === aspect.id)!;
    lines.push('', `## ${aspect.title}: ${title(a.level)}`, '', `*${aspect.question}* ${aspect.levels[a.level]}`);
    if (a.note) lines.push('', `Assessor's note: ${a.note}`);
    if (a.evidence.length) lines.push('', 'Evidence:', ...a.evidence.map(e => `- **${e.title}**: ${e.value} _(source: ${e.source})_`));
    if (a.missing.length) lines.push('', 'Missing evidence:', ...a.missing.map(m => `- ${m.title} — from ${m.from}`));
  }
  lines.push('', '---', '', MODEL_CREDIT, '');
  return lines.join('\n');
}

/** The assessment as a printable HTML page (what the PDF is rendered from): the same content with the radar chart. */
export function reportHtml(current: Assessment, previous?: Assessment): string {
  const moved = changes(current, previous);
  const radar = radarSvg([...(previous ? [{ label: `Previous (${previous.assessedAt.slice(0, 10)})`, levels: levelsOf(previous), colour: '#8a94a6' }] : []), { label: `This assessment (${current.assessedAt.slice(0, 10)})`, levels: levelsOf(current), colour: '#1f6feb' }]);
  const rows = ASPECTS.map(aspect => {
    const a = current.aspects.find(x => x.aspect === aspect.id)!;
    const m = moved.find(x => x.aspect === aspect.id)!;
    const change = previous ? (m.delta > 0 ? `▲ from ${title(m.from!)}` : m.delta < 0 ? `▼ from ${title(m.from!)}` : 'unchanged') : 'first assessment';
    return `<tr><td>${aspect.title}</td><td>${title(a.level)} (${rankOf(a.level)})</td><td>${a.suggested ? title(a.suggested) : '—'}${a.overridden ? ' (overridden)' : ''}</td><td>${change}</td></tr>`;
  });
  const sections = ASPECTS.map(aspect => {
    const a = current.aspects.find(x => x.aspect === aspect.id)!;
    return `<section><h2>${aspect.title}: ${title(a.level)}</h2><p><em>${escape(aspect.question)}</em> ${escape(aspect.levels[a.level])}</p>${a.note ? `<p>Assessor's note: ${escape(a.note)}</p>` : ''}${
      a.evidence.length ? `<ul>${a.evidence.map(e => `<li><strong>${escape(e.title)}</strong>: ${escape(e.value)} <small>(source: ${escape(e.source)})</small></li>`).join('')}</ul>` : ''
    }${a.missing.length ? `<p>Missing evidence:</p><ul>${a.missing.map(m => `<li>${escape(m.title)} — from ${escape(m.from)}</li>`).join('')}</ul>` : ''}</section>`;
  });
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Platform maturity assessment ${current.assessedAt.slice(0, 10)}</title><style>
body{font-family:system-ui,sans-serif;margin:2em;color:#1b1f24}table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:4px 8px;text-align:left}small{color:#57606a}footer{margin-top:2em;font-size:.85em;color:#57606a}
</style></head><body><h1>Platform maturity assessment — ${current.assessedAt.slice(0, 10)}</h1><p>Assessed by ${escape(current.assessor)}.${current.note ? ` ${escape(current.note)}` : ''}</p>${radar}<table><thead><tr><th>Aspect</th><th>Level</th><th>Suggested from evidence</th><th>Change since last</th></tr></thead><tbody>${rows.join('')}</tbody></table>${sections.join('')}<footer>${escape(MODEL_CREDIT)}</footer></body></html>`;
}

function levelsOf(assessment: Assessment) {
  return Object.fromEntries(assessment.aspects.map(a => [a.aspect, a.level]));
}
