// Worker thread: decides chunk use for batches of answers, each with the chunks retrieved for it.
import { parentPort, workerData } from 'node:worker_threads';
import { serveTasks } from '../worker-pool.js';
import { decideAnswerChunks, type ChunkUse, type RetrievedChunk } from './retrieval-use.js';

export interface AnswerChunks {
  output: string;
  question: string;
  chunks: RetrievedChunk[];
}

const { minSharedNgrams } = workerData as { minSharedNgrams: number };
if (parentPort) {
  serveTasks<AnswerChunks[], ChunkUse[][]>(parentPort, (answers) =>
    answers.map((answer) => decideAnswerChunks(answer.output, answer.question, answer.chunks, minSharedNgrams)),
  );
}
