// Which tokenizer recounts which model. OpenAI publishes its encodings, so those counts are
// exact; other families (Claude, Gemini, Llama, Mistral, …) keep theirs private and are counted
// with o200k_base, then calibrated against logged usage. Overridable with `encodings:`.

/** The encodings tokenaudit counts with. */
export const ENCODING_NAMES = ['o200k_base', 'cl100k_base'] as const;

export type EncodingName = (typeof ENCODING_NAMES)[number];

export interface EncodingRule {
  family: string;
  /** Matches the model name, lower-cased, without a `provider/` path or a `provider:`/`ft:` prefix. */
  pattern: RegExp;
  encoding: EncodingName;
  /** True when this is the model's own tokenizer; false when counts must be calibrated. */
  exact: boolean;
}

/** The documented map, first match wins (the README prints it). */
export const ENCODING_RULES: readonly EncodingRule[] = [
  { family: 'GPT-4o, GPT-4.1, GPT-4.5, GPT-5.x (incl. mini, nano, dated, fine-tuned)', pattern: /^(chatgpt-4o|gpt-4o|gpt-4\.1|gpt-4\.5|gpt-5)/, encoding: 'o200k_base', exact: true },
  { family: 'o-series reasoning models (o1, o3, o4-mini, …), codex-mini', pattern: /^(o[1-9](-|$)|codex-mini)/, encoding: 'o200k_base', exact: true },
  { family: 'GPT-4, GPT-4 Turbo', pattern: /^gpt-4(-|$)/, encoding: 'cl100k_base', exact: true },
  { family: 'GPT-3.5 Turbo (Azure: gpt-35-turbo)', pattern: /^gpt-3\.?5/, encoding: 'cl100k_base', exact: true },
  { family: 'OpenAI embeddings (text-embedding-3-*, ada-002)', pattern: /^text-embedding-(3|ada-002)/, encoding: 'cl100k_base', exact: true },
  { family: 'everything else (Claude, Gemini, Llama, Mistral, …): approximate, calibrated', pattern: /.*/, encoding: 'o200k_base', exact: false },
];

const FALLBACK_RULE = ENCODING_RULES[ENCODING_RULES.length - 1]!;

/** "openai/gpt-4o", "openai:gpt-4o", "ft:gpt-4o-mini-2024-07-18:acme::x1" → the rule for gpt-4o(-mini). */
function ruleFor(model: string): EncodingRule {
  const path = model.toLowerCase().trim();
  const name = path.slice(path.lastIndexOf('/') + 1);
  for (const part of name.split(':')) {
    const rule = ENCODING_RULES.find((candidate) => candidate.pattern.test(part))!;
    if (rule !== FALLBACK_RULE) return rule;
  }
  return FALLBACK_RULE;
}

/** An override for this model as logged: the exact name first, then the longest matching prefix. */
function overrideFor(model: string, overrides: Record<string, EncodingName>): EncodingName | undefined {
  const name = model.toLowerCase().trim();
  let match: { prefix: string; encoding: EncodingName } | undefined;
  for (const [key, encoding] of Object.entries(overrides)) {
    const prefix = key.toLowerCase().trim();
    if (prefix === name) return encoding;
    if (name.startsWith(prefix) && (!match || prefix.length > match.prefix.length)) match = { prefix, encoding };
  }
  return match?.encoding;
}

export function encodingForModel(model: string, overrides: Record<string, EncodingName> = {}): EncodingName {
  return overrideFor(model, overrides) ?? ruleFor(model).encoding;
}

/** An override says the user knows the model's tokenizer: its counts are taken as exact. */
export function isExactEncoding(model: string, overrides: Record<string, EncodingName> = {}): boolean {
  return overrideFor(model, overrides) !== undefined || ruleFor(model).exact;
}
