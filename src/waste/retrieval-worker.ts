// Worker thread: decides chunk use for batches of answers, each with the chunks retrieved for it.
import { parentPort, workerData } from 'node:worker_threads';
import { serveTasks } from '../worker-pool.js';
import { decideAnswerChunks, type ChunkUse, type RetrievedChunk } from './retrieval-use.js';

/** A retrieved chunk in an AnswerBatch. */
export interface BatchChunk {
  chunkId: string;
  chunkKey: string;
  /** Which of the batch's texts is the chunk's, or -1 when the worker was given it up front (`chunks` of its data). */
  text: number;
}

/**
 * Answers with their chunks. The texts are UTF-8 one after another in `utf8`, text i ending at
 * ends[i]: each answer's output, then its question, then those of its chunks that come with it.
 */
export interface AnswerBatch {
  utf8: Uint8Array;
  ends: Uint32Array;
  /** Each answer: which text is its output (its question is the next one), and its chunks. */
  answers: Array<{ output: number; chunks: BatchChunk[] }>;
}

export interface RetrievalWorkerData {
  minSharedNgrams: number;
  /** Every chunk text by key, when the pool of them is small; else each comes with its answers. */
  chunks: Array<[string, string]> | null;
}

const { minSharedNgrams, chunks } = workerData as RetrievalWorkerData;
const pool = new Map(chunks ?? []);

function decide(batch: AnswerBatch): ChunkUse[][] {
  const bytes = Buffer.from(batch.utf8.buffer, batch.utf8.byteOffset, batch.utf8.byteLength);
  const text = (index: number) => bytes.toString('utf8', index === 0 ? 0 : batch.ends[index - 1]!, batch.ends[index]!);
  const chunkOf = ({ chunkId, chunkKey, text: index }: BatchChunk): RetrievedChunk => {
    if (index >= 0) return { chunkId, chunkKey, chunk: text(index) };
    const chunk = pool.get(chunkKey);
    if (chunk === undefined) throw new Error(`unused_retrieval: chunk ${chunkKey} is not in the pool the worker was given`);
    return { chunkId, chunkKey, chunk };
  };
  return batch.answers.map(({ output, chunks }) => decideAnswerChunks(text(output), text(output + 1), chunks.map(chunkOf), minSharedNgrams));
}

if (parentPort) serveTasks<AnswerBatch, ChunkUse[][]>(parentPort, decide);
