// A chunk of the replay's requests as typed columns (replay-rows.ts reads them out of DuckDB),
// and back as the ReplayRequests the policies read, in the replay worker. No DuckDB here: the
// worker loads this module.
import type { ResultValues } from './result-chunks.js';
import type { ReplayRequest, ReplaySegment } from './types.js';

/** Segment kinds in the order replay_requests numbers them ($segment_kinds). */
export const SEGMENT_KINDS: ReadonlyArray<ReplaySegment['kind']> = ['system', 'history', 'retrieval', 'user', 'tool'];

/**
 * A chunk of replay_requests with its requests' segments, as typed columns: it moves to the replay
 * worker without a copy, where structured-cloning request objects (BigInts and all) took longer
 * to read back than the policies took to run. `batchRequests` makes the ReplayRequests again.
 */
export interface RequestBatch {
  count: number;
  /** NUMBERS values a request (the order of NUMBER_AT). */
  numbers: Float64Array;
  responseKeys: BigUint64Array;
  /** STRINGS values a request (the order of STRING_AT). */
  strings: Array<string | null>;
  /** Where each request's segments end in the segment columns (the next one's start). */
  segmentEnds: Int32Array;
  /** A segment's kind as its position in SEGMENT_KINDS. */
  segmentKinds: Uint8Array;
  segmentTokens: Float64Array;
  /** 1 used, 0 not, -1 undecided (null). */
  segmentUsed: Int8Array;
  /** Each segment's (position, hash) hash; summed in order they key the prompt's prefixes. */
  positionHashes: BigUint64Array;
}

export const NUMBER_AT = { seq: 0, tsMs: 1, latencyMs: 2, inputTokens: 3, outputTokens: 4, cachedInputTokens: 5, cacheWriteTokens: 6, cacheWrite1hTokens: 7, costUsd: 8, o200k: 9, cl100k: 10, flags: 11 };
export const NUMBERS = 12;
export const STRING_AT = { requestId: 0, feature: 1, provider: 2, model: 3, userId: 4, status: 5, question: 6 };
export const STRINGS = 7;
/** Bits of the flags number: booleans, and which nullable numbers are null. */
export const FLAG = { batch: 1, cacheable: 2, noLatency: 4, noO200k: 8, noCl100k: 16 };

/** The buffers a batch moves to the worker with. */
export function batchBuffers(batch: RequestBatch): ArrayBuffer[] {
  return [batch.numbers, batch.responseKeys, batch.segmentEnds, batch.segmentKinds, batch.segmentTokens, batch.segmentUsed, batch.positionHashes].map((array) => array.buffer as ArrayBuffer);
}

/** The batch's requests as the policies read them, each segment with the key of the prefix ending there. */
export function batchRequests(batch: RequestBatch): ReplayRequest[] {
  const { numbers, strings } = batch;
  const requests = new Array<ReplayRequest>(batch.count);
  let segment = 0;
  for (let row = 0; row < batch.count; row++) {
    const n = row * NUMBERS;
    const t = row * STRINGS;
    const flags = numbers[n + NUMBER_AT.flags]!;
    const segments: ReplaySegment[] = [];
    // the prompt prefix ending at a segment: the sum of each segment's (position, hash) hash so far
    let prefixKey = 0n;
    for (const end = batch.segmentEnds[row]!; segment < end; segment++) {
      prefixKey += batch.positionHashes[segment]!;
      const used = batch.segmentUsed[segment]!;
      segments.push({ kind: SEGMENT_KINDS[batch.segmentKinds[segment]!]!, tokens: batch.segmentTokens[segment]!, used: used < 0 ? null : used === 1, prefixKey });
    }
    requests[row] = {
      seq: numbers[n + NUMBER_AT.seq]!,
      requestId: strings[t + STRING_AT.requestId] as string,
      tsMs: numbers[n + NUMBER_AT.tsMs]!,
      feature: strings[t + STRING_AT.feature] as string,
      provider: strings[t + STRING_AT.provider] as string,
      model: strings[t + STRING_AT.model] as string,
      userId: strings[t + STRING_AT.userId] ?? null,
      status: strings[t + STRING_AT.status] as string,
      batch: (flags & FLAG.batch) !== 0,
      latencyMs: flags & FLAG.noLatency ? null : numbers[n + NUMBER_AT.latencyMs]!,
      responseKey: batch.responseKeys[row]!,
      cacheable: (flags & FLAG.cacheable) !== 0,
      inputTokens: numbers[n + NUMBER_AT.inputTokens]!,
      outputTokens: numbers[n + NUMBER_AT.outputTokens]!,
      cachedInputTokens: numbers[n + NUMBER_AT.cachedInputTokens]!,
      cacheWriteTokens: numbers[n + NUMBER_AT.cacheWriteTokens]!,
      cacheWrite1hTokens: numbers[n + NUMBER_AT.cacheWrite1hTokens]!,
      costUsd: numbers[n + NUMBER_AT.costUsd]!,
      segments,
      question: strings[t + STRING_AT.question] ?? null,
      promptTokens: {
        o200k_base: flags & FLAG.noO200k ? null : numbers[n + NUMBER_AT.o200k]!,
        cl100k_base: flags & FLAG.noCl100k ? null : numbers[n + NUMBER_AT.cl100k]!,
      },
    };
  }
  return requests;
}

