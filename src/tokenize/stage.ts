// The token stage: picks each model's encoding, streams the distinct texts not counted yet out
// of DuckDB in chunks, counts them on the worker pool, appends the counts, and builds
// request_tokens. Texts are never all held in JS.
import type { DuckDBBlobVector } from '@duckdb/node-api';
import { querySql, type Database } from '../db.js';
import { encodingForModel, isExactEncoding, type EncodingName } from './encodings.js';
import { TokenizerPool, Utf8Texts } from './pool.js';

export interface TokenStageStats {
  distinctTexts: number;
  distinctBytes: number;
  textsTokenized: number;
  seconds: number;
}

/** Texts per pool task: big enough to amortize the message, small enough to spread. */
const BATCH_BYTES = 1 << 20;

/**
 * Every model in scope, with its encoding under this run's `encodings:` overrides, written afresh: a
 * database kept with --db may have been counted under other overrides, and the counts of the
 * encodings it no longer uses stay in text_tokens unread.
 */
async function writeModelEncodings(db: Database, overrides: Record<string, EncodingName>): Promise<void> {
  await db.run('delete from model_encodings');
  const models = await db.readSql<{ model: string }>('select distinct model from requests');
  const appender = await db.connection.createAppender('model_encodings');
  for (const { model } of models) {
    appender.appendVarchar(model);
    appender.appendVarchar(encodingForModel(model, overrides));
    appender.appendBoolean(isExactEncoding(model, overrides));
    appender.endRow();
  }
  appender.closeSync();
}

export async function runTokenStage(
  db: Database,
  overrides: Record<string, EncodingName>,
  threads: number,
  onCounted: (texts: number) => void = () => {},
): Promise<TokenStageStats> {
  const started = performance.now();
  await writeModelEncodings(db, overrides);
  const counted = await countMissingTexts(db, 'texts_to_tokenize', {}, threads, onCounted);
  await db.withJoinsAsWritten(() => db.runQuery('request_tokens'));
  return { ...counted, seconds: (performance.now() - started) / 1000 };
}

/**
 * Counts the (encoding, text_hash) pairs queries/<query>.sql gives: streams their texts in chunks
 * (texts_to_count), counts them on the worker pool and appends the counts to text_tokens; then
 * checks that none is missing.
 */
export async function countMissingTexts(
  db: Database,
  query: string,
  params: Record<string, string>,
  threads: number,
  onCounted: (texts: number) => void = () => {},
): Promise<Omit<TokenStageStats, 'seconds'>> {
  const pool = TokenizerPool.create({ threads });
  // Counts go in through an Appender on a second connection: appending on the connection
  // whose result is streaming can end that stream early without an error.
  const appendConnection = await db.connect();
  const appender = await appendConnection.createAppender('text_tokens');
  let distinctTexts = 0;
  let distinctBytes = 0;
  const inFlight = new Set<Promise<void>>();
  const flush = (batch: TextBatch) => {
    const task = pool.countUtf8(batch.encoding, batch.texts).then((counts) => {
      onCounted(counts.length);
      counts.forEach((tokens, i) => {
        appender.appendUHugeInt(batch.hashes[i]!);
        appender.appendVarchar(batch.encoding);
        appender.appendBigInt(BigInt(tokens));
        appender.endRow();
      });
    });
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task)).catch(() => {});
  };
  try {
    // The texts come as their UTF-8 bytes (encode: VARCHAR to BLOB as it is): the workers
    // count them as bytes (count.ts), so this thread only copies bytes.
    // Unsorted (a sort would carry every text through it, and spill): a batch per encoding.
    // The pairs to count are kept, so that checking them after (assertAllCounted) does not
    // work them out again from every segment (1.5 s at a million requests).
    await db.run(`create or replace temp table texts_uncounted as ${querySql(query)}`, params);
    const result = await db.connection.stream(querySql('texts_to_count'));
    const batches = new Map<EncodingName, TextBatch>();
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const [encodings, hashes, texts] = [chunk.getColumnValues(0), chunk.getColumnValues(1), chunk.getColumnVector(2) as DuckDBBlobVector];
      // (the loop reads chunk.rowCount so the chunk, whose memory getItemBytes views, stays alive)
      for (let row = 0; row < chunk.rowCount; row++) {
        const encoding = encodings[row] as EncodingName;
        let batch = batches.get(encoding);
        if (!batch || batch.texts.bytes >= BATCH_BYTES) {
          if (batch) flush(batch);
          batch = new TextBatch(encoding);
          batches.set(encoding, batch);
          while (inFlight.size >= pool.size * 2) await Promise.race(inFlight);
        }
        const bytes = texts.getItemBytes(row)!;
        batch.add(hashes[row] as bigint, bytes);
        distinctTexts++;
        distinctBytes += bytes.byteLength;
      }
    }
    for (const batch of batches.values()) if (batch.hashes.length > 0) flush(batch);
    await Promise.all(inFlight);
    appender.closeSync();
  } finally {
    appendConnection.closeSync();
    await pool.close();
  }
  await assertAllCounted(db);
  await db.run('drop table texts_uncounted');
  return { distinctTexts, distinctBytes, textsTokenized: pool.textsTokenized };
}

/** Texts of one encoding on their way to a worker, with their hashes. */
class TextBatch {
  readonly hashes: bigint[] = [];
  readonly texts = new Utf8Texts(BATCH_BYTES * 2);
  constructor(readonly encoding: EncodingName) {}

  add(hash: bigint, utf8: Uint8Array): void {
    this.hashes.push(hash);
    this.texts.add(utf8);
  }
}

/**
 * A lost chunk would silently undercount: check that every pair to count has a count now (the
 * other needed pairs had theirs before, and nothing takes a count away).
 */
export async function assertAllCounted(db: Database): Promise<void> {
  const [row] = await db.readSql<{ missing: string }>('select count(*) as missing from texts_uncounted anti join text_tokens using (text_hash, encoding)');
  if (Number(row?.missing ?? 0) !== 0) throw new Error(`token stage: ${row?.missing} texts were not counted`);
}
