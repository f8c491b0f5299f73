/**
 * DuckDB type strings, as DESCRIBE prints them and as users write them in casts and schema
 * contracts: `BIGINT`, `DECIMAL(10,2)`, `VARCHAR[]`, `INTEGER[3]`,
 * `STRUCT(id VARCHAR, "geo info" STRUCT(country VARCHAR))[]`, `MAP(VARCHAR, INTEGER)`.
 *
 * Parsing then formatting is also how a user's type reaches SQL: the formatted text holds only
 * known keywords, numbers and quoted names, so a cast target can never carry other SQL.
 */
import { ValidationError } from '../../core/errors.ts';
import { quoteIdent, quoteLiteral } from '../sql-quote.ts';

/** A named member of a STRUCT or UNION. */
export interface DuckField {
  name: string;
  type: DuckType;
}

/** A parsed DuckDB type. */
export type DuckType =
  | { kind: 'primitive'; name: string; args?: number[] }
  | { kind: 'list'; element: DuckType }
  | { kind: 'array'; element: DuckType; size: number }
  | { kind: 'struct'; fields: DuckField[] }
  | { kind: 'union'; fields: DuckField[] }
  | { kind: 'map'; key: DuckType; value: DuckType }
  | { kind: 'enum'; values: string[] };

// Spellings DuckDB accepts for the same type; comparing contracts needs one canonical name.
const ALIASES: Record<string, string> = {
  INT: 'INTEGER', INT4: 'INTEGER', INT32: 'INTEGER', SIGNED: 'INTEGER',
  INT8: 'BIGINT', INT64: 'BIGINT', LONG: 'BIGINT',
  INT2: 'SMALLINT', INT16: 'SMALLINT', SHORT: 'SMALLINT',
  INT1: 'TINYINT',
  INT128: 'HUGEINT', UINT128: 'UHUGEINT',
  FLOAT4: 'FLOAT', REAL: 'FLOAT',
  FLOAT8: 'DOUBLE', 'DOUBLE PRECISION': 'DOUBLE',
  BOOL: 'BOOLEAN', LOGICAL: 'BOOLEAN',
  STRING: 'VARCHAR', TEXT: 'VARCHAR', CHAR: 'VARCHAR', BPCHAR: 'VARCHAR', NVARCHAR: 'VARCHAR', 'CHARACTER VARYING': 'VARCHAR', CHARACTER: 'VARCHAR',
  BYTEA: 'BLOB', BINARY: 'BLOB', VARBINARY: 'BLOB',
  DATETIME: 'TIMESTAMP', 'TIMESTAMP WITHOUT TIME ZONE': 'TIMESTAMP',
  TIMESTAMPTZ: 'TIMESTAMP WITH TIME ZONE',
  TIMETZ: 'TIME WITH TIME ZONE',
  NUMERIC: 'DECIMAL', DEC: 'DECIMAL',
};

// Multi-word type names, longest first so `TIMESTAMP WITH TIME ZONE` wins over `TIMESTAMP`.
const MULTI_WORD = [
  'TIMESTAMP WITHOUT TIME ZONE',
  'TIMESTAMP WITH TIME ZONE',
  'TIME WITH TIME ZONE',
  'DOUBLE PRECISION',
  'CHARACTER VARYING',
];

type Token = { kind: 'word' | 'quoted' | 'string' | 'number' | 'punct'; text: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      i++;
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'word', text: m[0] });
      i += m[0].length;
    } else if (/[0-9]/.test(ch)) {
      const m = /^[0-9]+/.exec(text.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'number', text: m[0] });
      i += m[0].length;
    } else if (ch === '"' || ch === "'") {
      let j = i + 1;
      let out = '';
      for (;;) {
        if (j >= text.length) throw new Error(`unterminated ${ch === '"' ? 'quoted name' : 'string'}`);
        if (text[j] === ch) {
          if (text[j + 1] === ch) {
            out += ch;
            j += 2;
            continue;
          }
          break;
        }
        out += text[j];
        j++;
      }
      tokens.push({ kind: ch === '"' ? 'quoted' : 'string', text: out });
      i = j + 1;
    } else if ('(),[]'.includes(ch)) {
      tokens.push({ kind: 'punct', text: ch });
      i++;
    } else {
      throw new Error(`unexpected '${ch}'`);
    }
  }
  return tokens;
}

