// Two results sorted alike, read in step: runs of rows that cross DuckDB's chunks, keys with no
// rows, and the answer order the unused_retrieval cursor relies on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../src/db.js';
import { RowCursor } from '../src/row-cursor.js';
import { SegmentCursor } from '../src/simulate/replay-rows.js';
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

  it('sums the segment hashes of a request into the key of each prefix', async () => {
    const result = await db.connection.stream(
      "select (i // 3)::double as seq, 0::utinyint as kind, 10.0::double as tokens, null::boolean as used, (i % 3 + 1)::ubigint as position_hash from range(6) t(i) order by i",
    );
    const segments = new SegmentCursor(result);
    const first = await segments.take(0);
    expect(first.map((s) => s.prefixKey)).toEqual([1n, 3n, 6n]);
    expect(await segments.take(0.5)).toEqual([]);
    expect((await segments.take(1)).map((s) => [s.kind, s.tokens, s.prefixKey])).toEqual([
      ['system', 10, 1n],
      ['system', 10, 3n],
      ['system', 10, 6n],
    ]);
    expect(await segments.take(2)).toEqual([]);
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
