// The token stage counts the (text, encoding) pairs it is missing, kept in a temp table while it
// streams their texts, and then checks against that table that each has its count.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, type AuditRun } from '../../src/audit.js';
import { parseAuditConfig } from '../../src/config/audit.js';
import { findLogFiles } from '../../src/ingest/read.js';
import { countTokensReference } from '../../src/tokenize/count.js';
import { assertAllCounted, countMissingTexts } from '../../src/tokenize/stage.js';

describe('counting the texts not counted yet', () => {
  let run: AuditRun;

  beforeAll(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tokenaudit-missing-')), 'logs.jsonl');
    const lines = Array.from({ length: 12 }, (_, i) =>
      JSON.stringify({
        request_id: `r${i}`,
        timestamp: new Date(Date.parse('2026-11-20T08:00:00Z') + i * 60_000).toISOString(),
        model: 'gpt-4o',
        messages: [{ role: 'system', content: 'You help with invoices.' }, { role: 'user', content: `Question ${i % 4}: où est ma facture ${i}?` }],
        output: `Answer ${i}`,
      }),
    );
    writeFileSync(file, `${lines.join('\n')}\n`);
    run = await runAudit({ files: findLogFiles([file]), config: parseAuditConfig({}), format: 'auto', threads: 2 });
  });

  afterAll(() => run.db.close());

  it("counts each prompt text in a routing target's encoding once, as js-tiktoken does", async () => {
    const counted = await countMissingTexts(run.db, 'texts_to_tokenize_in', { encoding: 'cl100k_base' }, 2);
    // the system prompt and twelve questions
    expect(counted.distinctTexts).toBe(13);
    const rows = await run.db.readSql<{ text: string; tokens: number }>(
      "select texts.text, text_tokens.tokens::int as tokens from text_tokens join texts using (text_hash) where encoding = 'cl100k_base' order by texts.text",
    );
    expect(rows.length).toBe(13);
    // js-tiktoken's own count, not this counter's
    for (const row of rows) expect(row.tokens).toBe(countTokensReference(row.text, 'cl100k_base'));
    // counted already: nothing left to count
    expect((await countMissingTexts(run.db, 'texts_to_tokenize_in', { encoding: 'cl100k_base' }, 2)).distinctTexts).toBe(0);
  });

  it('fails when a pair it was to count has no count after', async () => {
    await run.db.run("create or replace temp table texts_uncounted as select distinct 'cl100k_base' as encoding, text_hash from segments where kind <> 'output'");
    await assertAllCounted(run.db);
    await run.db.run("create or replace temp table texts_uncounted as select 'p50k_base' as encoding, text_hash from texts limit 2");
    await expect(assertAllCounted(run.db)).rejects.toThrow('token stage: 2 texts were not counted');
  });
});
