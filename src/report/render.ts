// Renders report.html from reports/templates/ with handlebars: one partial per section. Every
// log-derived string goes through handlebars' escaping ({{ }}); only our own CSS and the SVG
// charts (escaped in charts.ts) are inserted raw.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Handlebars from 'handlebars';
import type { AuditConfig } from '../config/audit.js';
import { repoRoot, type Database } from '../db.js';
import { buildReportModel } from './model.js';
import type { Summary } from './summary.js';

export { formatMs, formatPercent, formatTokens, formatUsd } from './format.js';

function templates(): { main: HandlebarsTemplateDelegate; css: string } {
  const dir = join(repoRoot(), 'reports', 'templates');
  const engine = Handlebars.create();
  for (const file of readdirSync(join(dir, 'partials'))) {
    if (file.endsWith('.hbs')) engine.registerPartial(basename(file, '.hbs'), readFileSync(join(dir, 'partials', file), 'utf8'));
  }
  return { main: engine.compile(readFileSync(join(dir, 'report.hbs'), 'utf8'), { strict: true }), css: readFileSync(join(dir, 'report.css'), 'utf8') };
}

export function renderReport(model: Record<string, unknown>): string {
  const { main, css } = templates();
  return main({ ...model, css });
}

export async function writeReport(db: Database, summary: Summary, report: AuditConfig['report'], path: string): Promise<void> {
  writeFileSync(path, renderReport(await buildReportModel(db, summary, report)));
}
