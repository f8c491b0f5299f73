/**
 * `run_started_at` as dbt templates use it: a UTC datetime that prints like Python's
 * (`2024-05-01 12:00:00.000000+00:00`) and has `strftime`, `isoformat` and the date parts.
 */
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** A UTC instant with Python datetime's methods. */
export class DbtDateTime {
  constructor(readonly date: Date) {}

  get year(): number {
    return this.date.getUTCFullYear();
  }

  get month(): number {
    return this.date.getUTCMonth() + 1;
  }

  get day(): number {
    return this.date.getUTCDate();
  }

  get hour(): number {
    return this.date.getUTCHours();
  }

  get minute(): number {
    return this.date.getUTCMinutes();
  }

  get second(): number {
    return this.date.getUTCSeconds();
  }

  /** `%Y %m %d %H %M %S %f %j %%` as in Python. */
  strftime(format: string): string {
    const d = this.date;
    const dayOfYear = Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 0)) / 86_400_000);
    const parts: Record<string, string> = {
      Y: String(d.getUTCFullYear()),
      m: pad(d.getUTCMonth() + 1),
      d: pad(d.getUTCDate()),
      H: pad(d.getUTCHours()),
      M: pad(d.getUTCMinutes()),
      S: pad(d.getUTCSeconds()),
      f: pad(d.getUTCMilliseconds() * 1000, 6),
      j: pad(dayOfYear, 3),
      '%': '%',
    };
    return format.replace(/%([YmdHMSfj%])/g, (_m, code: string) => parts[code] ?? '');
  }

  isoformat(): string {
    return this.strftime('%Y-%m-%dT%H:%M:%S.%f+00:00');
  }

  toString(): string {
    return this.strftime('%Y-%m-%d %H:%M:%S.%f+00:00');
  }
}
