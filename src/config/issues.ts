// Turns zod issues into messages a user can act on: the file, the path, what was expected
// and the value found, with a "did you mean" for misspelt keys and names.
import type { z } from 'zod';

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out || '(top level)';
}

export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Levenshtein distance, for "did you mean". */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

export function nearest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function knownKeys(schema: z.ZodType | undefined): string[] {
  const shape = (schema as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

/** Finds the object schema at `path` inside `root`, to suggest keys for an unknown one. */
function schemaAt(root: z.ZodType, path: ReadonlyArray<PropertyKey>): z.ZodType | undefined {
  let schema: z.ZodType | undefined = root;
  for (const part of path) {
    schema = unwrap(schema);
    const def = (schema as { def?: { shape?: Record<string, z.ZodType>; valueType?: z.ZodType; element?: z.ZodType } })?.def;
    if (!def) return undefined;
    if (typeof part === 'number') schema = def.element;
    else schema = def.shape?.[String(part)] ?? def.valueType;
  }
  return unwrap(schema);
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema as { def?: { innerType?: z.ZodType; type?: string } } | undefined;
  while (current?.def?.innerType) current = current.def.innerType as typeof current;
  return current as z.ZodType | undefined;
}

/** One line per issue: `file: path: problem, got value`. */
export function describeIssues(source: string, root: z.ZodType, issues: z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const parent = schemaAt(root, issue.path);
      return issue.keys
        .map((key) => {
          const hint = nearest(key, knownKeys(parent));
          const where = formatPath([...issue.path, key]);
          return `${source}: ${where}: unknown key${hint ? ` (did you mean ${hint}?)` : ''}`;
        })
        .join('\n');
    }
    const got = 'input' in issue ? `, got ${showValue(issue.input)}` : '';
    return `${source}: ${formatPath(issue.path)}: ${issue.message.replace(/^Invalid input: /, '')}${got}`;
  });
}
