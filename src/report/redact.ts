// Masks personal data and secrets in log excerpts before they reach the report: emails, phone
// numbers, API keys and bearer tokens, and card numbers that pass the Luhn check.

interface Rule {
  label: string;
  pattern: RegExp;
  /** Extra check on a match (e.g. Luhn); a match that fails it stays as it is. */
  accept?: (match: string) => boolean;
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let digit = digits.charCodeAt(i) - 48;
    if (double) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
    double = !double;
  }
  return digits.length > 0 && sum % 10 === 0;
}

// Order matters: secrets before phone numbers, whose digit runs they may contain.
const RULES: Rule[] = [
  { label: 'api-key', pattern: /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{16,}/g },
  { label: 'api-key', pattern: /\bAKIA[0-9A-Z]{16}\b/g },
  { label: 'api-key', pattern: /\b(?:ghp|gho|ghu|ghs|ghr|github_pat)_[A-Za-z0-9_]{20,}/g },
  { label: 'api-key', pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}/g },
  { label: 'bearer-token', pattern: /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi },
  { label: 'email', pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g },
  {
    label: 'card',
    pattern: /\b\d(?:[ -]?\d){12,18}\b/g,
    accept: (match) => luhnValid(match.replace(/\D/g, '')),
  },
  { label: 'phone', pattern: /(?<![\w+(])(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)|\d{2,4})[ .-]?\d{3,4}[ .-]?\d{3,4}(?!\w)/g },
];

/** The text with every match replaced by `[redacted <kind>]`. */
export function redact(text: string): string {
  let result = text;
  for (const rule of RULES) {
    result = result.replace(rule.pattern, (match) => (rule.accept && !rule.accept(match) ? match : `[redacted ${rule.label}]`));
  }
  return result;
}

/** A short excerpt for the report: whitespace folded, redacted (unless told not to) before it
 * is cut to `maxChars`, so a secret on the cut is masked too. */
export function excerpt(text: string, maxChars: number, redactSecrets: boolean): string {
  const folded = text.replace(/\s+/g, ' ').trim();
  const safe = redactSecrets ? redact(folded) : folded;
  return safe.length > maxChars ? `${safe.slice(0, Math.max(maxChars - 1, 0))}…` : safe;
}
