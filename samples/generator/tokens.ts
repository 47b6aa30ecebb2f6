// Exact o200k_base token counts, fast enough to count every generated text as it is made.
// tiktoken splits text with a regex and encodes each piece on its own, so counts add up over
// pieces. No piece ever crosses a space that precedes an ASCII letter (that space always
// starts a piece), so texts are cut there first — a plain character scan — and each word-sized
// chunk's count is memoized; only unseen chunks go through the (slow, unicode) regex.
import { Tiktoken } from 'js-tiktoken/lite';
import o200kBase from 'js-tiktoken/ranks/o200k_base';

/** OpenAI chat format: every message costs 3 tokens plus its role (1 token) besides its content,
 * the reply priming 3 more (the OpenAI cookbook's count, which reproduces billed prompt tokens). */
export const TOKENS_PER_MESSAGE = 4;
export const TOKENS_PER_REPLY = 3;

/** Anthropic's message format is not published: the sample bills their content tokens alone. */
export function chatFormatTokens(provider: string, contentTokens: number, messageCount: number): number {
  return provider === 'anthropic' ? contentTokens : contentTokens + TOKENS_PER_MESSAGE * messageCount + TOKENS_PER_REPLY;
}

/** Past this many memoized chunks or pieces a memo starts over (random keys and ids never repeat). */
const MAX_MEMO_ENTRIES = 400_000;
const SPACE = 0x20;

let sharedEncoding: Tiktoken | null = null;

/** A string of its own: a slice would keep the whole text it was cut from alive in the memo. */
function ownCopy(slice: string): string {
  return Buffer.from(slice, 'utf8').toString('utf8');
}

export function o200kEncoding(): Tiktoken {
  sharedEncoding ??= new Tiktoken(o200kBase);
  return sharedEncoding;
}

/** Token count of `text` exactly as `encode(text, [], []).length`, memoized per regex piece. */
export class TokenCounter {
  private readonly encoding = o200kEncoding();
  private readonly pieceRegex = new RegExp(o200kBase.pat_str, 'gu');
  private readonly firstPieceRegex = new RegExp(o200kBase.pat_str, 'uy');
  /** Token count per piece; -1 marks a piece that splits differently on its own. */
  private readonly pieceTokens = new Map<string, number>();
  private readonly chunkTokens = new Map<string, number>();

  count(text: string): number {
    let tokens = 0;
    let start = 0;
    for (let at = 1; at < text.length - 1; at++) {
      if (text.charCodeAt(at) !== SPACE) continue;
      const next = text.charCodeAt(at + 1) | 0x20; // lower-cases ASCII letters, keeps the rest out of a–z
      if (next < 0x61 || next > 0x7a) continue;
      tokens += this.countChunk(text.slice(start, at));
      start = at;
    }
    return tokens + this.countChunk(text.slice(start));
  }

  private countChunk(chunk: string): number {
    let tokens = this.chunkTokens.get(chunk);
    if (tokens === undefined) {
      if (this.chunkTokens.size > MAX_MEMO_ENTRIES) this.chunkTokens.clear();
      this.chunkTokens.set(ownCopy(chunk), (tokens = this.countPieces(chunk)));
    }
    return tokens;
  }

  private countPieces(text: string): number {
    let tokens = 0;
    const regex = this.pieceRegex;
    regex.lastIndex = 0;
    for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
      const piece = match[0];
      const pieceTokens = this.pieceTokens.get(piece) ?? this.learnPiece(piece);
      if (pieceTokens < 0) return this.encoding.encode(text, [], []).length;
      tokens += pieceTokens;
    }
    return tokens;
  }

  private learnPiece(piece: string): number {
    if (this.pieceTokens.size > MAX_MEMO_ENTRIES) this.pieceTokens.clear();
    // A piece is encoded alone only when the regex, run on it alone, keeps it whole (the
    // whitespace rules look ahead, so a few pieces split differently out of context).
    this.firstPieceRegex.lastIndex = 0;
    const keptWhole = this.firstPieceRegex.exec(piece)?.[0] === piece;
    const tokens = keptWhole ? this.encoding.encode(piece, [], []).length : -1;
    this.pieceTokens.set(ownCopy(piece), tokens);
    return tokens;
  }
}

/** A text with its o200k_base count, counted once when the text is made. */
export interface CountedText {
  text: string;
  tokens: number;
}
