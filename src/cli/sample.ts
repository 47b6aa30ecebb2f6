// `tokenaudit sample --out DIR`: writes the demo logs (and their waste ground truth).
import { writeSample } from '../../samples/generator.js';
import { UsageError } from './exit.js';

export interface SampleFlags {
  out: string;
  requests: string;
  seed: string;
  profile: string;
}

function wholeNumber(flag: string, value: string, min: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < min) throw new UsageError(`${flag}: expected a whole number ≥ ${min}, got ${JSON.stringify(value)}`);
  return number;
}

export async function sampleCommand(flags: SampleFlags): Promise<number> {
  if (flags.profile !== 'default' && flags.profile !== 'heavy') {
    throw new UsageError(`--profile: expected default or heavy, got ${JSON.stringify(flags.profile)}`);
  }
  const result = await writeSample({
    outDir: flags.out,
    requests: wholeNumber('--requests', flags.requests, 1),
    seed: wholeNumber('--seed', flags.seed, 0),
    profile: flags.profile,
  });
  const ratio = result.totalTextBytes > 0 ? result.distinctTextBytes / result.totalTextBytes : 0;
  process.stderr.write(`wrote ${result.requests} requests (${(result.bytes / 1e6).toFixed(1)} MB, ${(ratio * 100).toFixed(1)}% distinct text bytes) to ${flags.out}\n`);
  return 0;
}
