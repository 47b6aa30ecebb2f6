// Worker thread: decides chunk use for batches of (chunk, output, question) triples.
import { parentPort, workerData } from 'node:worker_threads';
import { serveTasks } from '../worker-pool.js';
import { decideChunkUse, type ChunkUse } from './retrieval-use.js';

export interface ChunkTriple {
  chunkId: string;
  chunk: string;
  output: string;
  question: string;
}

const { minSharedNgrams } = workerData as { minSharedNgrams: number };
if (parentPort) {
  serveTasks<ChunkTriple[], ChunkUse[]>(parentPort, (triples) =>
    triples.map((t) => decideChunkUse(t.chunkId, t.chunk, t.output, t.question, minSharedNgrams)),
  );
}
