// How a long run reports its progress: stages announce a total and advance towards it. The CLI
// draws bars on a terminal, prints one line per stage otherwise, and nothing with --quiet.

export interface Progress {
  /** A stage begins; `total` units of `unit` are ahead (0 when unknown). */
  start(stage: string, total: number, unit: string): void;
  advance(stage: string, units: number): void;
  finish(stage: string, detail: string): void;
}

export const silentProgress: Progress = { start() {}, advance() {}, finish() {} };
