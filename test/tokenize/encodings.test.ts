// Which encoding recounts which model, and whether that count is exact or calibrated.
import { describe, expect, it } from 'vitest';
import { ENCODING_RULES, encodingForModel, isExactEncoding } from '../../src/tokenize/encodings.js';

describe('the model → encoding map', () => {
  it.each([
    ['gpt-4o', 'o200k_base', true],
    ['gpt-4o-mini-2024-07-18', 'o200k_base', true],
    ['chatgpt-4o-latest', 'o200k_base', true],
    ['gpt-4.1-nano', 'o200k_base', true],
    ['gpt-4.5-preview', 'o200k_base', true],
    ['gpt-5', 'o200k_base', true],
    ['gpt-5.1-codex-mini', 'o200k_base', true],
    ['o1', 'o200k_base', true],
    ['o1-preview-2024-09-12', 'o200k_base', true],
    ['o3-mini', 'o200k_base', true],
    ['o4-mini-deep-research', 'o200k_base', true],
    ['gpt-4', 'cl100k_base', true],
    ['gpt-4-0613', 'cl100k_base', true],
    ['gpt-4-32k', 'cl100k_base', true],
    ['gpt-4-turbo-2024-04-09', 'cl100k_base', true],
    ['gpt-3.5-turbo', 'cl100k_base', true],
    ['gpt-3.5-turbo-instruct', 'cl100k_base', true],
    ['text-embedding-3-small', 'cl100k_base', true],
    ['claude-sonnet-4-5', 'o200k_base', false],
    ['gemini-2.5-pro', 'o200k_base', false],
    ['llama-3-70b', 'o200k_base', false],
    ['mistral-large-latest', 'o200k_base', false],
    ['omni-moderation-latest', 'o200k_base', false],
    ['', 'o200k_base', false],
  ])('counts %s with %s (exact: %s)', (model, encoding, exact) => {
    expect(encodingForModel(model)).toBe(encoding);
    expect(isExactEncoding(model)).toBe(exact);
  });

  it.each([
    ['openai/gpt-4o', 'o200k_base'],
    ['openrouter/openai/gpt-3.5-turbo', 'cl100k_base'],
    ['openai:gpt-4o-mini', 'o200k_base'],
    ['ft:gpt-4o-mini-2024-07-18:acme::9abcDEF', 'o200k_base'],
    ['ft:gpt-3.5-turbo-0613:acme::8xyz', 'cl100k_base'],
    ['gpt-35-turbo', 'cl100k_base'],
    ['GPT-4o', 'o200k_base'],
  ])('sees through provider prefixes, fine-tune names and Azure spellings: %s → %s', (model, encoding) => {
    expect(encodingForModel(model)).toBe(encoding);
    expect(isExactEncoding(model)).toBe(true);
  });

  it('does not take a Bedrock model id for an o-series model', () => {
    expect(isExactEncoding('us.anthropic.claude-3-5-sonnet-20240620-v1:0')).toBe(false);
  });

  it('lets the config override by exact name, then by the longest prefix', () => {
    const overrides = { 'my-finetune': 'cl100k_base', 'my-': 'o200k_base', 'my-finetune-v': 'cl100k_base' } as const;
    expect(encodingForModel('my-finetune', overrides)).toBe('cl100k_base');
    expect(encodingForModel('my-finetune-v2', overrides)).toBe('cl100k_base');
    expect(encodingForModel('my-other', overrides)).toBe('o200k_base');
    expect(encodingForModel('gpt-4o', { gpt: 'cl100k_base' })).toBe('cl100k_base');
  });

  it('takes an overridden model as exactly counted: the user named its tokenizer', () => {
    expect(isExactEncoding('claude-sonnet-4-5')).toBe(false);
    expect(isExactEncoding('claude-sonnet-4-5', { 'claude-': 'o200k_base' })).toBe(true);
  });

  it('is a table the README can print, ending with the catch-all', () => {
    expect(ENCODING_RULES.map((rule) => [rule.encoding, rule.exact])).toEqual([
      ['o200k_base', true],
      ['o200k_base', true],
      ['cl100k_base', true],
      ['cl100k_base', true],
      ['cl100k_base', true],
      ['o200k_base', false],
    ]);
    expect(ENCODING_RULES.at(-1)!.pattern.test('anything at all')).toBe(true);
  });
});
