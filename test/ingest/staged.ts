// The rows a BatchParser staged for one table (UTF-8 NDJSON), parsed.
export function stagedRows<Row = Record<string, unknown>>(ndjson: Uint8Array): Row[] {
  return Buffer.from(ndjson.buffer, ndjson.byteOffset, ndjson.byteLength)
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Row);
}
