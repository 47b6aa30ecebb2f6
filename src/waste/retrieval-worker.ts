// Worker thread: decides chunk use for batches of answers, each with the chunks retrieved for it.
import { parentPort, workerData } from 'node:worker_threads';
import { serveTasks } from '../worker-pool.js';
import { decideAnswerChunks, type ChunkUse, type RetrievedChunk } from './retrieval-use.js';

export interface AnswerChunks {
  output: string;
  question: string;
  /** A chunk's text is null when the worker was given it up front (`chunks` of its data). */
  chunks: Array<Omit<RetrievedChunk, 'chunk'> & { chunk: string | null }>;
}

export interface RetrievalWorkerData {
  minSharedNgrams: number;
  /** Every chunk text by key, when the pool of them is small; else each comes with its answers. */
  chunks: Array<[string, string]> | null;
}

const { minSharedNgrams, chunks } = workerData as RetrievalWorkerData;
const pool = new Map(chunks ?? []);

function textOf(chunk: AnswerChunks['chunks'][number]): RetrievedChunk {
  if (chunk.chunk !== null) return chunk as RetrievedChunk;
  const text = pool.get(chunk.chunkKey);
  if (text === undefined) throw new Error(`unused_retrieval: chunk ${chunk.chunkKey} is not in the pool the worker was given`);
  return { ...chunk, chunk: text };
}

if (parentPort) {
  serveTasks<AnswerChunks[], ChunkUse[][]>(parentPort, (answers) =>
    answers.map((answer) => decideAnswerChunks(answer.output, answer.question, answer.chunks.map(textOf), minSharedNgrams)),
  );
}
