// The page: hostile log text never reaches it unescaped, secrets and emails never reach it at
// all (unless redaction is turned off), and its headline figures are summary.json's.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../src/audit.js';
import { parseAuditConfig } from '../../src/config/audit.js';
import { findLogFiles } from '../../src/ingest/read.js';
import { buildReportModel } from '../../src/report/model.js';
import { formatPercent, formatTokens, formatUsd, renderReport } from '../../src/report/render.js';

const HOSTILE = [
  {
    request_id: 'h1',
    timestamp: '2026-11-20T08:00:00Z',
    feature: '<b>x</b>',
    model: 'gpt-4o',
    messages: [{ role: 'user', content: '<script>alert(1)</script> mail jane.doe@example.com key sk-proj-abcdefghijklmnop1234 card 4111 1111 1111 1111' }],
    output: '<img src=x onerror=alert(2)>',
    status: 'error',
    usage: { input_tokens: 40, output_tokens: 0 },
  },
  { request_id: 'h2', timestamp: '2026-11-20T08:01:00Z', feature: 'plain', model: 'gpt-4o', messages: [{ role: 'user', content: 'hello' }], output: 'hi' },
];

type Summary = Awaited<ReturnType<typeof runAudit>>['summary'];

async function page(config: unknown = {}, adjust: (summary: Summary) => Summary = (summary) => summary): Promise<{ html: string; summary: Summary }> {
  const file = join(mkdtempSync(join(tmpdir(), 'tokenaudit-report-')), 'hostile.jsonl');
  writeFileSync(file, HOSTILE.map((line) => JSON.stringify(line)).join('\n'));
  const parsed = parseAuditConfig(config);
  const run = await runAudit({ files: findLogFiles([file]), config: parsed, format: 'auto', threads: 2 });
  try {
    const summary = adjust(run.summary);
    return { html: renderReport(await buildReportModel(run.db, summary, parsed.report)), summary };
  } finally {
    run.db.close();
  }
}

describe('the report page', () => {
  it('escapes every string from the logs', async () => {
    const { html } = await page();
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain('<b>x</b>');
    expect(html).not.toMatch(/<img/i);
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;');
  });

  it('never shows emails, keys or card numbers from prompts', async () => {
    const { html } = await page();
    expect(html).toContain('[redacted email]');
    for (const secret of ['jane.doe@example.com', 'sk-proj-abcdefghijklmnop1234', '4111 1111 1111 1111']) expect(html).not.toContain(secret);
  });

  it('shows the text as it was when redaction is turned off, still escaped', async () => {
    const { html } = await page({ report: { redact: false } });
    expect(html).toContain('jane.doe@example.com');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/<script/i);
  });

  it('shows no excerpt with report.excerpts: 0', async () => {
    const { html } = await page({ report: { excerpts: 0 } });
    expect(html).toContain('Excerpts are turned off');
    expect(html).not.toContain('[redacted email]');
  });

  it('has the headline figures of summary.json', async () => {
    const { html, summary } = await page();
    const figure = (name: string) => html.match(new RegExp(`data-figure="${name}">([^<]*)<`))?.[1];
    expect(figure('costUsd')).toBe(formatUsd(summary.totals.costUsd));
    expect(figure('wasteCostUsd')).toBe(formatUsd(summary.totals.wasteCostUsd));
    expect(figure('wasteRatio')).toBe(formatPercent(summary.totals.wasteRatio));
    // h1 is a failed request: 40 tokens × $2.50 per MTok wasted of $0.000100 + h2's cost
    expect(summary.totals.wasteCostUsd).toBeCloseTo(0.0001, 12);
  });

  it('counts rows with thousands separated and says every warning of the run, escaped', async () => {
    const { html } = await page({}, (summary) => ({
      ...summary,
      input: { ...summary.input, rowsRead: 1234567, rowsLoaded: 1234000, rowsAlreadyLoaded: 560, rowsQuarantined: 7 },
      warnings: ["the config's <fields> changed"],
    }));
    const cell = (label: string) => html.match(new RegExp(`<th>${label}</th><td class="num">([^<]*)<`))?.[1];
    expect([cell('Rows read'), cell('Rows loaded'), cell('Rows already loaded \\(same request_id\\)'), cell('Rows quarantined')]).toEqual(['1,234,567', '1,234,000', '560', '7']);
    expect(html).toContain('<strong>Warning:</strong> the config&#x27;s &lt;fields&gt; changed');
  });
});

describe('numbers for people', () => {
  it.each([
    [1234.5, '$1,234.50'],
    [0.5, '$0.50'],
    [0.00042, '$0.00042'],
    [0.0000123, '$0.000012'],
    [0, '$0.00'],
  ])('formats %f USD as %s', (value, text) => {
    expect(formatUsd(value)).toBe(text);
  });

  it('separates thousands in tokens and gives percentages one decimal', () => {
    expect(formatTokens(3549844)).toBe('3,549,844');
    expect(formatPercent(0.2571)).toBe('25.7%');
  });
});
