import { ASPECTS, rankOf, type AspectId, type LevelId } from './maturity-model.js';

/** One series on the radar: a level per aspect. */
export interface RadarSeries {
  label: string;
  levels: Partial<Record<AspectId, LevelId>>;
  colour: string;
}

const f = (n: number) => n.toFixed(1);

/**
 * A radar chart of the five aspects as a self-contained SVG string (rings for levels 1–4, one polygon per
 * series). Only numbers and the model's own names go into it, so it is safe to inline. Used by the report
 * (HTML, PDF) and the portal.
 */
export function radarSvg(series: readonly RadarSeries[], size = 320): string {
  const c = size / 2;
  const r = size / 2 - 64;
  const angle = (i: number) => -Math.PI / 2 + (i * 2 * Math.PI) / ASPECTS.length;
  const point = (i: number, rank: number) => [c + Math.cos(angle(i)) * (r * rank) / 4, c + Math.sin(angle(i)) * (r * rank) / 4] as const;
  const rings = [1, 2, 3, 4].map(rank => `<polygon points="${ASPECTS.map((_, i) => point(i, rank).map(f).join(',')).join(' ')}" fill="none" stroke="#c8ccd4" stroke-width="1"/>`);
  const axes = ASPECTS.map((a, i) => {
    const [x, y] = point(i, 4);
    const [lx, ly] = point(i, 4.9);
    return `<line x1="${c}" y1="${c}" x2="${f(x)}" y2="${f(y)}" stroke="#c8ccd4"/><text x="${f(lx)}" y="${f(ly)}" font-size="12" text-anchor="middle" dominant-baseline="middle" fill="#333">${a.title}</text>`;
  });
  const polygons = series.map(s => {
    const points = ASPECTS.map((a, i) => point(i, s.levels[a.id] ? rankOf(s.levels[a.id]!) : 0).map(f).join(',')).join(' ');
    return `<polygon points="${points}" fill="${s.colour}" fill-opacity="0.2" stroke="${s.colour}" stroke-width="2"><title>${s.label.replace(/[<>&"]/g, '')}</title></polygon>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" width="${size}" height="${size}" role="img" aria-label="Maturity radar chart">${rings.join('')}${axes.join('')}${polygons.join('')}</svg>`;
}
