import { describe, expect, it } from 'vitest';
import { excerpt, luhnValid, redact } from '../../src/report/redact.js';

describe('redaction', () => {
  it.each([
    ['mail me at jane.doe+test@example.co.uk please', 'mail me at [redacted email] please'],
    ['key sk-proj-abcdefghijklmnop1234 leaked', 'key [redacted api-key] leaked'],
    ['key sk-ant-api03-abcdefghijklmnopqrstuv', 'key [redacted api-key]'],
    ['aws AKIAIOSFODNN7EXAMPLE here', 'aws [redacted api-key] here'],
    ['token ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'token [redacted api-key]'],
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc.def', 'Authorization: [redacted bearer-token]'],
    ['card 4111 1111 1111 1111 ok', 'card [redacted card] ok'],
    ['card 4111-1111-1111-1111', 'card [redacted card]'],
    ['call +1 415-555-0132 now', 'call [redacted phone] now'],
    ['call (415) 555-0132', 'call [redacted phone]'],
  ])('redacts %j', (input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it('leaves a 16-digit number that fails the Luhn check alone', () => {
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(redact('order 4111111111111112')).not.toContain('card');
  });

  it('leaves ordinary prose, prices and dates alone', () => {
    const text = 'Order #1234 shipped on 2026-11-20 for $49.99; refunds take 5 days.';
    expect(redact(text)).toBe(text);
  });

  it('cuts an excerpt to length and redacts a secret that straddles the cut', () => {
    const text = `${'a '.repeat(20)}contact jane@example.com`;
    const short = excerpt(text, 50, true);
    expect(short).not.toContain('jane@example.com');
    expect(short).not.toContain('jane@');
    expect(excerpt('x   y\n\nz', 10, false)).toBe('x y z');
  });
});
