// Byte strings (src/ingest/byte-strings.ts): the staged rows write texts through jsonString,
// which must be JSON.stringify exactly, for any string at all.
import { describe, expect, it } from 'vitest';
import { jsonString, toByteString } from '../../src/ingest/byte-strings.js';
import { mulberry32 } from '../random.js';

/** Characters JSON treats apart, and ordinary ones around them. */
const ALPHABET = [
  ...Array.from({ length: 0x21 }, (_, code) => String.fromCharCode(code)),
  '"', '\\', '/', "'", '\u007f', '\u0080', '\u00e9', '\u00ff', '\u2028', '\u2029', '\ud83c', '\udf89', '\ud83c\udf89', '日', 'a', 'Z', '0', '<', '>',
];

describe('jsonString', () => {
  it('is JSON.stringify on 20,000 random strings of escapes, controls, surrogates and letters', () => {
    const random = mulberry32(2026);
    for (let i = 0; i < 20_000; i++) {
      const length = Math.floor(random() * 40);
      let text = '';
      // most strings draw from a few characters only, so many take the quick way
      const pool = random() < 0.5 ? ALPHABET : ['a', ' ', '\n', '"', '\\', '\u00e9', 'x'];
      for (let j = 0; j < length; j++) text += pool[Math.floor(random() * pool.length)];
      expect(jsonString(text)).toBe(JSON.stringify(text));
    }
  });

  it('is JSON.stringify on texts as the parser stages them', () => {
    const texts = ['', 'plain', 'two\nlines\n', 'a "quoted" word', 'C:\\path\\"x"\n', 'tab\there', 'crlf\r\n', 'naïve café 🎉\n"ok"', '<document id="d-1">chunk</document>\n'];
    for (const text of texts.map(toByteString)) expect(jsonString(text)).toBe(JSON.stringify(text));
  });
});
