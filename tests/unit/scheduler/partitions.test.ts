import { describe, expect, it } from 'vitest';
import { pipelineSpecSchema } from '../../../src/core/spec/pipeline-spec.ts';
import { partitionForSlot, partitionKeys } from '../../../src/scheduler/partitions.ts';

const daily = { type: 'daily' as const, param: 'partition' };
const hourly = { type: 'hourly' as const, param: 'partition' };

describe('partitions', () => {
  it('lists daily keys of an inclusive range across a month end', () => {
    expect(partitionKeys(daily, { from: '2026-01-30', to: '2026-02-02' })).toEqual(['2026-01-30', '2026-01-31', '2026-02-01', '2026-02-02']);
    expect(partitionKeys(daily, { from: '2026-01-01', to: '2026-01-01' })).toEqual(['2026-01-01']);
  });

  it('lists hourly keys, a date bound covering its whole day', () => {
    const keys = partitionKeys(hourly, { from: '2026-01-01', to: '2026-01-01' });
    expect(keys).toHaveLength(24);
    expect([keys[0], keys[23]]).toEqual(['2026-01-01T00', '2026-01-01T23']);
    expect(partitionKeys(hourly, { from: '2026-01-01T22', to: '2026-01-02T01' })).toEqual(['2026-01-01T22', '2026-01-01T23', '2026-01-02T00', '2026-01-02T01']);
  });

  it('takes a range of static values by position, or all of them', () => {
    const spec = { type: 'static' as const, values: ['eu', 'us', 'apac'], param: 'region' };
    expect(partitionKeys(spec, {})).toEqual(['eu', 'us', 'apac']);
    expect(partitionKeys(spec, { from: 'us' })).toEqual(['us', 'apac']);
    expect(() => partitionKeys(spec, { from: 'mars' })).toThrow(/'mars' is not a partition/);
  });

  it('refuses reversed, malformed, impossible and too early ranges', () => {
    expect(() => partitionKeys(daily, { from: '2026-01-05', to: '2026-01-01' })).toThrow(/before/);
    expect(() => partitionKeys(daily, { from: '2026-1-5', to: '2026-01-06' })).toThrow(/expected a date/);
    expect(() => partitionKeys(daily, { from: '2026-02-30', to: '2026-03-01' })).toThrow(/not a real date/);
    expect(() => partitionKeys({ ...daily, start: '2026-01-01' }, { from: '2025-12-31', to: '2026-01-01' })).toThrow(/before the first partition/);
    expect(() => partitionKeys(daily, { to: '2026-01-01' })).toThrow(/required/);
  });

  it('gives a scheduled slot the partition that ended at it', () => {
    expect(partitionForSlot(daily, new Date('2026-01-05T01:00:00Z'))).toBe('2026-01-04');
    expect(partitionForSlot(hourly, new Date('2026-01-05T00:00:00Z'))).toBe('2026-01-04T23');
  });

  it('declares the partition param of a partitioned spec as an optional string', () => {
    const spec = pipelineSpecSchema.parse({ id: 'p', partitions: { type: 'daily' }, tasks: [{ id: 'a', kind: 'noop' }] });
    expect(spec.params.partition).toMatchObject({ type: 'string', required: false });
    const mistyped = pipelineSpecSchema.safeParse({ id: 'p', params: { day: { type: 'integer' } }, partitions: { type: 'daily', param: 'day' }, tasks: [{ id: 'a', kind: 'noop' }] });
    expect(mistyped.success).toBe(false);
    expect(pipelineSpecSchema.safeParse({ id: 'p', partitions: { type: 'static' }, tasks: [{ id: 'a', kind: 'noop' }] }).success).toBe(false);
  });
});
