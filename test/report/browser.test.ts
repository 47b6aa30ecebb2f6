// The demo report in a real headless Chromium: no console error, no network request, every
// section and feature present; a screenshot is saved to reports/screenshot.png.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { writeSample } from '../../samples/generator.js';
import { runAudit } from '../../src/audit.js';
import { parseAuditConfig } from '../../src/config/audit.js';
import { loadScenarioFile } from '../../src/config/scenarios.js';
import { findLogFiles } from '../../src/ingest/read.js';
import { buildReportModel } from '../../src/report/model.js';
import { renderReport } from '../../src/report/render.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = new URL('../..', import.meta.url).pathname;
const SECTIONS = ['headline', 'features', 'waste-categories', 'scenarios', 'days', 'models', 'latency', 'patterns', 'data-quality', 'settings'];

describe.skipIf(!existsSync(CHROMIUM))('the report in a browser (needs Debian chromium at /usr/bin/chromium)', () => {
  it('opens with no console error and no network request, every section and feature present', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenaudit-browser-'));
    await writeSample({ outDir: dir, requests: 300, seed: 7, profile: 'default' });
    const config = parseAuditConfig({});
    const run = await runAudit({ files: findLogFiles([join(dir, 'logs')]), config, scenarios: loadScenarioFile(join(ROOT, 'samples/scenarios.yaml')), format: 'auto', threads: 2 });
    const reportPath = join(dir, 'report.html');
    try {
      writeFileSync(reportPath, renderReport(await buildReportModel(run.db, run.summary, config.report)));
    } finally {
      run.db.close();
    }
    const browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'tokenaudit-chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-quic', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1280, height: 900 },
    });
    try {
      const page = await browser.newPage();
      const consoleErrors: string[] = [];
      const requests: string[] = [];
      page.on('console', (message) => message.type() === 'error' && consoleErrors.push(message.text()));
      page.on('pageerror', (error) => consoleErrors.push(error.message));
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(`file://${reportPath}`);
      expect(consoleErrors).toEqual([]);
      expect(requests).toEqual([`file://${reportPath}`]);
      for (const id of SECTIONS) expect(await page.locator(`#${id}`).count(), id).toBe(1);
      const text = await page.locator('#features').innerText();
      for (const feature of run.summary.features) expect(text).toContain(feature.feature);
      mkdirSync(join(ROOT, 'reports'), { recursive: true });
      await page.screenshot({ path: join(ROOT, 'reports/screenshot.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
