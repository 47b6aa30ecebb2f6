// unused_retrieval: chunks the answer neither cited nor drew on. The decision is text work, done
// once per distinct (chunk, output, question) triple on the worker pool, streamed from DuckDB an
// answer at a time (its texts once, then the chunks retrieved for it; the chunk texts themselves
// go to each worker once when their pool is small, as retrieval pools are).
import { BOOLEAN, INTEGER, UHUGEINT, VARCHAR, type DuckDBBlobVector, type DuckDBVector } from '@duckdb/node-api';
import { ChunkAppender } from '../chunk-appender.js';
import { querySql, type Database } from '../db.js';
import { RowCursor } from '../row-cursor.js';
import { Utf8Texts } from '../tokenize/pool.js';
import { siblingUrl, WorkerPool } from '../worker-pool.js';
import type { WasteDetector, WasteSettings } from './detector.js';
import type { ChunkUse } from './retrieval-use.js';
import type { AnswerBatch, BatchChunk, RetrievalWorkerData } from './retrieval-worker.js';

const BATCH_CHUNKS = 2_000;

/** The columns of chunk_decisions, in order. */
const DECISION_TYPES = [VARCHAR, UHUGEINT, UHUGEINT, UHUGEINT, BOOLEAN, BOOLEAN, INTEGER];

interface Keys {
  chunkId: string;
  chunkHash: bigint;
  outputHash: bigint;
  questionHash: bigint | null;
}

/** The order of `order by output_hash, question_hash nulls last`. */
export function compareAnswers(output: bigint, question: bigint | null, otherOutput: bigint, otherQuestion: bigint | null): number {
  if (output !== otherOutput) return output < otherOutput ? -1 : 1;
  if (question === otherQuestion) return 0;
  if (question === null) return 1;
  if (otherQuestion === null) return -1;
  return question < otherQuestion ? -1 : 1;
}

const ANSWER_COLUMNS = ['output_hash', 'question_hash', 'output_text', 'question_text'] as const;
const CHUNK_COLUMNS = ['output_hash', 'question_hash', 'chunk_id', 'chunk_hash', 'chunk_text'] as const;

/**
 * Answers on their way to a worker: their texts as UTF-8 one after another in one buffer, which
 * moves to the worker without a copy (it decodes them there), and their chunks' keys beside.
 * Strings read out of DuckDB here and cloned into the worker's message kept this thread busier
 * than the workers deciding.
 */
class Answers {
  readonly texts = new Utf8Texts();
  readonly answers: AnswerBatch['answers'] = [];
  readonly keys: Keys[] = [];

  /** The batch for a worker; nothing is to be added to it after. */
  task(): { task: AnswerBatch; transfer: ArrayBuffer[] } {
    const { utf8, ends } = this.texts.parts();
    return { task: { utf8, ends, answers: this.answers }, transfer: [utf8.buffer as ArrayBuffer, ends.buffer as ArrayBuffer] };
  }
}

/**
 * Reads each answer with undecided chunks, and the keys of its chunks, into the batch `into`
 * gives: chunk_answers and chunk_candidate_chunks come sorted alike, an answer's chunks the run
 * of rows with its hashes. `filled` runs after each answer.
 */
async function readAnswers(answers: RowCursor<(typeof ANSWER_COLUMNS)[number]>, chunks: RowCursor<(typeof CHUNK_COLUMNS)[number]>, into: () => Answers, filled: () => Promise<void>): Promise<void> {
  for (;;) {
    const batch = into();
    const textsBefore = batch.texts.count;
    // the texts are copied into the batch at once: the chunk's memory, which the bytes view, is reused
    const next = await answers.takeOne(([outputHashes, questionHashes, outputTexts, questionTexts], row) => {
      batch.texts.add((outputTexts as DuckDBBlobVector).getItemBytes(row)!);
      batch.texts.add((questionTexts as DuckDBBlobVector).getItemBytes(row)!);
      return { outputHash: outputHashes!.getItem(row) as bigint, questionHash: (questionHashes!.getItem(row) as bigint | null) ?? null };
    });
    if (next === null) return;
    const { outputHash, questionHash } = next;
    const answerChunks: BatchChunk[] = [];
    const order = ([outputHashes, questionHashes]: DuckDBVector[], row: number) => compareAnswers(outputHashes!.getItem(row) as bigint, (questionHashes!.getItem(row) as bigint | null) ?? null, outputHash, questionHash);
    // chunks of an answer that has no row (its output text is gone) are passed over
    await chunks.takeWhile((vectors, row) => order(vectors, row) < 0, () => {});
    await chunks.takeWhile((vectors, row) => order(vectors, row) === 0, ([, , ids, hashes, texts], row) => {
      const chunkId = ids!.getItem(row) as string;
      const chunkHash = hashes!.getItem(row) as bigint;
      const text = (texts as DuckDBBlobVector).getItemBytes(row);
      if (text) batch.texts.add(text);
      answerChunks.push({ chunkId, chunkKey: chunkKey(chunkHash), text: text ? batch.texts.count - 1 : -1 });
      batch.keys.push({ chunkId, chunkHash, outputHash, questionHash });
    });
    if (answerChunks.length === 0) {
      batch.texts.truncate(textsBefore);
      continue;
    }
    batch.answers.push({ output: textsBefore, chunks: answerChunks });
    await filled();
  }
}

