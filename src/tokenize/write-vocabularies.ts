// `npm run build` runs this after compiling: each encoding's vocabulary, built from
// gpt-tokenizer's ranks, written to dist/vocabularies for the counters to read (vocabulary.ts).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ENCODING_NAMES } from './encodings.js';
import { buildRankTable, vocabularyDir, writeRankTableFile } from './vocabulary.js';

const dir = vocabularyDir();
mkdirSync(dir, { recursive: true });
for (const encoding of ENCODING_NAMES) writeRankTableFile(join(dir, `${encoding}.bin`), encoding, buildRankTable(encoding));
