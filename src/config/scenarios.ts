// The scenario file (`--scenarios`, YAML or JSON): named what-if policies, validated strictly —
// an unknown key, model or feature is an error naming the path and the nearest valid name.
import { z } from 'zod';
import { ConfigError, readConfigFile, regexSource } from './audit.js';
import { describeIssues, formatPath, nearest } from './issues.js';

const oneOrMany = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const count = z.number().int().nonnegative();

const routingRule = z.strictObject({
  when: z
    .strictObject({
      feature: oneOrMany.optional(),
      model: oneOrMany.optional(),
      inputTokens: z.strictObject({ min: count.optional(), max: count.optional() }).optional(),
      userMessageMatches: regexSource.optional(),
      sample: z.number().min(0).max(1).optional(),
    })
    .prefault({}),
  to: z.strictObject({ model: z.string().min(1), provider: z.string().min(1).optional() }),
});

const scenario = z.strictObject({
  name: z.string().min(1),
  routing: z.array(routingRule).optional(),
  trimming: z
    .strictObject({
      history: z.strictObject({ maxMessages: count.optional(), maxTokens: count.optional() }).optional(),
      retrieval: z.strictObject({ topK: count.optional(), oracle: z.boolean().optional() }).optional(),
      maxOutputTokens: z.number().int().positive().optional(),
    })
    .optional(),
  responseCache: z.strictObject({ ttlSeconds: z.number().positive(), cacheLatencyMs: z.number().nonnegative().default(50) }).optional(),
  prefixCache: z
    .strictObject({
      style: z.enum(['openai', 'anthropic']),
      ttlSeconds: z.number().positive().optional(),
      breakpoints: z.array(z.enum(['system', 'history'])).min(1).optional(),
    })
    .optional(),
  batch: z.strictObject({ features: z.array(z.string().min(1)).min(1), latencyMs: z.number().positive().default(3_600_000) }).optional(),
  userCaps: z
    .strictObject({ dailyTokens: z.number().int().positive().optional(), dailyCostUsd: z.number().positive().optional() })
    .refine((caps) => caps.dailyTokens !== undefined || caps.dailyCostUsd !== undefined, { message: 'set dailyTokens or dailyCostUsd' })
    .optional(),
});

export const scenarioFileSchema = z
  .strictObject({ scenarios: z.array(scenario) })
  .superRefine((file, context) => {
    const seen = new Set<string>();
    file.scenarios.forEach((s, i) => {
      if (s.name === 'baseline') context.addIssue({ code: 'custom', path: ['scenarios', i, 'name'], message: '"baseline" is always computed and cannot be redefined', input: s.name });
      if (seen.has(s.name)) context.addIssue({ code: 'custom', path: ['scenarios', i, 'name'], message: 'duplicate scenario name', input: s.name });
      seen.add(s.name);
    });
  });

export type ScenarioFile = z.output<typeof scenarioFileSchema>;
export type Scenario = ScenarioFile['scenarios'][number];
export type RoutingRule = z.output<typeof routingRule>;

export function parseScenarioFile(raw: unknown, source = 'scenarios'): ScenarioFile {
  const result = scenarioFileSchema.safeParse(raw, { reportInput: true });
  if (!result.success) throw new ConfigError(describeIssues(source, scenarioFileSchema, result.error.issues).join('\n'));
  return result.data;
}

export function loadScenarioFile(path: string): ScenarioFile {
  return parseScenarioFile(readConfigFile(path), path);
}

/** What the logs and the catalogue know, to check the names a scenario file uses. */
export interface KnownNames {
  features: string[];
  models: string[];
  /** True when the pricing catalogue (or an override) can price this model. */
  canPrice: (model: string) => boolean;
  /** Models to suggest for a misspelt one: the logs' and the catalogue's. */
  modelSuggestions: string[];
}

const asList = (value: string | string[] | undefined): string[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** Every feature and model a scenario names must exist; errors name the path and suggest. */
export function checkScenarioNames(file: ScenarioFile, known: KnownNames, source = 'scenarios'): void {
  const errors: string[] = [];
  const unknown = (path: (string | number)[], kind: string, name: string, candidates: string[]) => {
    const hint = nearest(name, candidates);
    errors.push(`${source}: ${formatPath(path)}: unknown ${kind} ${JSON.stringify(name)}${hint ? ` (did you mean ${hint}?)` : ''}`);
  };
  file.scenarios.forEach((s, i) => {
    s.routing?.forEach((rule, j) => {
      asList(rule.when.feature).forEach((feature) => {
        if (!known.features.includes(feature)) unknown(['scenarios', i, 'routing', j, 'when', 'feature'], 'feature', feature, known.features);
      });
      asList(rule.when.model).forEach((model) => {
        if (!known.models.includes(model)) unknown(['scenarios', i, 'routing', j, 'when', 'model'], 'model', model, known.models);
      });
      if (!known.canPrice(rule.to.model)) unknown(['scenarios', i, 'routing', j, 'to', 'model'], 'model', rule.to.model, known.modelSuggestions);
    });
    s.batch?.features.forEach((feature, j) => {
      if (!known.features.includes(feature)) unknown(['scenarios', i, 'batch', 'features', j], 'feature', feature, known.features);
    });
  });
  if (errors.length > 0) throw new ConfigError(errors.join('\n'));
}
