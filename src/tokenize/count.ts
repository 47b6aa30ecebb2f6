// Exact token counts, as fast as we can make them: gpt-tokenizer's BPE (kept equal to
// js-tiktoken by a test), special-token text counted as ordinary text, and a capped memo of
// paragraph counts — texts split where counts stay exactly additive, so a paragraph repeated
// across distinct texts (growing histories, shared preambles) is encoded once.
import { countTokens as countO200k } from 'gpt-tokenizer/encoding/o200k_base';
import { countTokens as countCl100k } from 'gpt-tokenizer/encoding/cl100k_base';
import { getEncoding, type Tiktoken } from 'js-tiktoken';
import type { EncodingName } from './encodings.js';

// Logs are data: `<|endoftext|>` in a prompt is text the user sent, so it counts as text.
const ORDINARY = { disallowedSpecial: new Set<string>() };
const COUNTERS: Record<EncodingName, (text: string) => number> = {
  o200k_base: (text) => countO200k(text, ORDINARY),
  cl100k_base: (text) => countCl100k(text, ORDINARY),
};


/**
 * Split points where BPE counts add up exactly: after a newline, before a character that is
 * neither white space nor "/" (checked on 22k texts; "\n\n" splits are not additive, since
 * o200k merges punctuation runs with newlines).
 */
const ADDITIVE_SPLIT = /(?<=\n)(?=[^\s/])/;

export function splitAdditive(text: string): string[] {
  return text.split(ADDITIVE_SPLIT);
}

/** Pieces shorter than this are cheaper to encode than to look up. */
const MEMO_MIN_CHARS = 64;
const MEMO_MAX_ENTRIES = 200_000;
const memos: Record<EncodingName, Map<string, number>> = { o200k_base: new Map(), cl100k_base: new Map() };

function countPiece(piece: string, encoding: EncodingName): number {
  if (piece.length < MEMO_MIN_CHARS) return COUNTERS[encoding](piece);
  const memo = memos[encoding];
  let tokens = memo.get(piece);
  if (tokens === undefined) {
    tokens = COUNTERS[encoding](piece);
    if (memo.size >= MEMO_MAX_ENTRIES) memo.clear();
    memo.set(piece, tokens);
  }
  return tokens;
}

export function countTokens(text: string, encoding: EncodingName, specialTokens: 'as-text' | 'as-special' = 'as-text'): number {
  if (text.length === 0) return 0;
  // Special-token text as the special token itself (tiktoken's allowed_special="all"). Not the hot
  // path, and gpt-tokenizer gets "x <|endoftext|>" wrong there, so js-tiktoken counts it.
  if (specialTokens === 'as-special') return reference(encoding).encode(text, 'all', []).length;
  if (text.indexOf('\n') < 0) return countPiece(text, encoding);
  let total = 0;
  for (const piece of splitAdditive(text)) total += countPiece(piece, encoding);
  return total;
}

const references = new Map<EncodingName, Tiktoken>();

/** js-tiktoken's count: the reference the fast path is tested and benchmarked against. */
function reference(encoding: EncodingName): Tiktoken {
  let tiktoken = references.get(encoding);
  if (!tiktoken) references.set(encoding, (tiktoken = getEncoding(encoding)));
  return tiktoken;
}

export function countTokensReference(text: string, encoding: EncodingName): number {
  return reference(encoding).encode(text, [], []).length;
}
