import { describe, expect, it } from 'vitest';
import { encodingForModel, isExactEncoding } from '../../src/tokenize/encodings.js';

describe('the model → encoding map', () => {
  it.each([
    ['gpt-4o', 'o200k_base', true],
    ['gpt-4o-mini-2024-07-18', 'o200k_base', true],
    ['gpt-4.1-nano', 'o200k_base', true],
    ['gpt-4.5-preview', 'o200k_base', true],
    ['gpt-5.1', 'o200k_base', true],
    ['o3-mini', 'o200k_base', true],
    ['o1', 'o200k_base', true],
    ['openai/gpt-4o', 'o200k_base', true],
    ['gpt-4', 'cl100k_base', true],
    ['gpt-4-0613', 'cl100k_base', true],
    ['gpt-4-turbo-2024-04-09', 'cl100k_base', true],
    ['gpt-3.5-turbo', 'cl100k_base', true],
    ['claude-sonnet-4-5', 'o200k_base', false],
    ['gemini-2.5-pro', 'o200k_base', false],
    ['llama-3-70b', 'o200k_base', false],
  ])('counts %s with %s (exact: %s)', (model, encoding, exact) => {
    expect(encodingForModel(model)).toBe(encoding);
    expect(isExactEncoding(model)).toBe(exact);
  });

  it('lets the config override by exact name, then by the longest prefix', () => {
    const overrides = { 'my-finetune': 'cl100k_base', 'my-': 'o200k_base', 'my-finetune-v': 'cl100k_base' } as const;
    expect(encodingForModel('my-finetune', overrides)).toBe('cl100k_base');
    expect(encodingForModel('my-finetune-v2', overrides)).toBe('cl100k_base');
    expect(encodingForModel('my-other', overrides)).toBe('o200k_base');
    expect(isExactEncoding('my-other', overrides)).toBe(true);
  });
});
