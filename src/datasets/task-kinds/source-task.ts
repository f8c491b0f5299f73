/**
 * `source` tasks read from a connector into a dataset. Files are scanned by DuckDB itself (the
 * connector's `scan`); other sources stream batches that are staged through NDJSON. Rows that
 * cannot be parsed go to `<dataset>__rejects` with the raw value, the reason and where they
 * came from; `max_rejects` fails the task when exceeded. `checks:` run on the staged output
 * before it is published (write-audit-publish, see quality/audit-output.ts).
 */
import { z } from 'zod';
import type { ConnectorRegistry, ScanResult } from '../../connectors/connector.ts';
import { NonRetryableError, ValidationError } from '../../core/errors.ts';
import { auditAndPublish } from '../../quality/audit-output.ts';
import { checksSchema } from '../../quality/check.ts';
import { defineTaskKind } from '../../runtime/task-kind.ts';
import type { DatasetVersionRecord } from '../../store/store.ts';
import type { DataPlane } from '../data-plane.ts';
import { connectorBlockSchema, connectorFor } from './connector-config.ts';
import { applyOutputContract, outputContractFields } from './output-contract.ts';
import { outputOf } from './task-datasets.ts';

export function createSourceTaskKind(dataPlane: () => DataPlane, connectors: ConnectorRegistry) {
  return defineTaskKind({
    name: 'source',
    description: 'Reads from a connector (files, databases, REST, generator) into the dataset named in `outputs`.',
    configSchema: z
      .object({
        connector: connectorBlockSchema(connectors),
        ...outputContractFields,
        checks: checksSchema.optional(),
      })
      .strict(),
    run: async (ctx) => {
      const output = outputOf(ctx.task);
      const { connector, config } = connectorFor(connectors, ctx.config.connector, `tasks.${ctx.taskId}.config`);
      // Connectors that stream rows (no scan of files) are refused before reading anything.
      if (ctx.config.materialize === 'view' && !connector.scan) throw viewRefused(connector.type, ctx.taskId);
      const session = await dataPlane().openSession(ctx);
      try {
        const cctx = session.connectorContext(config);
        let rejects = 0;
        let version: DatasetVersionRecord;
        let read: ScanResult;
        if (connector.scan) {
          read = await connector.scan({ ...cctx, duck: session.duck });
        } else if (connector.read) {
          read = await session.spoolBatches(output, connector.read(cctx), connector.columnTypes?.(cctx));
        } else {
          throw new NonRetryableError(`connector '${connector.type}' cannot read`);
        }
        try {
          const contract = await applyOutputContract(session.duck, read.sql, ctx.config, ctx.taskId);
          const stats = { connector: connector.type };
          const inPlace = ctx.config.materialize === 'view' ? viewableFiles(read, connector.type, ctx.taskId, session.tempDir) : undefined;
          if (ctx.config.materialize === 'view' && !inPlace) ctx.log.warn(`${output} is kept as a table, not a view: ${read.notInPlace ?? 'the read uses temp files'}`);
          // The contract may drop rows (rejects); the scan's own count holds only without it.
          const rows = contract.sql === read.sql ? read.rows : undefined;
          if (inPlace) version = await session.stageView(output, contract.sql, { stats, files: inPlace, rows });
          // Parquet the scan made already holds the rows, unless the contract changes them.
          else if (read.parquetFiles && contract.sql === read.sql) version = await session.stageFiles(output, read.parquetFiles, { stats });
          else version = await session.stage(output, contract.sql, { stats });
          const rejectParts = [read.rejectsSql, contract.rejectsSql].filter((s): s is string => Boolean(s));
          if (rejectParts.length > 0) rejects = await session.stageRejects(output, rejectParts.map((s) => `SELECT raw, reason, source FROM (${s})`).join(' UNION ALL '));
        } finally {
          await read.cleanup?.();
        }
        const summary = { rows_in: version.rows + rejects, rows_out: version.rows, rejects, datasets: [{ name: output, version: version.id, rows: version.rows }] };
        if (rejects > 0) ctx.log.warn(`${rejects} row(s) rejected; see dataset ${output}__rejects`);
        const limit = ctx.config.max_rejects;
        if (limit !== undefined && rejects > limit) {
          await session.publishRejects();
          throw new ValidationError(`${rejects} rejected rows exceed max_rejects (${limit}); see dataset ${output}__rejects`);
        }
        const audit = await auditAndPublish(session, output, version, ctx.config.checks, { task: ctx, dataPlane: dataPlane() });
        ctx.log.info(`read ${version.rows} rows into ${output}`);
        return ctx.config.checks ? { ...summary, checks: audit.summary } : summary;
      } finally {
        await session.close();
      }
    },
  });
}

/**
 * The files a `materialize: view` source reads in place, or undefined when this read cannot be
 * a view (remote files, rejects found while reading, lines rewritten): the output is then kept
 * as a table. A connector that never reads files cannot make views at all: the config's error.
 */
function viewableFiles(read: ScanResult, connector: string, taskId: string, tempDir: string): string[] | undefined {
  if (!read.inPlaceFiles && read.notInPlace === undefined) throw viewRefused(connector, taskId);
  return read.inPlaceFiles && !read.sql.includes(tempDir) ? read.inPlaceFiles : undefined;
}

function viewRefused(connector: string, taskId: string): ValidationError {
  return new ValidationError(`tasks.${taskId}.config.materialize: a view reads its source again on every read, which needs local files; connector '${connector}' needs materialize: table`);
}
