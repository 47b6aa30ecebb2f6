// The token stage: picks each model's encoding, streams the distinct texts not counted yet out
// of DuckDB in chunks, counts them on the worker pool, appends the counts, and builds
// request_tokens. Texts are never all held in JS.
import { querySql, type Database } from '../db.js';
import { encodingForModel, isExactEncoding, type EncodingName } from './encodings.js';
import { TokenizerPool } from './pool.js';

export interface TokenStageStats {
  distinctTexts: number;
  distinctBytes: number;
  textsTokenized: number;
  seconds: number;
}

/** Texts per pool task: big enough to amortize the message, small enough to spread. */
const BATCH_BYTES = 1 << 20;

async function writeModelEncodings(db: Database, overrides: Record<string, EncodingName>): Promise<void> {
  const models = await db.readSql<{ model: string }>('select distinct model from requests anti join model_encodings using (model)');
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
  await db.runQuery('request_tokens');
  return { ...counted, seconds: (performance.now() - started) / 1000 };
}

/**
 * Streams the (encoding, text_hash, text) rows of queries/<query>.sql in chunks, counts them on
 * the worker pool and appends the counts to text_tokens; then checks that none is missing.
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
  const flush = (encoding: EncodingName, hashes: bigint[], texts: string[]) => {
    const task = pool.count(encoding, texts).then((counts) => {
      onCounted(counts.length);
      counts.forEach((tokens, i) => {
        appender.appendUHugeInt(hashes[i]!);
        appender.appendVarchar(encoding);
        appender.appendBigInt(BigInt(tokens));
        appender.endRow();
      });
    });
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task)).catch(() => {});
  };
  try {
    const result = await db.connection.stream(querySql(query), params);
    let batch = { encoding: '' as EncodingName, hashes: [] as bigint[], texts: [] as string[], bytes: 0 };
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const [encodings, hashes, texts] = [chunk.getColumnValues(0), chunk.getColumnValues(1), chunk.getColumnValues(2)];
      for (let row = 0; row < chunk.rowCount; row++) {
        const encoding = encodings[row] as EncodingName;
        const text = texts[row] as string;
        if (encoding !== batch.encoding || batch.bytes >= BATCH_BYTES) {
          if (batch.texts.length > 0) flush(batch.encoding, batch.hashes, batch.texts);
          batch = { encoding, hashes: [], texts: [], bytes: 0 };
          while (inFlight.size >= pool.size * 2) await Promise.race(inFlight);
        }
        const bytes = Buffer.byteLength(text, 'utf8');
        batch.hashes.push(hashes[row] as bigint);
        batch.texts.push(text);
        batch.bytes += bytes;
        distinctTexts++;
        distinctBytes += bytes;
      }
    }
    if (batch.texts.length > 0) flush(batch.encoding, batch.hashes, batch.texts);
    await Promise.all(inFlight);
    appender.closeSync();
  } finally {
    appendConnection.closeSync();
    await pool.close();
  }
  await assertAllCounted(db, query, params);
  return { distinctTexts, distinctBytes, textsTokenized: pool.textsTokenized };
}

/** A lost chunk would silently undercount: check that every needed text has a count. */
async function assertAllCounted(db: Database, query: string, params: Record<string, string>): Promise<void> {
  const [row] = await db.readSql<{ missing: string }>(`select count(*) as missing from (${querySql(query)})`, params);
  if (Number(row?.missing ?? 0) !== 0) throw new Error(`token stage: ${row?.missing} texts were not counted`);
}
