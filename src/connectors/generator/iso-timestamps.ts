/**
 * ISO-8601 formatting for mostly increasing timestamps: the `YYYY-MM-DDTHH:MM:` prefix is
 * cached per minute, so most calls only append seconds and milliseconds. `toISOString()` per
 * event was a visible share of serialisation time.
 */

const PAD2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const PAD3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

/** Formats epoch milliseconds as `2024-01-01T00:00:00.000Z`; keep one per sequence of timestamps. */
export class IsoTimestamps {
  private minute = Number.NaN;
  private prefix = '';

  format(ms: number): string {
    const minute = Math.floor(ms / 60_000);
    if (minute !== this.minute) {
      this.minute = minute;
      this.prefix = new Date(minute * 60_000).toISOString().slice(0, -7);
    }
    const rest = ms - minute * 60_000;
    const seconds = Math.floor(rest / 1000);
    return `${this.prefix}${PAD2[seconds] as string}.${PAD3[rest - seconds * 1000] as string}Z`;
  }
}
