// Shared by the benchmark scripts: machine description and bench/RESULTS.md sections.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

export function machine() {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

export function mb(bytes) {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** Replaces (or appends) the section `## title` of bench/RESULTS.md. */
export function writeResults(title, body) {
  const path = new URL('./RESULTS.md', import.meta.url);
  const heading = `## ${title}`;
  let text = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmark results\n\nWritten by the benchmark scripts; each section is replaced when its script runs again.\n';
  const start = text.indexOf(heading);
  if (start >= 0) {
    const next = text.indexOf('\n## ', start + heading.length);
    text = text.slice(0, start) + text.slice(next >= 0 ? next + 1 : text.length);
  }
  writeFileSync(path, `${text.trimEnd()}\n\n${heading}\n\n${body}\n`);
}
