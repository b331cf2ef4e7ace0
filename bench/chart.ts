import type { BenchRow } from './bench-row';

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The benchmark table as a small SVG bar chart: each row's ratio against its
 * goal line, green when it passes. Ratios are drawn on a log scale so that
 * 0.2× and 5× are equally far from 1×.
 */
export function renderChart(rows: BenchRow[], meta: { quick: boolean; date: string }): string {
  const rowHeight = 28;
  const left = 230;
  const width = 720;
  const plot = width - left - 90;
  const height = 50 + rows.length * rowHeight + 30;
  const min = Math.log10(0.05);
  const max = Math.log10(20);
  const x = (ratio: number) => left + ((Math.log10(Math.min(Math.max(ratio, 0.05), 20)) - min) / (max - min)) * plot;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`);
  parts.push(`<rect width="100%" height="100%" fill="white"/>`);
  parts.push(`<text x="10" y="20" font-size="14" font-weight="bold">Flywheel benchmarks: ours / baseline (same run)${meta.quick ? ' — quick run' : ''}, ${escape(meta.date)}</text>`);
  for (const tick of [0.1, 0.5, 1, 2, 10]) {
    parts.push(`<line x1="${x(tick)}" y1="35" x2="${x(tick)}" y2="${height - 25}" stroke="#ddd"/>`);
    parts.push(`<text x="${x(tick)}" y="${height - 10}" text-anchor="middle" fill="#666">${tick}×</text>`);
  }
  rows.forEach((row, index) => {
    const y = 45 + index * rowHeight;
    const colour = row.pass ? '#2e7d32' : '#c62828';
    parts.push(`<text x="10" y="${y + 14}">${escape(row.name)}</text>`);
    parts.push(`<rect x="${x(0.05)}" y="${y + 3}" width="${Math.max(1, x(row.ratio) - x(0.05))}" height="16" fill="${colour}" opacity="0.8"/>`);
    parts.push(`<line x1="${x(row.goal)}" y1="${y}" x2="${x(row.goal)}" y2="${y + 22}" stroke="black" stroke-dasharray="3,2"/>`);
    parts.push(`<text x="${width - 85}" y="${y + 14}">${row.ratio.toFixed(2)}× ${row.better === 'higher' ? '≥' : '≤'} ${row.goal}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
