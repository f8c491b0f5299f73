import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../src/core/errors.ts';
import { formatDuckType, normalizeDuckType, parseDuckType, sameDuckType } from '../../../src/engine/transforms/duckdb-type.ts';

describe('DuckDB type strings', () => {
  it('parses nested structs, lists, fixed arrays and maps as DESCRIBE prints them', () => {
    expect(parseDuckType('STRUCT(id VARCHAR, geo STRUCT(country VARCHAR, lat DOUBLE))')).toEqual({
      kind: 'struct',
      fields: [
        { name: 'id', type: { kind: 'primitive', name: 'VARCHAR' } },
        {
          name: 'geo',
          type: {
            kind: 'struct',
            fields: [
              { name: 'country', type: { kind: 'primitive', name: 'VARCHAR' } },
              { name: 'lat', type: { kind: 'primitive', name: 'DOUBLE' } },
            ],
          },
        },
      ],
    });
    expect(parseDuckType('VARCHAR[]')).toEqual({ kind: 'list', element: { kind: 'primitive', name: 'VARCHAR' } });
    expect(parseDuckType('STRUCT(a INTEGER)[]')).toEqual({ kind: 'list', element: { kind: 'struct', fields: [{ name: 'a', type: { kind: 'primitive', name: 'INTEGER' } }] } });
    expect(parseDuckType('INTEGER[3][]')).toEqual({ kind: 'list', element: { kind: 'array', size: 3, element: { kind: 'primitive', name: 'INTEGER' } } });
    expect(parseDuckType('MAP(VARCHAR, STRUCT(x BIGINT)[])')).toEqual({
      kind: 'map',
      key: { kind: 'primitive', name: 'VARCHAR' },
      value: { kind: 'list', element: { kind: 'struct', fields: [{ name: 'x', type: { kind: 'primitive', name: 'BIGINT' } }] } },
    });
  });

  it('reads quoted field names, including quotes, spaces and keywords', () => {
    const type = parseDuckType('STRUCT("first name" VARCHAR, "say ""hi""" INTEGER, "order" STRUCT("a,b" DATE))');
    expect(type.kind === 'struct' && type.fields.map((f) => f.name)).toEqual(['first name', 'say "hi"', 'order']);
    expect(formatDuckType(type)).toBe('STRUCT("first name" VARCHAR, "say ""hi""" INTEGER, "order" STRUCT("a,b" DATE))');
  });

  it('knows multi-word names, decimals, enums and unions', () => {
    expect(normalizeDuckType('timestamp with time zone')).toBe('TIMESTAMP WITH TIME ZONE');
    expect(normalizeDuckType('TIMESTAMPTZ')).toBe('TIMESTAMP WITH TIME ZONE');
    expect(normalizeDuckType('double precision')).toBe('DOUBLE');
    expect(normalizeDuckType('DECIMAL(10,2)')).toBe('DECIMAL(10,2)');
    expect(normalizeDuckType('NUMERIC')).toBe('DECIMAL(18,3)');
    expect(normalizeDuckType('decimal(9)')).toBe('DECIMAL(9,0)');
    expect(normalizeDuckType("ENUM('a', 'it''s')")).toBe("ENUM('a', 'it''s')");
    expect(normalizeDuckType('UNION(num INTEGER, str VARCHAR)')).toBe('UNION("num" INTEGER, "str" VARCHAR)');
    expect(normalizeDuckType('varchar(20)')).toBe('VARCHAR');
  });

  it('compares types through their aliases', () => {
    expect(sameDuckType('INT', 'INTEGER')).toBe(true);
    expect(sameDuckType('int8', 'BIGINT')).toBe(true);
    expect(sameDuckType('STRING[]', 'VARCHAR[]')).toBe(true);
    expect(sameDuckType('STRUCT(a INT)', 'STRUCT("a" INTEGER)')).toBe(true);
    expect(sameDuckType('FLOAT', 'DOUBLE')).toBe(false);
    expect(sameDuckType('BOOL', 'BOOLEAN')).toBe(true);
  });

  it('refuses malformed types and anything that is not a type', () => {
    for (const bad of ['', 'STRUCT(a INTEGER', 'DOUBLE); DROP TABLE x; --', 'INTEGER[x]', 'MAP(VARCHAR)', "VARCHAR'", 'DECIMAL(a)', 'STRUCT()']) {
      expect(() => parseDuckType(bad), bad).toThrow(ValidationError);
    }
    expect(() => parseDuckType('DOUBLE); DROP TABLE x; --')).toThrow(/invalid DuckDB type 'DOUBLE\); DROP TABLE x; --': unexpected ';'/);
  });
});
