// Server-rendered inline SVG charts for the report: no script, no external request. Every
// label is escaped here because the SVG is inserted into the page as trusted markup.

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export interface StackedRow {
  label: string;
  /** One value per series, in series order. */
  values: number[];
}

export interface Series {
  name: string;
  color: string;
}

const LABEL_WIDTH = 170;
const BAR_HEIGHT = 18;
const GAP = 8;

/** Horizontal stacked bars, one row per label, with a legend; `format` labels the row totals. */
export function stackedBars(rows: StackedRow[], series: Series[], format: (value: number) => string, width = 720): string {
  const max = Math.max(0, ...rows.map((row) => row.values.reduce((a, b) => a + b, 0)));
  const plotWidth = width - LABEL_WIDTH - 90;
  const parts: string[] = [];
  // The legend wraps onto as many rows as it needs.
  let legendX = 0;
  let legendY = 4;
  for (const s of series) {
    const itemWidth = 14 + s.name.length * 6.5 + 14;
    if (legendX > 0 && legendX + itemWidth > width) {
      legendX = 0;
      legendY += 18;
    }
    parts.push(`<rect x="${legendX}" y="${legendY}" width="10" height="10" fill="${s.color}"/><text x="${legendX + 14}" y="${legendY + 9}" class="legend">${escapeXml(s.name)}</text>`);
    legendX += itemWidth;
  }
  const legendHeight = legendY + 18;
  const height = legendHeight + rows.length * (BAR_HEIGHT + GAP) + GAP;
  rows.forEach((row, i) => {
    const y = legendHeight + GAP + i * (BAR_HEIGHT + GAP);
    parts.push(`<text x="${LABEL_WIDTH - 6}" y="${y + 13}" text-anchor="end">${escapeXml(truncate(row.label, 26))}</text>`);
    let x = LABEL_WIDTH;
    row.values.forEach((value, j) => {
      const w = max > 0 ? (value / max) * plotWidth : 0;
      if (w > 0) parts.push(`<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${BAR_HEIGHT}" fill="${series[j]!.color}"><title>${escapeXml(`${row.label} · ${series[j]!.name}: ${format(value)}`)}</title></rect>`);
      x += w;
    });
    const total = row.values.reduce((a, b) => a + b, 0);
    parts.push(`<text x="${(x + 6).toFixed(1)}" y="${y + 13}">${escapeXml(format(total))}</text>`);
  });
  return svg(width, height, parts);
}

/** Vertical bars over a sequence (e.g. days), labelled under each bar. */
export function columnChart(points: Array<{ label: string; value: number }>, color: string, format: (value: number) => string, width = 720, height = 180): string {
  const max = Math.max(0, ...points.map((p) => p.value));
  const bottom = height - 22;
  const slot = points.length > 0 ? (width - 20) / points.length : 0;
  const barWidth = Math.max(2, Math.min(48, slot * 0.7));
  const parts = points.map((point, i) => {
    const h = max > 0 ? (point.value / max) * (bottom - 18) : 0;
    const x = 10 + i * slot + (slot - barWidth) / 2;
    const label = points.length <= 16 || i % Math.ceil(points.length / 16) === 0 ? `<text x="${(x + barWidth / 2).toFixed(1)}" y="${height - 6}" text-anchor="middle" class="tick">${escapeXml(point.label)}</text>` : '';
    return `<rect x="${x.toFixed(1)}" y="${(bottom - h).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${h.toFixed(1)}" fill="${color}"><title>${escapeXml(`${point.label}: ${format(point.value)}`)}</title></rect>${label}`;
  });
  return svg(width, height, parts);
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function svg(width: number, height: number, parts: string[]): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" class="chart">${parts.join('')}</svg>`;
}
