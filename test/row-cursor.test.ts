// Two results sorted alike, read in step: runs of rows that cross DuckDB's chunks, keys with no
// rows, and the answer order the unused_retrieval cursor relies on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../src/db.js';
import { RowCursor } from '../src/row-cursor.js';
import { readRequestBatch, requestColumns, SegmentCursor } from '../src/simulate/replay-rows.js';
import { batchRequests } from '../src/simulate/request-batch.js';
import { compareAnswers } from '../src/waste/unused-retrieval.js';

let db: Database;
beforeAll(async () => {
  db = await Database.open();
});
afterAll(() => db.close());

describe('a streamed result that DuckDB ends early', () => {
  it('is an error, not fewer rows', async () => {
    // rows past 300,000 fail: DuckDB's stream then ends as if it were done, with no error
    const sql = "select case when i < 300000 then i else error('row ' || i) end as v from range(400000) t(i)";
    const cursor = new RowCursor(await db.connection.stream(sql), ['v'] as const, 'test');
    await cursor.skipRest();
    expect(cursor.rowsFetched).toBeLessThan(400_000);
    await expect(db.assertStreamedAll('test', undefined, cursor.rowsFetched, sql)).rejects.toThrow(/test: DuckDB ended the result after \d+ of its 400000 rows|row 3\d{5}/);
  });

  it('passes a result read to its end', async () => {
    const sql = 'select i from range(5000) t(i) order by i';
    const cursor = new RowCursor(await db.connection.stream(sql), ['i'] as const, 'test');
    await cursor.skipRest();
    expect(cursor.rowsFetched).toBe(5000);
    await db.assertStreamedAll('test', undefined, cursor.rowsFetched, sql);
  });
});

describe('RowCursor', () => {
  it('hands each key its run of rows, across chunks, and none to a key without rows', async () => {
    // 3,000 keys with i % 4 rows each (0 to 3): 4,500 rows, over two DuckDB chunks of 2,048
    const result = await db.connection.stream(
      "select 'k' || lpad(i::varchar, 5, '0') as key, j as value from range(3000) a(i), range(i % 4) b(j) order by key, value",
    );
    const cursor = new RowCursor(result, ['key', 'value'] as const, 'test');
    const taken: number[][] = [];
    for (let i = 0; i < 3000; i++) {
      const key = `k${String(i).padStart(5, '0')}`;
      const values: number[] = [];
      await cursor.takeWhile(
        ([keys], row) => keys!.getItem(row) === key,
        ([, items], row) => values.push(Number(items!.getItem(row))),
      );
      taken.push(values);
    }
    expect(taken.map((values) => values.length)).toEqual(Array.from({ length: 3000 }, (_, i) => i % 4));
    expect(taken[7]).toEqual([0, 1, 2]);
    expect(taken.flat()).toHaveLength(4500);
  });

  it('takes one row at a time, across chunks, and null at the end', async () => {
    const result = await db.connection.stream('select i as value from range(2050) t(i) order by i');
    const cursor = new RowCursor(result, ['value'] as const, 'test');
    const values: number[] = [];
    for (let value = await cursor.takeOne(([items], row) => Number(items!.getItem(row))); value !== null; value = await cursor.takeOne(([items], row) => Number(items!.getItem(row)))) values.push(value);
    expect(values).toHaveLength(2050);
    expect(values.slice(2046, 2050)).toEqual([2046, 2047, 2048, 2049]);
  });

  it('sums the segment hashes of a request into the key of each prefix, and gives back every field through the batch', async () => {
    // three requests: seq 0 with three segments, seq 1 with none, seq 2 with three
    const requests = await db.connection.stream(`
      select i::double as seq, 'r' || i as request_id, (1000 + i)::double as ts_ms,
          'f' || i as feature, 'openai' as provider, 'gpt-4o' as model,
          case when i = 1 then null else 'u' || i end as user_id, 'ok' as status, i = 2 as batch,
          case when i = 0 then null else 250.5 * i end as latency_ms, (i + 7)::ubigint as response_key, i <> 1 as cacheable,
          100.0 * i as input_tokens, 10.0 * i as output_tokens, 5.0 as cached_input_tokens, 0.0 as cache_write_tokens,
          0.0 as cache_write_1h_tokens, 0.25 * i as cost_usd, case when i = 2 then 'why?' end as question,
          case when i = 1 then null else 90.0 * i end as prompt_tokens_o200k, null::double as prompt_tokens_cl100k
      from range(3) t(i) order by i`);
    const segments = new SegmentCursor(
      await (
        await db.connect()
      ).stream(
        "select (case when i < 3 then 0 else 2 end)::double as seq, (i % 3)::utinyint as kind, 10.0::double as tokens, case when i = 4 then true when i = 5 then false end as used, (i % 3 + 1)::ubigint as position_hash from range(6) t(i) order by i",
      ),
    );
    const chunk = (await requests.fetchChunk())!;
    const batch = await readRequestBatch(chunk, requestColumns(requests), segments);
    const [first, second, third] = batchRequests(batch);
    expect(first!.segments.map((s) => s.prefixKey)).toEqual([1n, 3n, 6n]);
    expect(first!.segments.map((s) => s.kind)).toEqual(['system', 'history', 'retrieval']);
    expect(second!.segments).toEqual([]);
    expect(third!.segments.map((s) => [s.kind, s.tokens, s.used, s.prefixKey])).toEqual([
      ['system', 10, null, 1n],
      ['history', 10, true, 3n],
      ['retrieval', 10, false, 6n],
    ]);
    expect({ ...first!, segments: [] }).toEqual({
      seq: 0,
      requestId: 'r0',
      tsMs: 1000,
      feature: 'f0',
      provider: 'openai',
      model: 'gpt-4o',
      userId: 'u0',
      status: 'ok',
      batch: false,
      latencyMs: null,
      responseKey: 7n,
      cacheable: true,
      inputTokens: 0,
      outputTokens: 0,
      cachedInputTokens: 5,
      cacheWriteTokens: 0,
      cacheWrite1hTokens: 0,
      costUsd: 0,
      segments: [],
      question: null,
      promptTokens: { o200k_base: 0, cl100k_base: null },
    });
    expect([second!.userId, second!.latencyMs, second!.cacheable, second!.promptTokens.o200k_base]).toEqual([null, 250.5, false, null]);
    expect([third!.batch, third!.question, third!.latencyMs, third!.inputTokens, third!.costUsd]).toEqual([true, 'why?', 501, 200, 0.5]);
    expect(await segments.rowsRead()).toBe(6);
  });
});

describe('the answer order of unused_retrieval', () => {
  it('is the order DuckDB sorts output and question hashes in, nulls last', async () => {
    const rows = await db.connection.runAndReadAll(
      'select md5_number((i % 7)::varchar) as output_hash, case when i % 5 = 0 then null else md5_number(i::varchar) end as question_hash from range(400) t(i) order by output_hash, question_hash nulls last',
    );
    const keys = rows.getRows().map(([output, question]) => [output as bigint, (question as bigint | null) ?? null] as const);
    for (let i = 1; i < keys.length; i++) {
      expect(compareAnswers(keys[i - 1]![0], keys[i - 1]![1], keys[i]![0], keys[i]![1])).toBeLessThanOrEqual(0);
      expect(compareAnswers(keys[i]![0], keys[i]![1], keys[i - 1]![0], keys[i - 1]![1])).toBeGreaterThanOrEqual(0);
    }
    expect(compareAnswers(1n, null, 1n, 5n)).toBe(1);
    expect(compareAnswers(1n, 5n, 1n, 5n)).toBe(0);
  });
});
