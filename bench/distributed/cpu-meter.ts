/**
 * CPU time spent by the processes of a measurement, per part (this process, the workers, Redis,
 * Postgres), so the benchmark can say where each task's cost goes. Other processes are read
 * from /proc (Linux); where it cannot be read a part reports null.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** A reading of one part, in milliseconds of CPU (user + system), or undefined if unknown. */
export type CpuReading = () => number | undefined;

const TICKS_PER_SECOND = 100;

/** CPU milliseconds of one process so far. */
export function processCpuMs(pid: number): number | undefined {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** CPU milliseconds so far of every process whose command name starts with `name`. */
export function commandCpuMs(name: string): number | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return undefined;
  }
  let total = 0;
  let found = false;
  for (const pid of pids) {
    try {
      if (!readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith(name)) continue;
    } catch {
      continue;
    }
    const ms = processCpuMs(Number(pid));
    if (ms !== undefined) {
      total += ms;
      found = true;
    }
  }
  return found ? total : undefined;
}

/** CPU milliseconds of this process so far. */
export const ownCpuMs: CpuReading = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/** Sum of several readings (undefined if any is). */
export function sumOf(readings: CpuReading[]): CpuReading {
  return () => {
    let total = 0;
    for (const read of readings) {
      const ms = read();
      if (ms === undefined) return undefined;
      total += ms;
    }
    return total;
  };
}

/** Measures `parts` around `work`; returns microseconds per unit of work for each part, and their total. */
export async function cpuPerUnit<T>(parts: Record<string, CpuReading>, units: number, work: () => Promise<T>): Promise<{ result: T; usPerUnit: Record<string, number | null> }> {
  const before = Object.fromEntries(Object.entries(parts).map(([name, read]) => [name, read()]));
  const result = await work();
  const usPerUnit: Record<string, number | null> = {};
  let total: number | null = 0;
  for (const [name, read] of Object.entries(parts)) {
    const start = before[name];
    const end = read();
    const us = start === undefined || end === undefined ? null : Math.round(((end - start) * 1000) / units);
    usPerUnit[name] = us;
    total = us === null || total === null ? null : total + us;
  }
  usPerUnit.total = total;
  return { result, usPerUnit };
}
