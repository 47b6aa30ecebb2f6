// Writes the machine-readable outputs beside the report: summary.json, features.csv and
// requests.parquet.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { querySql, type Database } from '../db.js';
import { WASTE_CATEGORIES, type Summary } from './summary.js';

export function summaryJson(summary: Summary): string {
  return `${JSON.stringify(summary, null, 2)}\n`;
}

/** RFC 4180 quoting; a leading = + - @ is prefixed with ' so spreadsheets do not run it. */
export function csvCell(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One row per feature, one column per waste category (USD), for spreadsheets. */
export function featuresCsv(summary: Summary): string {
  const header = ['feature', 'requests', 'cost_usd', 'waste_tokens', 'waste_cost_usd', 'waste_ratio', ...WASTE_CATEGORIES.map((c) => `${c}_usd`)];
  const rows = summary.features.map((feature) => [
    feature.feature,
    feature.requests,
    feature.costUsd,
    feature.wasteTokens,
    feature.wasteCostUsd,
    feature.wasteRatio,
    ...WASTE_CATEGORIES.map((category) => feature.wasteByCategory[category].costUsd),
  ]);
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

export async function writeRequestsParquet(db: Database, path: string): Promise<void> {
  await db.run(`copy (${querySql('requests_export')}) to '${path.replace(/'/g, "''")}' (format parquet)`);
}

export async function writeOutputs(db: Database, summary: Summary, outDir: string): Promise<void> {
  writeFileSync(join(outDir, 'summary.json'), summaryJson(summary));
  writeFileSync(join(outDir, 'features.csv'), featuresCsv(summary));
  await writeRequestsParquet(db, join(outDir, 'requests.parquet'));
}
