// unused_retrieval: chunks the answer neither cited nor drew on. The decision is text work, done
// once per distinct (chunk, output, question) triple on the worker pool, streamed from DuckDB.
import { querySql } from '../db.js';
import { siblingUrl, WorkerPool } from '../worker-pool.js';
import type { WasteDetector } from './detector.js';
import type { ChunkUse } from './retrieval-use.js';
import type { ChunkTriple } from './retrieval-worker.js';

const BATCH_TRIPLES = 2_000;

interface Keys {
  chunkId: string;
  chunkHash: bigint;
  outputHash: bigint;
  questionHash: bigint | null;
}

export const unusedRetrieval: WasteDetector = {
  category: 'unused_retrieval',
  async detect(db, settings, threads) {
    const pool = new WorkerPool<ChunkTriple[], ChunkUse[]>(siblingUrl(import.meta.url, 'retrieval-worker'), threads, {
      minSharedNgrams: settings.retrieval.minSharedNgrams,
    });
    // Decisions go in on a second connection while the candidates stream on the first.
    const appendConnection = await db.connect();
    const appender = await appendConnection.createAppender('chunk_decisions');
    const inFlight = new Set<Promise<void>>();
    const decide = (keys: Keys[], triples: ChunkTriple[]) => {
      const task = pool.run(triples).then((uses) =>
        uses.forEach((use, i) => {
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
      let triples: ChunkTriple[] = [];
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        for (const row of chunk.getRows()) {
          const [chunkId, chunkHash, outputHash, questionHash, chunkText, outputText, questionText] = row;
          keys.push({ chunkId: chunkId as string, chunkHash: chunkHash as bigint, outputHash: outputHash as bigint, questionHash: (questionHash as bigint | null) ?? null });
          triples.push({ chunkId: chunkId as string, chunk: chunkText as string, output: outputText as string, question: questionText as string });
          if (triples.length >= BATCH_TRIPLES) {
            decide(keys, triples);
            [keys, triples] = [[], []];
            while (inFlight.size >= pool.size * 2) await Promise.race(inFlight);
          }
        }
      }
      if (triples.length > 0) decide(keys, triples);
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
