import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/core/spec/spec-diff.ts';

const lines = (...items: string[]): string => items.map((item) => `${item}\n`).join('');

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff(lines('a', 'b'), lines('a', 'b'))).toBe('');
  });

  it('writes one hunk with three lines of context around a change', () => {
    const before = lines('1', '2', '3', '4', '5', '6', '7', '8', '9');
    const after = lines('1', '2', '3', '4', 'five', '6', '7', '8', '9');
    expect(unifiedDiff(before, after, { fromLabel: 'a', toLabel: 'b' })).toBe(lines('--- a', '+++ b', '@@ -2,7 +2,7 @@', ' 2', ' 3', ' 4', '-5', '+five', ' 6', ' 7', ' 8'));
  });

  it('merges changes whose contexts meet and splits distant ones', () => {
    const base = Array.from({ length: 20 }, (_, i) => String(i + 1));
    const near = [...base];
    near[3] = 'x';
    near[8] = 'y';
    expect(unifiedDiff(lines(...base), lines(...near)).match(/^@@/gm)).toHaveLength(1);
    const far = [...base];
    far[1] = 'x';
    far[17] = 'y';
    expect(unifiedDiff(lines(...base), lines(...far)).match(/^@@.*@@$/gm)).toEqual(['@@ -1,5 +1,5 @@', '@@ -15,6 +15,6 @@']);
  });

  it('keeps the longest common subsequence, so a moved block shows as one removal and one addition', () => {
    const diff = unifiedDiff(lines('a', 'b', 'c', 'd'), lines('b', 'c', 'd', 'a'));
    expect(diff.split('\n').filter((line) => /^[-+][^-+]/.test(line))).toEqual(['-a', '+a']);
  });

  it('diffs against an empty text as an addition of every line', () => {
    expect(unifiedDiff('', lines('a', 'b'))).toBe(lines('--- from', '+++ to', '@@ -0,0 +1,2 @@', '+a', '+b'));
  });
});