/** The replay's result rows for a batch, as typed columns (the worker sends them back). */
export interface ResultBatch {
  rows: number;
  /** RESULT_NUMBERS values a row: scenario number, seq, input, output and cached tokens, cost, latency, flags. */
  numbers: Float64Array;
  routedModels: Array<string | null>;
}

const RESULT_NUMBERS = 8;
const RESULT_FLAG = { responseCacheHit: 1, routed: 2, truncated: 4, blocked: 8, noLatency: 16 };

export function encodeResults(rows: ResultValues[]): ResultBatch {
  const numbers = new Float64Array(rows.length * RESULT_NUMBERS);
  rows.forEach((row, i) => {
    const n = i * RESULT_NUMBERS;
    numbers[n] = row.scenarioNo;
    numbers[n + 1] = row.seq;
    numbers[n + 2] = row.inputTokens;
    numbers[n + 3] = row.outputTokens;
    numbers[n + 4] = row.cachedTokens;
    numbers[n + 5] = row.costUsd;
    numbers[n + 6] = row.latencyMs ?? 0;
    numbers[n + 7] =
      (row.responseCacheHit ? RESULT_FLAG.responseCacheHit : 0) |
      (row.routed ? RESULT_FLAG.routed : 0) |
      (row.truncated ? RESULT_FLAG.truncated : 0) |
      (row.blocked ? RESULT_FLAG.blocked : 0) |
      (row.latencyMs === null ? RESULT_FLAG.noLatency : 0);
  });
  return { rows: rows.length, numbers, routedModels: rows.map((row) => row.routedModel) };
}

/** Each result row of a batch, as encodeResults was given it. */
export function forEachResult(batch: ResultBatch, visit: (row: ResultValues) => void): void {
  const { numbers } = batch;
  for (let i = 0; i < batch.rows; i++) {
    const n = i * RESULT_NUMBERS;
    const flags = numbers[n + 7]!;
    visit({
      scenarioNo: numbers[n]!,
      seq: numbers[n + 1]!,
      routedModel: batch.routedModels[i] ?? null,
      inputTokens: numbers[n + 2]!,
      outputTokens: numbers[n + 3]!,
      cachedTokens: numbers[n + 4]!,
      costUsd: numbers[n + 5]!,
      latencyMs: flags & RESULT_FLAG.noLatency ? null : numbers[n + 6]!,
      responseCacheHit: (flags & RESULT_FLAG.responseCacheHit) !== 0,
      routed: (flags & RESULT_FLAG.routed) !== 0,
      truncated: (flags & RESULT_FLAG.truncated) !== 0,
      blocked: (flags & RESULT_FLAG.blocked) !== 0,
    });
  }
}
