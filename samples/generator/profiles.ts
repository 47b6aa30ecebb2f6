// The two traffic profiles: `default` (the demo day, with planted waste and its ground truth)
// and `heavy` (benchmark traffic: ~17 KB per request, long shared prompts, ~15 % distinct text).

export type Feature = 'support-chat' | 'kb-answer' | 'classify' | 'summarize';
export type ModelName = 'gpt-4o' | 'gpt-4o-mini' | 'claude-sonnet-4-5' | 'claude-haiku-4-5';
export type Provider = 'openai' | 'anthropic';
/** How the provider caches the prompt prefix for this route. */
export type CachePolicy = 'openai-auto' | 'anthropic-system-5m' | 'none';

export const PROVIDER_OF: Record<ModelName, Provider> = {
  'gpt-4o': 'openai',
  'gpt-4o-mini': 'openai',
  'claude-sonnet-4-5': 'anthropic',
  'claude-haiku-4-5': 'anthropic',
};

export interface ModelRoute {
  model: ModelName;
  weight: number;
  cache: CachePolicy;
}

/** Inclusive [min, max]. */
export type Range = readonly [number, number];

export interface Profile {
  name: 'default' | 'heavy';
  groundTruth: boolean;
  /** Check while generating that planted unused chunks share no 4-grams with the answer. */
  verifyRetrievalPlanting: boolean;
  /** How often each feature starts a new unit of work (a chat session counts once). */
  featureWeights: readonly (readonly [Feature, number])[];
  routes: Record<Feature, readonly ModelRoute[]>;
  /** Target tokens and number of variants of each feature's shared system prompt. */
  systemPrompts: Record<Feature, { tokens: number; variants: number }>;
  chat: { turns: readonly (readonly [Range, number])[]; userTokens: Range; agentTokens: Range; turnGapSeconds: Range; verboseShare: number };
  kb: { poolSize: number; chunkTokens: Range; chunksPerRequest: Range; answerTokens: Range; verboseShare: number; echoShare: number };
  classify: { ticketTokens: Range };
  summarize: { documentTokens: Range; summaryTokens: Range; verboseShare: number; verboseTokens: Range };
  /** Share of requests that fail (status error), and of classify answers that come back empty. */
  errorRate: number;
  emptyOutputRate: number;
  /** Share of request slots that re-send an earlier ok request unchanged. */
  duplicateRate: number;
  /** Share of failed requests the client sends again. */
  retryRate: number;
}

const DEFAULT_PROFILE: Profile = {
  name: 'default',
  groundTruth: true,
  verifyRetrievalPlanting: true,
  featureWeights: [['support-chat', 0.1], ['kb-answer', 0.27], ['classify', 0.34], ['summarize', 0.1]],
  routes: {
    'support-chat': [
      { model: 'claude-sonnet-4-5', weight: 0.65, cache: 'anthropic-system-5m' },
      { model: 'gpt-4o', weight: 0.35, cache: 'openai-auto' },
    ],
    'kb-answer': [
      { model: 'gpt-4o', weight: 0.6, cache: 'none' },
      { model: 'claude-sonnet-4-5', weight: 0.4, cache: 'none' },
    ],
    classify: [
      { model: 'gpt-4o-mini', weight: 0.6, cache: 'openai-auto' },
      { model: 'claude-haiku-4-5', weight: 0.4, cache: 'none' },
    ],
    summarize: [
      { model: 'claude-haiku-4-5', weight: 0.5, cache: 'none' },
      { model: 'gpt-4o-mini', weight: 0.5, cache: 'none' },
    ],
  },
  systemPrompts: {
    'support-chat': { tokens: 1200, variants: 1 },
    'kb-answer': { tokens: 380, variants: 1 },
    classify: { tokens: 1500, variants: 2 },
    summarize: { tokens: 180, variants: 1 },
  },
  chat: {
    turns: [[[1, 3], 0.5], [[4, 6], 0.3], [[7, 12], 0.2]],
    userTokens: [20, 130],
    agentTokens: [60, 280],
    turnGapSeconds: [25, 240],
    verboseShare: 0.02,
  },
  kb: { poolSize: 140, chunkTokens: [80, 220], chunksPerRequest: [3, 5], answerTokens: [70, 220], verboseShare: 0.03, echoShare: 0.12 },
  classify: { ticketTokens: [15, 70] },
  summarize: { documentTokens: [1200, 3600], summaryTokens: [150, 380], verboseShare: 0.12, verboseTokens: [1100, 2200] },
  errorRate: 0.03,
  emptyOutputRate: 0.03,
  duplicateRate: 0.025,
  retryRate: 0.7,
};

const HEAVY_PROFILE: Profile = {
  ...DEFAULT_PROFILE,
  name: 'heavy',
  groundTruth: false,
  verifyRetrievalPlanting: false,
  featureWeights: [['support-chat', 0.055], ['kb-answer', 0.3], ['classify', 0.12], ['summarize', 0.05]],
  systemPrompts: {
    'support-chat': { tokens: 1800, variants: 2 },
    'kb-answer': { tokens: 1400, variants: 1 },
    classify: { tokens: 1700, variants: 2 },
    summarize: { tokens: 900, variants: 1 },
  },
  chat: {
    turns: [[[3, 8], 0.55], [[9, 14], 0.45]],
    userTokens: [60, 220],
    agentTokens: [150, 420],
    turnGapSeconds: [20, 200],
    verboseShare: 0.02,
  },
  kb: { poolSize: 3000, chunkTokens: [140, 260], chunksPerRequest: [3, 5], answerTokens: [120, 300], verboseShare: 0.03, echoShare: 0 },
  summarize: { documentTokens: [1200, 2600], summaryTokens: [150, 380], verboseShare: 0.1, verboseTokens: [1100, 2200] },
};

export function profileNamed(name: 'default' | 'heavy'): Profile {
  return name === 'heavy' ? HEAVY_PROFILE : DEFAULT_PROFILE;
}
