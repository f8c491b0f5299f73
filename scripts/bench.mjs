#!/usr/bin/env node
// Runs the benchmarks in bench/: all of them, or the ones named (`npm run bench -- engine`).
// Each prints its figures and writes bench/results/<name>.json.
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';

const benchDir = path.resolve('bench');
const available = readdirSync(benchDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(path.join(benchDir, d.name, 'main.ts')))
  .map((d) => d.name)
  .sort();
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const name of wanted) {
  if (!available.includes(name)) {
    console.error(`unknown benchmark '${name}' (available: ${available.join(', ')})`);
    process.exit(2);
  }
}
let failed = false;
for (const name of wanted.length ? wanted : available) {
  console.log(`\n== bench ${name}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(benchDir, name, 'main.ts')], { stdio: 'inherit' });
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