/** Chunk texts up to this many bytes in all go to each worker once, not with every answer. */
const CHUNK_POOL_BYTES = 64 * 1024 * 1024;

const chunkKey = (hash: bigint) => hash.toString(36);

/** The chunk texts by key when the pool of them is small enough to give each worker (chunk_pool), else null. */
async function chunkPool(db: Database, maxBytes: number): Promise<Array<[string, string]> | null> {
  const reader = await db.connection.runAndReadAll(querySql('chunk_pool'), { max_bytes: maxBytes });
  const [hashes, texts] = [reader.getColumns()[0] ?? [], reader.getColumns()[1] ?? []];
  if (hashes.length === 0) return null;
  return hashes.map((hash, i) => [chunkKey(hash as bigint), texts[i] as string]);
}

export const unusedRetrieval: WasteDetector = {
  category: 'unused_retrieval',
  detect: (db, settings, threads) => detectUnusedRetrieval(db, settings, threads),
};

/** The detector, with the chunk pool's limit open to tests (0: every chunk text comes with its answers). */
export async function detectUnusedRetrieval(db: Database, settings: WasteSettings, threads: number, chunkPoolBytes = CHUNK_POOL_BYTES): Promise<void> {
  await db.runQuery('chunk_triples');
  await db.runQuery('chunk_candidates');
  const chunks = await chunkPool(db, chunkPoolBytes);
  const pool = new WorkerPool<AnswerBatch, ChunkUse[][]>(siblingUrl(import.meta.url, 'retrieval-worker'), threads, {
    minSharedNgrams: settings.retrieval.minSharedNgrams,
    chunks,
  } satisfies RetrievalWorkerData);
  // Decisions go in on a second connection while the candidates stream on the first.
  const appendConnection = await db.connect();
  const appender = await appendConnection.createAppender('chunk_decisions');
  const decisions = new ChunkAppender(appender, DECISION_TYPES);
  const inFlight = new Set<Promise<void>>();
  const decide = (batch: Answers) => {
    const { task, transfer } = batch.task();
    const run = pool.run(task, transfer).then((uses) =>
      uses.flat().forEach((use, i) => {
        const key = batch.keys[i]!;
        decisions.add([key.chunkId, key.chunkHash, key.outputHash, key.questionHash, use.used, use.cited, use.sharedNgrams]);
      }),
    );
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run)).catch(() => {});
  };
  const chunkConnection = await db.connect();
  try {
    const answerRows = new RowCursor(await db.connection.stream(querySql('chunk_answers')), ANSWER_COLUMNS, 'chunk_answers');
    const chunkQuery = chunks ? 'chunk_candidate_keys' : 'chunk_candidate_chunks';
    const chunkRows = new RowCursor(await chunkConnection.stream(querySql(chunkQuery)), CHUNK_COLUMNS, chunkQuery);
    let batch = new Answers();
    await readAnswers(
      answerRows,
      chunkRows,
      () => batch,
      async () => {
        if (batch.keys.length < BATCH_CHUNKS) return;
        decide(batch);
        batch = new Answers();
        while (inFlight.size >= pool.size * 2) await Promise.race(inFlight);
      },
    );
    if (batch.answers.length > 0) decide(batch);
    await Promise.all(inFlight);
    decisions.flush();
    appender.closeSync();
    await chunkRows.skipRest();
    // counted without the texts (queries/rows/): counting chunk_answers itself decompressed them again
    await db.assertStreamedAll('chunk_answers', undefined, answerRows.rowsFetched, querySql('rows/chunk_answers'));
    await db.assertStreamedAll(chunkQuery, undefined, chunkRows.rowsFetched);
  } finally {
    chunkConnection.closeSync();
    appendConnection.closeSync();
    await pool.close();
  }
  await db.run('drop table if exists undecided_chunks');
  await db.run(querySql('chunk_usage').replaceAll('$min_shared_ngrams', String(Math.trunc(settings.retrieval.minSharedNgrams))));
  await db.runQuery('waste/unused_retrieval');
}
