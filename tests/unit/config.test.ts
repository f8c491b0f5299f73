import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config.ts';

describe('resolveConfig', () => {
  it('lets the Postgres store use prepared statements unless DATADOG_PG_PREPARED_STATEMENTS turns them off', () => {
    expect(resolveConfig({}, {}).pgPreparedStatements).toBe(true);
    expect(resolveConfig({}, { DATADOG_PG_PREPARED_STATEMENTS: 'true' }).pgPreparedStatements).toBe(true);
    for (const off of ['false', 'FALSE', '0', 'no', 'off']) expect(resolveConfig({}, { DATADOG_PG_PREPARED_STATEMENTS: off }).pgPreparedStatements).toBe(false);
    // An explicit option wins over the environment.
    expect(resolveConfig({ pgPreparedStatements: true }, { DATADOG_PG_PREPARED_STATEMENTS: 'false' }).pgPreparedStatements).toBe(true);
  });
});
