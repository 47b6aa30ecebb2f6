// Varied English-ish text from templates and word lists: knowledge-base facts, chat turns,
// answers, report paragraphs, code snippets, and the odd email address or API key.
import type { Random } from './random.js';
import * as vocabulary from './vocabulary.js';

export type ProseKind = 'fact' | 'customer' | 'agent' | 'answer' | 'report' | 'policy';

const TEMPLATES: Record<ProseKind, readonly string[]> = {
  fact: [
    'The {adj} {noun} is {past} within {duration} of the {noun}.',
    'When a {noun} is {past}, {product} {adv} creates a {adj} {noun} for {team}.',
    'Workspaces on the {plan} plan can {verb} up to {count} {noun} records per {noun}.',
    'If the {noun} fails validation, the {noun} stays {adj} until {team} reviews it.',
    '{Product} keeps {adj} {noun} entries for {duration} before they are {past}.',
    'Each depot in {place} has its own {noun} and a {adj} {noun} queue.',
    'A {adj} {noun} costs {money} and appears on the next {noun}.',
    'To {verb} a {noun}, open {product}, choose the {noun}, then press {Verb}.',
    'Since {date}, about {percent} of {adj} {noun} requests are {past} {adv}.',
    '{Team} must {verb} every {adj} {noun} before the {noun} closes.',
    'A {noun} cannot be {past} once its {noun} has been {past}.',
    'The {noun} limit for {plan} workspaces is {number} per {noun}.',
    'Carriers in {place} report {adj} {noun} events with a delay of up to {duration}.',
    'Admins can {verb} the {noun} for a whole region, but members only for their own {noun}.',
  ],
  customer: [
    'My {noun} {order} still shows as {adj} and it was due on {date}.',
    'I tried to {verb} the {noun} in {product} but it says the {noun} is {adj}.',
    'Can you {verb} the {adj} {noun} on our account? It is for the depot in {place}.',
    'We were charged {money} twice for the same {noun} this month.',
    'That helped. How do I {verb} a {adj} {noun} though?',
    'Our {noun} integration stopped syncing after we {past} the {noun}.',
    'The driver in {place} says the {noun} was {past} but the customer never got it.',
    'Is there a way to {verb} {count} {noun} records at once instead of one by one?',
    'Still not working, the {noun} page just spins and then shows a {adj} {noun} error.',
    'Who on {team} can {verb} the {noun} for order {order}?',
  ],
  agent: [
    'I am sorry about the trouble with {order}.',
    'I checked your workspace and the {noun} was {past} on {date} at {clock}.',
    'You can {verb} it yourself in {product} under Settings → {Noun}.',
    'I have {past} the {adj} {noun}; the change should show within {duration}.',
    'That message usually means the {noun} is {adj}, so the {noun} cannot be {past} yet.',
    'Your {plan} plan includes {count} {noun} slots, and you are using {number} of them.',
    'I have asked {team} to {verb} it, and {person} will follow up by email.',
    'Could you confirm the {noun} number so I can {verb} the right {noun}?',
    'The {noun} in {place} was {past} {adv}, which is why the status looks {adj}.',
    'Once that is done, {verb} the {noun} again and it should go through.',
  ],
  answer: [
    'Based on the documents provided, here is what applies to your case.',
    'In short, yes, with one caveat worth knowing.',
    'I could not find anything about that exact situation, so treat the following as general guidance.',
    'Your workspace admin is the right person to confirm this for your account.',
    'Let me know if you need the steps for a different plan or region.',
    'Hope that clears it up; reach out again if the status does not change.',
    'That is the usual behaviour, not a fault on your side.',
    'Worth double-checking the settings page before you try it again.',
  ],
  report: [
    'In {month}, {team} {past} {number} {noun} records across {count} regions.',
    '{Person} noted that the {adj} {noun} backlog grew by {percent} in {place}.',
    'The root cause was a {adj} {noun} that {product} {past} {adv} after the {noun} change.',
    'Action item: {team} will {verb} the {noun} and report back by {date}.',
    'Spend on {adj} {noun} work came to {money}, against a budget of {money}.',
    'Customers in {place} saw {adj} {noun} times of up to {duration}.',
    'We agreed to {verb} the {adj} {noun} before the {noun} goes live.',
    'Risk: if the {noun} is {past} late, the {noun} slips by {duration}.',
    'The {adj} {noun} dashboard now shows {number} open items, down from {number}.',
    '{Person} and {person} will pair on the {noun} {noun} next sprint.',
  ],
  policy: [
    'Always {verb} the {noun} before you {verb} a {adj} {noun}.',
    'Never reveal the {adj} {noun} of another workspace, even if the user insists.',
    'If the user mentions a {adj} {noun}, ask for the {noun} number first.',
    'Escalate to {team} when a {noun} has been {adj} for more than {duration}.',
    'Answer in the language of the user and keep a friendly, plain tone.',
    'Quote prices from the {plan} price list only, in the currency of the workspace.',
    'Do not promise a {noun} date; say the carrier usually needs {duration}.',
    'When a request involves a {adj} {noun}, explain the {noun} rules in one sentence.',
  ],
};

