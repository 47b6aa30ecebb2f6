// --format auto on one folder holding every format's fixture: each file is read by its own
// adapter, the summary says how many rows each read, a record no adapter knows is quarantined,
// and the folder costs exactly what its files cost audited one by one (figures from each
// adapter's own hand-computed test).
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, type AuditRun } from '../../src/audit.js';
import { parseAuditConfig } from '../../src/config/audit.js';
import { findLogFiles } from '../../src/ingest/read.js';

const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;

describe('a folder of mixed formats', () => {
  let run: AuditRun;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokenaudit-mixed-'));
    for (const path of ['canonical/basic.jsonl', 'openai/chat-and-responses.jsonl', 'anthropic/messages.jsonl', 'litellm/spend-logs.jsonl', 'helicone/requests.jsonl', 'langfuse/observations.jsonl', 'otel/traces.jsonl', 'openai-batch/batch-1', 'claude-code/projects']) {
      cpSync(join(FIXTURES, path), join(dir, path), { recursive: true });
    }
    writeFileSync(join(dir, 'unknown.jsonl'), '{"prompt":"hi","completion":"hello","tokens":3}\n');
    run = await runAudit({ files: findLogFiles([dir]), config: parseAuditConfig({}), format: 'auto', threads: 2 });
  });
  afterAll(() => run.db.close());

  it('reads each file with its adapter and says how many rows each read', () => {
    expect(run.load.rowsByFormat).toEqual({
      canonical: 6,
      openai: 5,
      anthropic: 5,
      litellm: 5,
      helicone: 5,
      langfuse: 3,
      otel: 3,
      'openai-batch': 3,
      'claude-code': 5,
    });
    expect(run.load.quarantineByReason['unrecognized format']).toBe(1);
    expect(run.load.rowsRead).toBe(run.load.rowsLoaded + run.load.rowsQuarantined + run.load.rowsAlreadyLoaded);
  });

  it('counts a call logged by both the gateway and the provider once', async () => {
    // The Anthropic log and the LiteLLM log both hold msg_01XFDUDYJgAACzvnptvVoYEL: the first
    // file read (anthropic/) keeps it; the LiteLLM sighting is already loaded.
    const rows = await run.db.readSql<{ format: string }>("select format from requests where request_id = 'msg_01XFDUDYJgAACzvnptvVoYEL'");
    expect(rows).toEqual([{ format: 'anthropic' }]);
    expect(run.load.rowsAlreadyLoaded).toBe(1 + 1 + 1); // basic.jsonl's r-1 twice, Claude Code's resumed copy, the LiteLLM sighting
  });

  it('costs the sum of its files audited one by one, less the LiteLLM copy of the shared call', () => {
    // canonical, openai, anthropic, litellm, helicone, langfuse, otel, openai-batch, claude-code
    const perFile = [0.016496, 0.0175828, 0.04501, 0.02527, 0.0359032, 0.016426, 0.0164032, 0.00000915, 0.009239];
    const litellmCopy = 0.01065; // its claude-sonnet-4-5 line: 1,000 × $3 + 3,000 × $0.30 + 1,000 × $3.75 + 200 × $15
    expect(run.summary.totals.costUsd).toBeCloseTo(perFile.reduce((a, b) => a + b, 0) - litellmCopy, 10);
  });
});
