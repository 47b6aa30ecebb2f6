// The queries that join text_tokens on keys of two other tables run their joins as written, so
// that no plan ever pairs text_tokens with requests on the encoding alone (a near cross product).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAudit, type AuditRun } from '../src/audit.js';
import { parseAuditConfig } from '../src/config/audit.js';
import { querySql } from '../src/db.js';
import { findLogFiles } from '../src/ingest/read.js';

interface PlanNode {
  name?: string;
  extra_info?: { Conditions?: string | string[] };
  children?: PlanNode[];
}

/** The conditions of every join in a JSON plan, each join's as one list. */
function joinConditions(nodes: PlanNode[]): string[][] {
  return nodes.flatMap((node) => {
    const own = node.name?.includes('JOIN') ? [[node.extra_info?.Conditions ?? []].flat()] : [];
    return [...own, ...joinConditions(node.children ?? [])];
  });
}

describe('joins on a text and its encoding', () => {
  let run: AuditRun;

  beforeAll(async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tokenaudit-joins-')), 'logs.jsonl');
    // two models of two encodings (gpt-4o: o200k_base, gpt-4: cl100k_base), sharing texts
    const lines = Array.from({ length: 40 }, (_, i) =>
      JSON.stringify({
        request_id: `r${i}`,
        timestamp: new Date(Date.parse('2026-11-20T08:00:00Z') + i * 60_000).toISOString(),
        feature: 'chat',
        model: i % 2 === 0 ? 'gpt-4o' : 'gpt-4',
        messages: [{ role: 'system', content: 'You help.' }, { role: 'user', content: `Question ${i % 5}` }],
        output: `Answer ${i}`,
      }),
    );
    writeFileSync(file, `${lines.join('\n')}\n`);
    run = await runAudit({ files: findLogFiles([file]), config: parseAuditConfig({}), format: 'auto', threads: 2 });
  });

  afterAll(() => run.db.close());

  const optimizerOff = async () => (await run.db.readSql<{ off: string }>("select current_setting('disabled_optimizers') as off"))[0]!.off;

  it.each(['segment_billing', 'request_tokens'])('%s joins text_tokens on the text and the encoding at once', async (query) => {
    const select = querySql(query).replace(/create or replace table \w+ as/, '');
    const [row] = await run.db.withJoinsAsWritten(() => run.db.readSql<{ explain_value: string }>(`explain (format json) ${select}`));
    const joins = joinConditions(JSON.parse(row!.explain_value) as PlanNode[]);
    const onEncoding = joins.filter((conditions) => conditions.some((condition) => condition.includes('encoding = encoding')));
    expect(onEncoding.length).toBeGreaterThan(0);
    // (the whole user message's count is joined on user_message_hash = text_hash)
    for (const conditions of onEncoding) expect(conditions.some((condition) => condition.endsWith('= text_hash'))).toBe(true);
  });

  it('turns the join-order optimizer back on afterwards, also when the work fails', async () => {
    expect(await run.db.withJoinsAsWritten(optimizerOff)).toBe('join_order');
    expect(await optimizerOff()).toBe('');
    await expect(run.db.withJoinsAsWritten(() => run.db.run('select * from no_such_table'))).rejects.toThrow(/no_such_table/);
    expect(await optimizerOff()).toBe('');
  });
});
