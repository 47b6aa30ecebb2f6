// Progress on stderr: a bar per stage when stderr is a terminal (cli-progress), one line per
// stage otherwise, nothing with --quiet.
import cliProgress from 'cli-progress';
import { silentProgress, type Progress } from '../progress.js';

function lineProgress(write: (line: string) => void): Progress {
  const totals = new Map<string, { done: number; total: number; unit: string }>();
  return {
    start(stage, total, unit) {
      totals.set(stage, { done: 0, total, unit });
      write(`[${stage}] started${total > 0 ? ` (${total.toLocaleString('en-US')} ${unit})` : ''}`);
    },
    advance(stage, units) {
      const state = totals.get(stage);
      if (!state) return;
      state.done += units;
      // Files are few and slow: a line each tells a log reader which one a run is on.
      if (state.unit === 'files') write(`[${stage}] ${state.done}/${state.total} files`);
    },
    finish(stage, detail) {
      write(`[${stage}] ${detail}`);
    },
  };
}

function barProgress(): Progress {
  const bars = new cliProgress.MultiBar(
    { format: '{stage} [{bar}] {percentage}% {value}/{total} {unit} {detail}', hideCursor: true, clearOnComplete: false, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  const byStage = new Map<string, cliProgress.SingleBar>();
  return {
    start(stage, total, unit) {
      byStage.set(stage, bars.create(Math.max(total, 1), 0, { stage: stage.padEnd(9), unit, detail: '' }));
    },
    advance(stage, units) {
      const bar = byStage.get(stage);
      if (!bar) return;
      // A stage that could not know its total up front (tokenize) grows it as it goes.
      if (bar.getProgress() >= 1) bar.setTotal(bar.getTotal() + units);
      bar.increment(units);
    },
    finish(stage, detail) {
      const bar = byStage.get(stage);
      bar?.update(bar.getTotal(), { detail });
      bar?.stop();
      if (stage === 'summarize') bars.stop();
    },
  };
}

export function progressFor(options: { quiet?: boolean; stream: NodeJS.WriteStream }): Progress {
  if (options.quiet) return silentProgress;
  if (options.stream.isTTY) return barProgress();
  return lineProgress((line) => options.stream.write(`${line}\n`));
}
