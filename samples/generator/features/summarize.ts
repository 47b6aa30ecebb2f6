// summarize: long internal documents in, a summary out — and now and then a summary that
// ignores the length it was asked for.
import { counted, pickRoute, pickUserId, type FeatureContext, type ModelCall } from '../calls.js';
import { AUDIENCES, DOCUMENT_KINDS, PLACES } from '../vocabulary.js';

/** A markdown document: a title, paragraphs, and sometimes a table or a code block. */
function document(context: FeatureContext, kind: string): string {
  const { random, prose, profile } = context;
  const targetChars = random.int(...profile.summarize.documentTokens) * 4.5;
  let text = `# ${kind.charAt(0).toUpperCase()}${kind.slice(1)}: ${random.pick(PLACES)}, week ${random.int(30, 47)}\n\n`;
  while (text.length < targetChars) {
    text += prose.passage('report', random.int(60, 160)) + '\n\n';
    if (random.chance(0.08)) text += prose.codeSnippet() + '\n\n';
    if (random.chance(0.06)) text += `| region | open | closed |\n|---|---|---|\n| ${random.pick(PLACES)} | ${random.int(3, 400)} | ${random.int(3, 900)} |\n\n`;
  }
  return text.trimEnd();
}

export function summarizeCall(context: FeatureContext): ModelCall {
  const { random, prose, corpus, profile, counter } = context;
  const kind = random.pick(DOCUMENT_KINDS);
  const request = `Summarize this ${kind} for ${random.pick(AUDIENCES)}. Keep it under 200 words.\n\n${document(context, kind)}`;
  const verbose = random.chance(profile.summarize.verboseShare);
  const summaryTokens = random.int(...(verbose ? profile.summarize.verboseTokens : profile.summarize.summaryTokens));
  return {
    feature: 'summarize',
    route: pickRoute(random, profile.routes.summarize),
    userId: pickUserId(random),
    sessionId: null,
    messages: [
      { role: 'system', content: random.pick(corpus.systemPrompts.summarize) },
      { role: 'user', content: counted(counter, request) },
    ],
    retrieval: [],
    answer: counted(counter, prose.passage('report', summaryTokens, verbose ? '\n\n' : ' ')),
    params: { max_tokens: 4096, temperature: 0.3 },
    conversationPrefixTokens: 0,
  };
}
