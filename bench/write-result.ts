/**
 * Writes a benchmark's figures to bench/results/<name>.json, with when and where they were taken.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export async function writeResult(name: string, figures: Record<string, unknown>): Promise<string> {
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  const machine = { node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? 'unknown', memory_gib: Math.round(os.totalmem() / 2 ** 30) };
  await writeFile(file, `${JSON.stringify({ ...figures, measured_at: new Date().toISOString(), machine }, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
  return file;
}
