#!/usr/bin/env node
// The tokenaudit command line: one subcommand per file in this folder.
import { Command, CommanderError, Option } from 'commander';
import { auditCommand, type AuditFlags } from './audit.js';
import { FORMAT_NAMES } from '../ingest/adapters/index.js';
import { EXIT, exitFor } from './exit.js';
import { sampleCommand, type SampleFlags } from './sample.js';
import { simulateCommand } from './simulate.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- commander passes untyped action arguments
function withExit<Args extends any[]>(action: (...args: Args) => Promise<number>) {
  return async (...args: Args) => {
    try {
      process.exitCode = await action(...args);
    } catch (error) {
      const { code, message } = exitFor(error);
      process.stderr.write(`${message}\n`);
      process.exitCode = code;
    }
  };
}

const program = new Command()
  .name('tokenaudit')
  .description('Offline cost auditor for LLM traffic: recount tokens, find waste, price it, report.')
  .exitOverride()
  .showHelpAfterError();

/** The flags `audit` and `simulate` share (DESIGN.md: same inputs). */
function auditOptions(command: Command, scenarios: string): Command {
  return command
    .argument('<inputs...>', 'log files (.jsonl[.gz|.zst], .parquet), folders or globs')
    .addOption(new Option('--format <name>', `log format (${FORMAT_NAMES.join(', ')}); auto sniffs each file`).default('auto'))
    .option('--config <file>', 'audit config (YAML or JSON)')
    .option('--scenarios <file>', scenarios)
    .option('--db <file>', 'DuckDB database file to keep loaded requests across runs (default: in memory)')
    .option('--out <dir>', 'output folder', 'reports')
    .option('--strict', 'exit 4 when any row was quarantined')
    .option('--json', 'print summary.json to stdout')
    .option('--threads <n>', 'worker threads and DuckDB threads (default: one per core)')
    .option('--memory-limit <size>', 'DuckDB memory limit, e.g. 4GB')
    .option('--since <date>', 'report on requests from this date or ISO time on (UTC, inclusive)')
    .option('--until <date>', 'report on requests before this date or ISO time (UTC, exclusive)')
    .option('--retain-days <n>', 'after loading, delete stored requests older than n days before the newest')
    .option('--export-parquet <dir>', 'also write requests, segments, waste, scenario results and texts as Parquet partitioned by day and feature')
    .option('--metrics <file>', 'write headline numbers in the Prometheus text format (node_exporter textfile collector)')
    .option('--quiet', 'print nothing on stderr');
}

auditOptions(program.command('audit').description('audit exported LLM request logs (files, folders, globs)'), 'what-if scenarios to replay (YAML or JSON)').action(
  withExit((inputs: string[], flags: AuditFlags) => auditCommand(inputs, flags)),
);

auditOptions(program.command('simulate').description('replay the logs under what-if scenarios and print the scenario table'), 'the scenario file (required)').action(
  withExit((inputs: string[], flags: AuditFlags) => simulateCommand(inputs, flags)),
);

program
  .command('sample')
  .description('write realistic sample logs with planted waste and its ground truth')
  .requiredOption('--out <dir>', 'output folder')
  .option('--requests <n>', 'number of requests', '2000')
  .option('--seed <s>', 'random seed (same seed, same bytes)', '1')
  .option('--profile <name>', 'default, or heavy for benchmarks', 'default')
  .action(withExit((flags: SampleFlags) => sampleCommand(flags)));

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else {
    throw error;
  }
}