class TypeParser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parseAll(): DuckType {
    const type = this.parseType();
    if (this.pos < this.tokens.length) throw new Error(`unexpected '${this.tokens[this.pos]?.text}'`);
    return type;
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }

  private next(): Token {
    const token = this.tokens[this.pos++];
    if (!token) throw new Error('unexpected end of type');
    return token;
  }

  private expect(text: string): void {
    const token = this.next();
    if (token.kind !== 'punct' || token.text !== text) throw new Error(`expected '${text}', got '${token.text}'`);
  }

  private isPunct(text: string): boolean {
    const token = this.peek();
    return token?.kind === 'punct' && token.text === text;
  }

  private parseType(): DuckType {
    let type = this.parseBase();
    while (this.isPunct('[')) {
      this.next();
      if (this.isPunct(']')) {
        this.next();
        type = { kind: 'list', element: type };
      } else {
        const size = this.next();
        if (size.kind !== 'number') throw new Error(`expected an array size, got '${size.text}'`);
        this.expect(']');
        type = { kind: 'array', element: type, size: Number(size.text) };
      }
    }
    return type;
  }

  private parseBase(): DuckType {
    const token = this.next();
    if (token.kind !== 'word') throw new Error(`expected a type name, got '${token.text}'`);
    const upper = token.text.toUpperCase();
    if (upper === 'STRUCT' || upper === 'ROW' || upper === 'UNION') {
      return { kind: upper === 'UNION' ? 'union' : 'struct', fields: this.parseFields() };
    }
    if (upper === 'MAP') {
      this.expect('(');
      const key = this.parseType();
      this.expect(',');
      const value = this.parseType();
      this.expect(')');
      return { kind: 'map', key, value };
    }
    if (upper === 'LIST' && this.isPunct('(')) {
      this.next();
      const element = this.parseType();
      this.expect(')');
      return { kind: 'list', element };
    }
    if (upper === 'ENUM') {
      this.expect('(');
      const values: string[] = [];
      do {
        const value = this.next();
        if (value.kind !== 'string') throw new Error(`expected an enum value in quotes, got '${value.text}'`);
        values.push(value.text);
      } while (this.isPunct(',') && this.next());
      this.expect(')');
      return { kind: 'enum', values };
    }
    const name = this.canonicalName(upper);
    const args = this.parseArgs();
    if (name === 'DECIMAL') return { kind: 'primitive', name, args: [args[0] ?? 18, args[1] ?? (args.length > 0 ? 0 : 3)] };
    // VARCHAR(10) and the like: DuckDB ignores the length, so the canonical type does too.
    if (name === 'VARCHAR' || args.length === 0) return { kind: 'primitive', name };
    return { kind: 'primitive', name, args };
  }

  private canonicalName(first: string): string {
    for (const phrase of MULTI_WORD) {
      const words = phrase.split(' ');
      if (words[0] !== first) continue;
      const rest = words.slice(1);
      if (rest.every((word, k) => this.peek(k)?.kind === 'word' && this.peek(k)?.text.toUpperCase() === word)) {
        this.pos += rest.length;
        return ALIASES[phrase] ?? phrase;
      }
    }
    return ALIASES[first] ?? first;
  }

  private parseArgs(): number[] {
    if (!this.isPunct('(')) return [];
    this.next();
    const args: number[] = [];
    do {
      const arg = this.next();
      if (arg.kind !== 'number') throw new Error(`expected a number, got '${arg.text}'`);
      args.push(Number(arg.text));
    } while (this.isPunct(',') && this.next());
    this.expect(')');
    return args;
  }

  private parseFields(): DuckField[] {
    this.expect('(');
    const fields: DuckField[] = [];
    do {
      const name = this.next();
      if (name.kind !== 'word' && name.kind !== 'quoted') throw new Error(`expected a field name, got '${name.text}'`);
      fields.push({ name: name.text, type: this.parseType() });
    } while (this.isPunct(',') && this.next());
    this.expect(')');
    return fields;
  }
}

/**
 * Parses a DuckDB type string. Throws a ValidationError naming the type when it is malformed.
 * @example parseDuckType('STRUCT(a INTEGER)[]') // { kind: 'list', element: { kind: 'struct', ... } }
 */
export function parseDuckType(text: string): DuckType {
  try {
    return new TypeParser(tokenize(text)).parseAll();
  } catch (error) {
    throw new ValidationError(`invalid DuckDB type '${text}': ${(error as Error).message}`);
  }
}

/** Writes a type back as DuckDB SQL, with names quoted: safe to splice into a CAST. */
export function formatDuckType(type: DuckType): string {
  switch (type.kind) {
    case 'primitive':
      return type.args ? `${type.name}(${type.args.join(',')})` : type.name;
    case 'list':
      return `${formatDuckType(type.element)}[]`;
    case 'array':
      return `${formatDuckType(type.element)}[${type.size}]`;
    case 'struct':
    case 'union':
      return `${type.kind.toUpperCase()}(${type.fields.map((f) => `${quoteIdent(f.name)} ${formatDuckType(f.type)}`).join(', ')})`;
    case 'map':
      return `MAP(${formatDuckType(type.key)}, ${formatDuckType(type.value)})`;
    case 'enum':
      return `ENUM(${type.values.map(quoteLiteral).join(', ')})`;
  }
}

/** The canonical spelling of a type, for comparing two types: `int` and `INTEGER` are equal. */
export function normalizeDuckType(text: string): string {
  return formatDuckType(parseDuckType(text));
}

/** True when two type strings name the same DuckDB type. */
export function sameDuckType(a: string, b: string): boolean {
  return normalizeDuckType(a) === normalizeDuckType(b);
}
