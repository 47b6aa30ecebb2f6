// Varied texts for holding the token counters to js-tiktoken: words in every case, scripts,
// emoji, special-token look-alikes, code, numbers, white space of every kind, long runs.
import { mulberry32 } from '../random.js';

const WORDS = ['the', 'The', 'THE', 'quick', 'Brown', 'fOX', 'HTTPServer', 'iPhone', 'naïve', 'café', 'Ünïcödé', 'straße', 'Ωmega', 'ǅemal', 'x', 'I'];
const FRAGMENTS = [
  // contractions, in every case, and look-alikes
  "don't", "WE'LL", "they'Re", "it'S", "'s", "'ll", "'", "''", "'d'", 'you’re',
  // CJK, Hangul, fullwidth, RTL (Hebrew with points, Arabic with Arabic-Indic digits), Devanagari, Thai
  '東京都の天気は晴れです。', '中文分词测试，', '한국어 텍스트', 'ｆｕｌｌｗｉｄｔｈ１２３', 'שָׁלוֹם עולם', 'مرحبا بالعالم ١٢٣٤', 'नमस्ते दुनिया', 'ไทย',
  // combining marks, emoji with ZWJ / variation selectors / skin tones / flags, lone surrogates
  'e\u0301\u0301', 'a\u0308\u0324', '\u0301', '👩‍👩‍👧‍👦', '🏳️‍🌈', '🇳🇴🇯🇵', '👍🏽', '🙂', '\u200d', '\ufe0f', '\ud83d', '\udc00x',
  // special-token look-alikes
  '<|endoftext|>', '<|fim_prefix|>', '<|fim_middle|>', '<|endofprompt|>', '<|im_start|>', '<|endoftext', 'endoftext|>', '<||>',
  // code and markup
  'function add(a, b) {\n  return a + b;\n}\n', 'if (x >= 10 && y != null) { return; }', 'SELECT * FROM t WHERE id IN (1, 2, 3);',
  'http://example.com/a/b?c=d&e=f#g', '//comment', '/* block */', '#!/usr/bin/env node', '{"key": [1, 2.5, "v"], "n": null}', '</div><br/>',
  // numbers and punctuation, ASCII and not
  '$1,000,000.00', '3.14159', '²³', '½', '1e-10', '0x1F', 'v1.2.3', '-42', '!!!???...', '---', '***', '\\\\', '…', '—', '“quoted”', '«guillemets»',
  '\u0000', '\u001f', '\u007f', '\uFFFD', '\u00ad',
];
const SPACES = [' ', '  ', '   ', '\t', '\t\t', '\n', '\n\n', '\r\n', ' \n', '\n ', '\n\n\n   ', '\u00a0', '\u3000', '\u2028', '\u0085', '\v', '\f', ' \t \n'];
const LONG_WORDS = ['Supercalifragilisticexpialidocious', 'x', 'ab', '-', ' ', '\n', '9', 'é'];

function variedText(random: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const run = (from: number, maxLength: number) =>
    Array.from({ length: 1 + Math.floor(random() * maxLength) }, () => String.fromCharCode(from + Math.floor(random() * (from === 48 ? 10 : 26)))).join('');
  if (random() < 0.02) return pick(LONG_WORDS).repeat(1 + Math.floor(random() * 30));
  let text = '';
  for (let parts = 1 + Math.floor(random() * 40); parts > 0; parts--) {
    const kind = random();
    if (kind < 0.3) text += pick(WORDS);
    else if (kind < 0.4) text += run(97, 20); // a lower-case word up to 20 letters
    else if (kind < 0.45) text += run(48, 30); // a digit run up to 30 digits
    else if (kind < 0.55) text += String.fromCodePoint(Math.floor(random() * 0x3000));
    else if (kind < 0.8) text += pick(SPACES);
    else text += pick(FRAGMENTS);
    if (random() < 0.5) text += ' ';
  }
  return text;
}

export function variedTexts(count: number, seed: number): string[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, () => variedText(random));
}
