/**
 * Dataset versions kept as views (`materialize: view`): instead of writing Parquet, the
 * version records the SELECT that produces it. The inputs it reads are pinned by version id
 * (versions are immutable), and files it reads in place (a file source) are pinned by size and
 * modification time, so reading a view always gives the rows it had when it was recorded, or
 * fails saying which file changed. dbt users know the trade: nothing stored, the work is redone
 * by every reader.
 */
import { stat } from 'node:fs/promises';
import { ConflictError, NotFoundError, PlatformError } from '../core/errors.ts';
import type { DatasetVersionRecord, DatasetViewDefinition } from '../store/store.ts';

/** Views of views are resolved recursively; past this depth something is wrong. */
const MAX_VIEW_DEPTH = 32;

/** The token standing for an input version in a view's stored SQL. */
export function viewInputToken(versionId: string): string {
  return `__dd_view_input_${versionId}__`;
}

/**
 * Records `selectSql` as a view definition: each input relation it contains (the SQL a data
 * session handed out for an input version) becomes that version's token.
 */
export async function defineView(selectSql: string, inputRelations: ReadonlyMap<string, string>, files: readonly string[]): Promise<DatasetViewDefinition> {
  let sql = selectSql;
  const inputs: DatasetViewDefinition['inputs'] = [];
  // Longest first: a view input's relation may contain another input's relation.
  for (const [relation, versionId] of [...inputRelations].sort((a, b) => b[0].length - a[0].length)) {
    if (!sql.includes(relation)) continue;
    const token = viewInputToken(versionId);
    sql = sql.replaceAll(relation, token);
    inputs.push({ token, versionId });
  }
  return { sql, inputs, files: await Promise.all(files.map(fingerprint)) };
}

export interface ViewResolver {
  getVersion(id: string): Promise<DatasetVersionRecord | undefined>;
  /** SQL reading a version (files or, for a view, recursively its definition). */
  versionSql(version: DatasetVersionRecord, depth: number): Promise<string>;
}

/** The SQL reading a view version: its definition with the inputs' SQL in place of their tokens. */
export async function resolveViewSql(version: DatasetVersionRecord, view: DatasetViewDefinition, resolver: ViewResolver, depth: number): Promise<string> {
  if (depth > MAX_VIEW_DEPTH) throw new PlatformError('INTERNAL', `dataset version ${version.id} of '${version.dataset}' nests views more than ${MAX_VIEW_DEPTH} deep`);
  await checkFiles(version, view);
  let sql = view.sql;
  for (const input of view.inputs) {
    const source = await resolver.getVersion(input.versionId);
    if (!source) throw new NotFoundError('dataset version', `${input.versionId} (read by the view ${version.id} of '${version.dataset}')`);
    sql = sql.replaceAll(input.token, await resolver.versionSql(source, depth + 1));
  }
  return `(${sql})`;
}

async function fingerprint(path: string): Promise<DatasetViewDefinition['files'][number]> {
  const info = await stat(path);
  return { path, size: info.size, mtimeMs: Math.trunc(info.mtimeMs) };
}

/** Refuses to read a view whose files changed since it was recorded. */
async function checkFiles(version: DatasetVersionRecord, view: DatasetViewDefinition): Promise<void> {
  for (const file of view.files) {
    const now = await fingerprint(file.path).catch(() => undefined);
    if (!now) throw new ConflictError(`dataset '${version.dataset}' (version ${version.id}) is a view over ${file.path}, which no longer exists: run task '${version.taskId}' again`);
    if (now.size !== file.size || now.mtimeMs !== file.mtimeMs) {
      throw new ConflictError(
        `dataset '${version.dataset}' (version ${version.id}) is a view over ${file.path}, which changed since it was recorded ` +
          `(${file.size} bytes modified ${new Date(file.mtimeMs).toISOString()}, now ${now.size} bytes modified ${new Date(now.mtimeMs).toISOString()}): run task '${version.taskId}' again`,
      );
    }
  }
}
