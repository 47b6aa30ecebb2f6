// Reading JSONL files in line batches: every line once, with its number, whatever the batch size.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readLineBatches, SpareBuffers } from '../../src/ingest/read.js';

const dir = mkdtempSync(join(tmpdir(), 'tokenaudit-read-'));

/** Each line a batch held, by its line number. */
async function linesRead(path: string, batchBytes: number): Promise<Map<number, string>> {
  const lines = new Map<number, string>();
  const buffers = new Set<ArrayBufferLike>();
  for await (const batch of readLineBatches(path, batchBytes)) {
    // each batch owns its buffer: it is moved to a worker, not copied
    expect(buffers.has(batch.bytes!.buffer)).toBe(false);
    buffers.add(batch.bytes!.buffer);
    Buffer.from(batch.bytes!).toString('utf8').split('\n').forEach((line, i) => {
      if (line !== '') lines.set(batch.firstLine + i, line);
    });
  }
  return lines;
}

const text = ['{"a":1}', '', '{"b":"é€😀"}', 'x'.repeat(300), '{"c":3}\r', '{"d":"a line longer than a batch, and then some more"}', '{"e":5}'].join('\n');
const expected = new Map(
  text
    .split('\n')
    .map((line, i) => [i + 1, line] as const)
    .filter(([, line]) => line !== ''),
);

describe('readLineBatches', () => {
  it.each([1, 7, 16, 64, 4096])('reads every line once with its number in batches of %i bytes', async (batchBytes) => {
    const path = join(dir, `plain-${batchBytes}.jsonl`);
    writeFileSync(path, text);
    const lines = await linesRead(path, batchBytes);
    expect(lines).toEqual(expected);
    // line 2 is blank; the others keep their numbers, their \r and their non-ASCII bytes
    expect([...lines.keys()]).toEqual([1, 3, 4, 5, 6, 7]);
    expect(lines.get(3)).toBe('{"b":"é€😀"}');
    expect(lines.get(5)).toBe('{"c":3}\r');
    expect(lines.get(7)).toBe('{"e":5}');
  });

  it('reads a file that ends with a newline, and an empty file', async () => {
    writeFileSync(join(dir, 'newline.jsonl'), `${text}\n`);
    expect(await linesRead(join(dir, 'newline.jsonl'), 16)).toEqual(expected);
    writeFileSync(join(dir, 'empty.jsonl'), '');
    expect(await linesRead(join(dir, 'empty.jsonl'), 16)).toEqual(new Map());
  });

  it('reads a gzipped file to the same lines', async () => {
    const path = join(dir, 'lines.jsonl.gz');
    writeFileSync(path, gzipSync(text));
    expect(await linesRead(path, 16)).toEqual(expected);
  });

  it('reads into spare buffers as into new ones, whatever they held before', async () => {
    const path = join(dir, 'spare.jsonl');
    writeFileSync(path, text);
    for (const batchBytes of [1, 7, 16, 64]) {
      const spare = new SpareBuffers();
      // spent buffers full of newlines and bytes of other lines, some too small to be taken
      for (const size of [3, 40, 200_000, 90_000]) spare.put(new Uint8Array(size).fill(0x0a).fill(0x7b, 0, size >> 1).buffer);
      const lines = new Map<number, string>();
      for await (const batch of readLineBatches(path, batchBytes, spare)) {
        Buffer.from(batch.bytes!).toString('utf8').split('\n').forEach((line, i) => {
          if (line !== '') lines.set(batch.firstLine + i, line);
        });
        // the worker is done with it: it comes back to be read into again
        spare.put(batch.bytes!.buffer as ArrayBuffer);
      }
      expect(lines).toEqual(expected);
    }
  });

  it('hands out a spare buffer only when it is large enough, and a new one with room to spare otherwise', () => {
    const spare = new SpareBuffers(2);
    const small = new ArrayBuffer(10);
    const large = new ArrayBuffer(1000);
    spare.put(small);
    spare.put(large);
    spare.put(new ArrayBuffer(5000)); // past the two it keeps
    expect(spare.take(100).buffer).toBe(large);
    const fresh = spare.take(100);
    expect(fresh.buffer).not.toBe(small);
    expect(fresh.byteLength).toBeGreaterThan(100);
    expect(spare.take(10).buffer).toBe(small);
  });
});
