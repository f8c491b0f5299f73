/**
 * A small, fast seeded PRNG (mulberry32) and a hash that derives a stream per event, so an
 * event's content depends only on the seed and its index, never on batch boundaries or offsets.
 * Not for cryptography: quality is ample for mock data and it is far cheaper than faker per call.
 */

/** Mixes a seed with an index into a well-spread 32-bit value (murmur3's finaliser). */
export function mixSeed(seed: number, index: number): number {
  // Fold in the high part too, so indexes past 2^32 do not repeat streams.
  let h = (seed ^ Math.imul(index >>> 0, 0x9e3779b1) ^ Math.imul(Math.floor(index / 4294967296), 0x85ebca77)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Turns a numeric or text seed into a 32-bit integer seed. */
export function seedFrom(seed: number | string): number {
  if (typeof seed === 'number' && Number.isInteger(seed)) return mixSeed(seed >>> 0, Math.floor(seed / 4294967296));
  const text = String(seed);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return mixSeed(h >>> 0, 0);
}

/** mulberry32: one 32-bit state, a handful of integer operations per draw. */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Restarts the stream from a new state (used once per event with `mixSeed(seed, index)`). */
  reseed(seed: number): void {
    this.state = seed >>> 0;
  }

  /** A uniform 32-bit unsigned integer. */
  uint32(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

const HEX_BYTE: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Eight lowercase hex digits of a 32-bit value, via a byte table (toString(16) + padStart is slower). */
export function hex32(v: number): string {
  return (HEX_BYTE[v >>> 24] as string) + (HEX_BYTE[(v >>> 16) & 255] as string) + (HEX_BYTE[(v >>> 8) & 255] as string) + (HEX_BYTE[v & 255] as string);
}

/** A version-4-shaped UUID from four random 32-bit values. */
export function uuidFrom(a: number, b: number, c: number, d: number): string {
  const h = hex32(b);
  const v = hex32(((c & 0x3fffffff) | 0x80000000) >>> 0);
  return `${hex32(a)}-${h.slice(0, 4)}-4${h.slice(5)}-${v.slice(0, 4)}-${v.slice(4)}${hex32(d)}`;
}
