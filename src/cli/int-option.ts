/** Whole-number options (`--limit 20`): checked when parsed, so a typo is a usage error (exit 2). */
import { InvalidArgumentError } from 'commander';

/**
 * A commander option parser accepting whole numbers from `min` to `max`.
 * @example
 * new Command('x').option('--limit <n>', 'rows to show', intOption(1, 10_000), 20)
 */
export function intOption(min: number, max: number): (text: string) => number {
  return (text) => {
    if (!/^\d+$/.test(text.trim())) throw new InvalidArgumentError(`expected a whole number, got '${text}'`);
    const value = Number(text);
    if (value < min || value > max) throw new InvalidArgumentError(`expected a number from ${min} to ${max}, got ${value}`);
    return value;
  };
}
