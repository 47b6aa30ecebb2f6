// OpenAI Batch API files: the input JSONL (`{custom_id, method, url, body}`, one request body a
// line) and the output JSONL (`{id, custom_id, response: {status_code, request_id, body}, error}`),
// joined by custom_id; every call is billed at batch prices.
// Format: https://platform.openai.com/docs/guides/batch ("Preparing your batch file", "Retrieving
// the results": output lines may be in any order, use custom_id; failed requests carry `error`
// or a non-200 status_code) and https://platform.openai.com/docs/api-reference/batch/request-output.
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { batchText, type LineBatch } from '../line-batch.js';
import { showValue } from '../../config/issues.js';
import type { AdapterResult, LogAdapter, RegroupContext } from './types.js';
import { openaiAdapter } from './openai.js';
import { isRecord } from './chat-messages.js';

type Record_ = Record<string, unknown>;


function isInputLine(record: Record_): boolean {
  return typeof record.custom_id === 'string' && isRecord(record.body) && ('url' in record || 'method' in record);
}

function isOutputLine(record: Record_): boolean {
  return typeof record.custom_id === 'string' && ('response' in record || 'error' in record) && !('body' in record);
}

/** Inputs and outputs of one batch sit in one folder: custom_ids are unique within a batch only. */
function joinKey(file: string, customId: string): string {
  return `${dirname(file)}\n${customId}`;
}

/** The batch's input line, joined onto its output line as `input` (main thread, before parsing). */
async function* regroup(batches: AsyncIterable<LineBatch>, context: RegroupContext): AsyncGenerator<LineBatch> {
  for await (const batch of batches) {
    const lines = batchText(batch)
      .split('\n')
      .map((raw) => {
        let record: unknown;
        try {
          record = JSON.parse(raw);
        } catch {
          return raw;
        }
        if (!isRecord(record) || !isOutputLine(record)) return raw;
        const key = joinKey(context.file, record.custom_id as string);
        const input = context.companions.get(key);
        if (input === undefined) return raw;
        context.companions.delete(key);
        context.merged++;
        return JSON.stringify({ ...record, input: JSON.parse(input) as unknown });
      });
    yield { ...batch, text: lines.join('\n'), bytes: undefined };
  }
}

/** When the output file was written: the time of a failed line that has no response body. */
function fileTimeMs(file: string): number | null {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

function toCanonical(record: Record_, context: Parameters<LogAdapter['toCanonical']>[1]): AdapterResult {
  const customId = record.custom_id as string;
  const input = isRecord(record.input) ? record.input : null;
  const requestBody = input && isRecord(input.body) ? input.body : {};
  const response = isRecord(record.response) ? record.response : null;
  const statusCode = typeof response?.status_code === 'number' ? response.status_code : null;
  const responseBody = response && isRecord(response.body) ? response.body : null;
  const failed = record.error !== null && record.error !== undefined ? true : statusCode !== null && statusCode >= 400;
  const model = typeof responseBody?.model === 'string' ? responseBody.model : typeof requestBody.model === 'string' ? requestBody.model : null;
  if (model === null) {
    return { ok: false, reason: 'missing field', detail: `response.body.model is required (line ${showValue(customId)} has no response body and no joined input line naming the model)` };
  }
  // A failed line without a body was never billed: usage zero, at the time the file was written.
  const body = failed && (!responseBody || !responseBody.usage) ? { ...(responseBody ?? {}), model, usage: { prompt_tokens: 0, completion_tokens: 0 } } : responseBody;
  const created = typeof body?.created === 'number' ? undefined : fileTimeMs(context.file);
  const result = openaiAdapter.toCanonical(
    { request: { ...requestBody, model: requestBody.model ?? model }, response: body ?? {}, ...(created !== undefined && created !== null ? { timestamp: created } : {}) },
    context,
  );
  if (!result.ok) return result;
  const request = result.request;
  request.requestId = typeof response?.request_id === 'string' && response.request_id !== '' ? response.request_id : typeof record.id === 'string' ? record.id : context.rowHash;
  request.batch = true;
  if (failed) {
    request.status = 'error';
    request.finishReason ??= 'error';
  }
  request.params.other = { ...request.params.other, custom_id: customId };
  return { ok: true, request };
}

export const openaiBatchAdapter: LogAdapter = {
  format: 'openai-batch',
  detect(record) {
    return isInputLine(record) || isOutputLine(record);
  },
  expand(record) {
    // An input line in a file of outputs (or read alone) is a request that has no result here.
    return isInputLine(record) ? { records: [], skipped: 1 } : { records: [record], skipped: 0 };
  },
  toCanonical,
  regroup,
  companionKey(record, file) {
    return isInputLine(record) ? joinKey(file, record.custom_id as string) : null;
  },
};
