/**
 * The connector seam: a plugin with a type name and a zod config schema that can test its
 * connection, discover schemas, read record batches and write them. Built-in connectors live
 * in sibling folders (file/, sql/, rest/, ...) and are registered at start; a project may
 * register its own with `registry.register(...)`.
 */
import { z } from 'zod';
import { PlatformError } from '../core/errors.ts';

/** A column of a discovered or written relation. */
export interface ColumnInfo {
  name: string;
  type: string;
  nullable?: boolean;
}

/** A table, file or stream a connector can read, with its columns when known. */
export interface DiscoveredRelation {
  name: string;
  columns: ColumnInfo[];
}

/** Rows as plain objects; connectors stream them in bounded batches. */
export type RecordBatch = Array<Record<string, unknown>>;

export const WRITE_MODES = ['append', 'overwrite', 'upsert'] as const;
export type WriteMode = (typeof WRITE_MODES)[number];

/** The one readonly argument of every connector method. */
export interface ConnectorContext<Config> {
  readonly config: Config;
  readonly signal: AbortSignal;
}

export interface WriteContext<Config> extends ConnectorContext<Config> {
  readonly batches: AsyncIterable<RecordBatch>;
  readonly mode: WriteMode;
  /** Key columns for `upsert`. */
  readonly keys?: readonly string[];
}

export interface Connector<Config = Record<string, unknown>> {
  /** The `type:` value in configs. */
  readonly type: string;
  readonly description: string;
  readonly configSchema: z.ZodType<Config>;
  /** Names of config fields that hold secrets: never logged or returned. */
  readonly secretFields?: readonly string[];
  /** Checks that the connector can reach its system with this config. */
  test(ctx: ConnectorContext<Config>): Promise<{ ok: true; message?: string }>;
  discover?(ctx: ConnectorContext<Config>): Promise<DiscoveredRelation[]>;
  read?(ctx: ConnectorContext<Config>): AsyncIterable<RecordBatch>;
  write?(ctx: WriteContext<Config>): Promise<{ rowsWritten: number }>;
}

/** What the API and CLI show of a connector type. */
export interface ConnectorInfo {
  type: string;
  description: string;
  capabilities: { read: boolean; write: boolean; discover: boolean };
  secretFields: string[];
  configSchema: unknown;
}

/** The connector types a platform knows. */
export class ConnectorRegistry {
  private readonly connectors = new Map<string, Connector<never>>();

  register<C>(connector: Connector<C>): this {
    if (this.connectors.has(connector.type)) throw new PlatformError('CONFLICT', `connector type '${connector.type}' is already registered`);
    this.connectors.set(connector.type, connector as unknown as Connector<never>);
    return this;
  }

  get(type: string): Connector<Record<string, unknown>> | undefined {
    return this.connectors.get(type) as Connector<Record<string, unknown>> | undefined;
  }

  list(): ConnectorInfo[] {
    return [...this.connectors.values()]
      .map((c) => {
        let configSchema: unknown = {};
        try {
          configSchema = z.toJSONSchema(c.configSchema, { unrepresentable: 'any', io: 'input' });
        } catch {
          configSchema = {};
        }
        return {
          type: c.type,
          description: c.description,
          capabilities: { read: Boolean(c.read), write: Boolean(c.write), discover: Boolean(c.discover) },
          secretFields: [...(c.secretFields ?? [])],
          configSchema,
        };
      })
      .sort((a, b) => a.type.localeCompare(b.type));
  }
}