const MONTHS = ['January', 'March', 'June', 'September', 'October', 'November'] as const;

const CODE_TEMPLATES = [
  'const {id}Response = await client.{id}s.list({ limit: {count}, status: "{adj}" });\nif (!{id}Response.ok) throw new Error(`{id} sync failed: ${{id}Response.status}`);',
  'curl -X POST https://api.larkspur.example/v2/{id}s \\\n  -H "Content-Type: application/json" \\\n  -d \'{"{id}_id": "{order}", "retry": {count}}\'',
  'def {id}_total(rows):\n    return sum(r["{id}"] for r in rows if r["status"] == "{adj}")',
  'TypeError: Cannot read properties of undefined (reading \'{id}\')\n    at sync{Id} ({id}.ts:{count}:17)',
  'SELECT {id}_id, count(*) FROM {id}s WHERE status = \'{adj}\' GROUP BY 1;',
] as const;

const capitalize = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

export class Prose {
  constructor(private readonly random: Random) {}

  /** One sentence of the given kind, every slot filled. */
  sentence(kind: ProseKind): string {
    return this.fill(this.random.pick(TEMPLATES[kind]));
  }

  /** Sentences of one kind until the text reaches about `targetTokens` (≈ 4.5 characters each). */
  passage(kind: ProseKind, targetTokens: number, separator = ' '): string {
    const targetChars = targetTokens * 4.5;
    let text = this.sentence(kind);
    while (text.length < targetChars) text += separator + this.sentence(kind);
    return text;
  }

  codeSnippet(): string {
    const language = this.random.pick(['ts', 'bash', 'python', 'text', 'sql']);
    return '```' + language + '\n' + this.fill(this.random.pick(CODE_TEMPLATES)) + '\n```';
  }

  email(): string {
    const person = this.random.pick(vocabulary.PEOPLE).toLowerCase().replace(/[^a-z]/g, '') || 'ops';
    return `${person}.${this.random.int(1, 99)}@${this.random.pick(['example.com', 'larkspur-demo.io', 'mail.example.org'])}`;
  }

  apiKey(): string {
    return `sk-${this.random.pick(['proj-', 'live-', ''])}${this.random.base62(32)}`;
  }

  phone(): string {
    return `+1 415 555 ${String(this.random.int(100, 9999)).padStart(4, '0')}`;
  }

  orderNumber(): string {
    return `#LS-${this.random.int(10000, 99999)}`;
  }

  fill(template: string): string {
    return template.replace(/\{(\w+)\}/g, (_whole, slot: string) => this.slot(slot)).replace(/\b([Aa]) (?=[aeiou])/g, '$1n ');
  }

  private slot(slot: string): string {
    const value = this.slotValue(slot.toLowerCase());
    return slot.charAt(0) === slot.charAt(0).toUpperCase() ? capitalize(value) : value;
  }

  private slotValue(slot: string): string {
    const random = this.random;
    switch (slot) {
      case 'noun': return random.pick(vocabulary.NOUNS);
      case 'verb': return random.pick(vocabulary.VERBS);
      case 'past': return random.pick(vocabulary.PAST_VERBS);
      case 'adj': return random.pick(vocabulary.ADJECTIVES);
      case 'adv': return random.pick(vocabulary.ADVERBS);
      case 'product': return random.pick(vocabulary.PRODUCTS);
      case 'place': return random.pick(vocabulary.PLACES);
      case 'person': return random.pick(vocabulary.PEOPLE);
      case 'plan': return random.pick(vocabulary.PLANS);
      case 'team': return random.pick(vocabulary.TEAMS);
      case 'duration': return random.pick(vocabulary.DURATIONS);
      case 'month': return random.pick(MONTHS);
      case 'id': return random.pick(vocabulary.CODE_IDENTIFIERS);
      case 'count': return String(random.int(2, 60));
      case 'number': return String(random.int(12, 48000)).replace(/\B(?=(\d{3})+$)/g, ',');
      case 'percent': return `${random.int(3, 97)}%`;
      case 'money': return this.money();
      case 'date': return `2026-${String(random.int(8, 11)).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}`;
      case 'clock': return `${String(random.int(0, 23)).padStart(2, '0')}:${String(random.int(0, 59)).padStart(2, '0')} UTC`;
      case 'order': return this.orderNumber();
      default: throw new Error(`unknown template slot {${slot}}`);
    }
  }

  private money(): string {
    const amount = (this.random.int(500, 900_000) / 100).toFixed(2);
    return this.random.pick([`€${amount}`, `$${amount}`, `£${amount}`, `${amount} CHF`, `¥${Math.round(Number(amount) * 150)}`]);
  }
}
