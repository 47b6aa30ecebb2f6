// The token stage tokenizes each distinct text once, on a worker pool, whatever the volume.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../src/audit.js';
import { parseAuditConfig } from '../../src/config/audit.js';
import { findLogFiles } from '../../src/ingest/read.js';
import { countTokensReference } from '../../src/tokenize/count.js';
import { TokenizerPool } from '../../src/tokenize/pool.js';

describe('the token stage', () => {
  it('tokenizes a system prompt sent 10,000 times once', async () => {
    const system = 'You are the billing assistant. Answer briefly.\n'.repeat(40);
    const lines = Array.from({ length: 10_000 }, (_, i) =>
      JSON.stringify({ request_id: `r${i}`, timestamp: 1763625600 + i, model: 'gpt-4o', messages: [{ role: 'system', content: system }, { role: 'user', content: `question ${i % 50}` }], output: `answer ${i % 7}` }),
    );
    const file = join(mkdtempSync(join(tmpdir(), 'tokenaudit-dedupe-')), 'log.jsonl');
    writeFileSync(file, lines.join('\n'));
    const run = await runAudit({ files: findLogFiles([file]), config: parseAuditConfig({}), format: 'auto', threads: 2 });
    try {
      // 1 system prompt + 50 questions + 7 answers
      expect(run.tokens.textsTokenized).toBe(58);
      expect(run.summary.totals.requests).toBe(10_000);
    } finally {
      run.db.close();
    }
  });

  it('counts on the pool exactly as js-tiktoken does, and counts what it was given', async () => {
    const pool = TokenizerPool.create({ threads: 2 });
    try {
      const texts = ['hello world', '東京\n\nhttp://x.y/z', '<|endoftext|> and more', ''];
      expect(await pool.count('cl100k_base', texts)).toEqual(texts.map((text) => countTokensReference(text, 'cl100k_base')));
      expect(pool.textsTokenized).toBe(4);
    } finally {
      await pool.close();
    }
  });
});
