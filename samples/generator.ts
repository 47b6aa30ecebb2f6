// `tokenaudit sample`: writes one realistic day of LLM traffic as canonical JSONL (with planted
// waste) and, for the default profile, the waste DESIGN.md's rules find in it. Same seed, same bytes.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildCorpus } from './generator/corpus.js';
import { computeGroundTruth } from './generator/ground-truth.js';
import { BlockedJsonlWriter, LineSerializer, TextLedger } from './generator/output.js';
import { profileNamed } from './generator/profiles.js';
import { Random } from './generator/random.js';
import { requestTimes } from './generator/timeline.js';
import { TokenCounter } from './generator/tokens.js';
import { TrafficModel } from './generator/traffic.js';

export interface SampleOptions {
  outDir: string;
  requests: number;
  seed: number;
  profile: 'default' | 'heavy';
}

export interface SampleResult {
  /** The log files, then ground-truth.json. */
  files: string[];
  requests: number;
  /** Bytes of the log files. */
  bytes: number;
  /** UTF-8 bytes of segment texts seen for the first time (by content hash), and of all of them. */
  distinctTextBytes: number;
  totalTextBytes: number;
}

export async function writeSample(opts: SampleOptions): Promise<SampleResult> {
  const profile = profileNamed(opts.profile);
  const counter = new TokenCounter();
  const traffic = new TrafficModel(profile, buildCorpus(profile, opts.seed, counter), opts.seed, counter);
  const writer = new BlockedJsonlWriter(join(opts.outDir, 'logs'));
  const ledger = new TextLedger();
  const serializer = new LineSerializer();
  await writer.prepare();
  for (const timeMs of requestTimes(opts.requests, Random.derive(opts.seed, 'timeline'))) {
    const line = traffic.requestAt(timeMs);
    ledger.addRequest(line);
    await writer.write(timeMs, serializer.serialize(line));
  }
  const { files, bytes } = await writer.close();
  const groundTruthFile = join(opts.outDir, 'ground-truth.json');
  const groundTruth = profile.groundTruth
    ? await computeGroundTruth(files, { profile: profile.name, seed: opts.seed })
    : { profile: profile.name, seed: opts.seed, requests: opts.requests, skipped: 'The heavy profile is benchmark traffic: its ground truth is not computed.' };
  await writeFile(groundTruthFile, JSON.stringify(groundTruth, null, 2) + '\n');
  return {
    files: [...files, groundTruthFile],
    requests: opts.requests,
    bytes,
    distinctTextBytes: ledger.distinctTextBytes,
    totalTextBytes: ledger.totalTextBytes,
  };
}
