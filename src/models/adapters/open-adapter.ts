/**
 * Opens the adapter a profile target names.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { TargetConfig } from '../profiles.ts';
import { DuckdbAdapter } from './duckdb-adapter.ts';
import type { ModelAdapter } from './model-adapter.ts';
import { PostgresAdapter } from './postgres-adapter.ts';

/** Connects to the target's warehouse; the caller closes the adapter. */
export async function openAdapter(target: TargetConfig): Promise<ModelAdapter> {
  if (target.type === 'duckdb') {
    const file = target.path ?? ':memory:';
    if (file !== ':memory:') await mkdir(path.dirname(file), { recursive: true });
    return DuckdbAdapter.open({ path: file });
  }
  return PostgresAdapter.open({
    host: target.host ?? 'localhost',
    port: target.port ?? 5432,
    user: target.user ?? 'postgres',
    database: target.dbname ?? target.database,
    ...(target.password !== undefined ? { password: target.password } : {}),
  });
}
