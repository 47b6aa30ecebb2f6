// CSV exports (LiteLLM spend logs, Helicone, Langfuse, token-count traces) as JSON records: a
// header row names the columns; cells are typed the way a JSON export would have held them.
import { parse } from 'csv-parse';
import type { LineBatch, RejectedRecord } from '../line-batch.js';
import { openDecompressed } from '../read.js';

const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * A cell as the value a JSON export would hold: "" → null, numbers, true/false, and JSON
 * objects or lists (message and metadata columns) parsed; anything else stays text.
 */
export function csvCellValue(cell: string): unknown {
  if (cell === '') return null;
  if (NUMBER.test(cell)) {
    const number = Number(cell);
    // Long digit strings (ids) would lose digits as numbers: they stay text.
    if (Number.isSafeInteger(number) || !/^-?\d+$/.test(cell)) return number;
    return cell;
  }
  if (cell === 'true' || cell === 'TRUE') return true;
  if (cell === 'false' || cell === 'FALSE') return false;
  const head = cell[0];
  if (head === '{' || head === '[') {
    try {
      return JSON.parse(cell);
    } catch {
      return cell;
    }
  }
  return cell;
}

/** Yields the rows of a CSV file (header first) as JSON lines numbered by their first line. */
export async function* csvLineBatches(path: string, batchRows = 4096): AsyncGenerator<LineBatch> {
  const parser = openDecompressed(path).pipe(
    parse({ columns: true, bom: true, info: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, skip_records_with_error: true }),
  );
  let rejects: RejectedRecord[] = [];
  // Where the next record starts: a syntax error is reported where the parser gave up, which
  // for an unclosed quote is the end of the file.
  let nextLine = 2;
  parser.on('skip', (error: Error & { lines?: number; record?: string[] }) => {
    const excerpt = Array.isArray(error.record) ? error.record.join(',') : '';
    const detail = `${error.message} (the rows from line ${nextLine} to line ${error.lines ?? nextLine} could not be read)`;
    rejects.push({ line: nextLine, reason: 'invalid csv', detail, excerpt: excerpt.slice(0, 200) });
    nextLine = (error.lines ?? nextLine) + 1;
  });
  let records: string[] = [];
  let lines: number[] = [];
  for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number; bytes: number } }>) {
    const typed: Record<string, unknown> = {};
    for (const [column, cell] of Object.entries(record)) typed[column] = csvCellValue(cell);
    records.push(JSON.stringify(typed));
    // info.lines is the line the record ends on; a quoted cell may span lines.
    lines.push(info.lines);
    nextLine = info.lines + 1;
    if (records.length >= batchRows) {
      yield { firstLine: lines[0]!, text: records.join('\n'), lines, rejects };
      records = [];
      lines = [];
      rejects = [];
    }
  }
  if (records.length > 0 || rejects.length > 0) yield { firstLine: lines[0] ?? 1, text: records.join('\n'), lines, rejects };
}
