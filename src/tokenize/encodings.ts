// Which tokenizer recounts which model. OpenAI publishes its encodings, so those counts are
// exact; other families (Claude, Gemini, Llama, Mistral, …) keep theirs private and are counted
// with o200k_base, then calibrated against logged usage. Overridable with `encodings:`.

export type EncodingName = 'o200k_base' | 'cl100k_base';

export interface EncodingRule {
  /** Matches the model name (lower-cased, any `provider/` prefix removed). */
  pattern: RegExp;
  encoding: EncodingName;
  /** True when this is the model's own tokenizer. */
  exact: boolean;
  family: string;
}

/** The documented map, first match wins (the README prints it). */
export const ENCODING_RULES: readonly EncodingRule[] = [
  { family: 'GPT-4o, GPT-4.1, GPT-4.5, GPT-5.x', pattern: /^(chatgpt-4o|gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5)/, encoding: 'o200k_base', exact: true },
  { family: 'o-series reasoning models', pattern: /^o[1-9](-|$)/, encoding: 'o200k_base', exact: true },
  { family: 'GPT-4, GPT-4 Turbo', pattern: /^gpt-4(-|$)/, encoding: 'cl100k_base', exact: true },
  { family: 'GPT-3.5 Turbo', pattern: /^gpt-3\.5/, encoding: 'cl100k_base', exact: true },
  { family: 'everything else (Claude, Gemini, Llama, Mistral, …): approximate, calibrated', pattern: /.*/, encoding: 'o200k_base', exact: false },
];

function normalize(model: string): string {
  const lower = model.toLowerCase().trim();
  return lower.includes('/') ? lower.slice(lower.lastIndexOf('/') + 1) : lower;
}

/** An override for this model: the exact name first, then the longest matching prefix. */
function overrideFor(model: string, overrides: Record<string, EncodingName>): EncodingName | undefined {
  const name = model.toLowerCase().trim();
  const entries = Object.entries(overrides).map(([key, encoding]) => [key.toLowerCase(), encoding] as const);
  const exact = entries.find(([key]) => key === name);
  if (exact) return exact[1];
  const prefixes = entries.filter(([key]) => name.startsWith(key)).sort((a, b) => b[0].length - a[0].length);
  return prefixes[0]?.[1];
}

function ruleFor(model: string): EncodingRule {
  const name = normalize(model);
  return ENCODING_RULES.find((rule) => rule.pattern.test(name))!;
}

export function encodingForModel(model: string, overrides: Record<string, EncodingName> = {}): EncodingName {
  return overrideFor(model, overrides) ?? ruleFor(model).encoding;
}

/** An override says the user knows the model's tokenizer: its counts are taken as exact. */
export function isExactEncoding(model: string, overrides: Record<string, EncodingName> = {}): boolean {
  return overrideFor(model, overrides) !== undefined || ruleFor(model).exact;
}
