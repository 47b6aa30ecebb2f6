// unused_retrieval: chunks the answer neither cited nor drew on. The decision is text work, done
// once per distinct (chunk, output, question) triple on the worker pool, streamed from DuckDB an
// answer at a time (its texts once, the chunks retrieved for it as lists).
import type { DuckDBDataChunk, DuckDBListVector, DuckDBStructVector } from '@duckdb/node-api';
import { querySql } from '../db.js';
import { siblingUrl, WorkerPool } from '../worker-pool.js';
import type { WasteDetector } from './detector.js';
import type { ChunkUse } from './retrieval-use.js';
import type { AnswerChunks } from './retrieval-worker.js';

const BATCH_CHUNKS = 2_000;

interface Keys {
  chunkId: string;
  chunkHash: bigint;
  outputHash: bigint;
  questionHash: bigint | null;
}

/** Each answer of a chunk of chunk_candidates, with the keys of its chunks in the same order. */
function readAnswers(chunk: DuckDBDataChunk, visit: (answer: AnswerChunks, keys: Keys[]) => void): void {
  const [outputHashes, questionHashes, outputTexts, questionTexts] = [0, 1, 2, 3].map((column) => chunk.getColumnVector(column));
  const chunkLists = chunk.getColumnVector(4) as DuckDBListVector;
  const [ids, hashes, texts] = [0, 1, 2].map((field) => (chunkLists.childVector as DuckDBStructVector).entryVectorAt(field));
  for (let row = 0; row < chunk.rowCount; row++) {
    const outputHash = outputHashes!.getItem(row) as bigint;
    const questionHash = (questionHashes!.getItem(row) as bigint | null) ?? null;
    const answer: AnswerChunks = { output: outputTexts!.getItem(row) as string, question: questionTexts!.getItem(row) as string, chunks: [] };
    const keys: Keys[] = [];
    const offset = chunkLists.getEntryOffset(row);
    for (let i = offset; i < offset + chunkLists.getEntryLength(row); i++) {
      const chunkId = ids!.getItem(i) as string;
      answer.chunks.push({ chunkId, chunk: texts!.getItem(i) as string });
      keys.push({ chunkId, chunkHash: hashes!.getItem(i) as bigint, outputHash, questionHash });
    }
    visit(answer, keys);
  }
}

export const unusedRetrieval: WasteDetector = {
  category: 'unused_retrieval',
  async detect(db, settings, threads) {
    const pool = new WorkerPool<AnswerChunks[], ChunkUse[][]>(siblingUrl(import.meta.url, 'retrieval-worker'), threads, {
      minSharedNgrams: settings.retrieval.minSharedNgrams,
    });
    // Decisions go in on a second connection while the candidates stream on the first.
    const appendConnection = await db.connect();
    const appender = await appendConnection.createAppender('chunk_decisions');
    const inFlight = new Set<Promise<void>>();
    const decide = (keys: Keys[], answers: AnswerChunks[]) => {
      const task = pool.run(answers).then((uses) =>
        uses.flat().forEach((use, i) => {
          const key = keys[i]!;
          appender.appendVarchar(key.chunkId);
          appender.appendUHugeInt(key.chunkHash);
          appender.appendUHugeInt(key.outputHash);
          if (key.questionHash === null) appender.appendNull();
          else appender.appendUHugeInt(key.questionHash);
          appender.appendBoolean(use.used);
          appender.appendBoolean(use.cited);
          appender.appendInteger(use.sharedNgrams);
          appender.endRow();
        }),
      );
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task)).catch(() => {});
    };
    await db.runQuery('chunk_triples');
    try {
      const result = await db.connection.stream(querySql('chunk_candidates'));
      let keys: Keys[] = [];
      let answers: AnswerChunks[] = [];
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        const batches: Array<[Keys[], AnswerChunks[]]> = [];
        readAnswers(chunk, (answer, answerKeys) => {
          answers.push(answer);
          keys.push(...answerKeys);
          if (keys.length >= BATCH_CHUNKS) {
            batches.push([keys, answers]);
            [keys, answers] = [[], []];
          }
        });
        for (const [batchKeys, batchAnswers] of batches) {
          decide(batchKeys, batchAnswers);
          while (inFlight.size >= pool.size * 2) await Promise.race(inFlight);
        }
      }
      if (answers.length > 0) decide(keys, answers);
      await Promise.all(inFlight);
      appender.closeSync();
    } finally {
      appendConnection.closeSync();
      await pool.close();
    }
    await db.runQuery('chunk_usage');
    await db.runQuery('waste/unused_retrieval');
  },
};
