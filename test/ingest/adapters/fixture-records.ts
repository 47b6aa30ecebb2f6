// The JSON objects of a JSONL fixture, the way the loader reads lines: blank lines, invalid JSON
// and other JSON values are left out (the canonical fixture has malformed lines on purpose).
import { readFileSync } from 'node:fs';
import { parseObject } from '../../../src/ingest/load.js';

export function objectRecords(path: string | URL): Array<Record<string, unknown>> {
  return readFileSync(path, 'utf8')
    .split('\n')
    .map(parseObject)
    .filter((record) => record !== null);
}
