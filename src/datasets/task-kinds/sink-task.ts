/**
 * `sink` tasks write a dataset to a connector: files through DuckDB's own COPY (the connector's
 * `copy`), databases and APIs through bounded batches (`write`), with append, overwrite or
 * upsert by keys.
 */
import { z } from 'zod';
import { WRITE_MODES, type ConnectorRegistry } from '../../connectors/connector.ts';
import { NonRetryableError } from '../../core/errors.ts';
import { defineTaskKind } from '../../runtime/task-kind.ts';
import type { DataPlane } from '../data-plane.ts';
import { connectorBlockSchema, connectorFor } from './connector-config.ts';
import { inputsOf } from './task-datasets.ts';

export function createSinkTaskKind(dataPlane: () => DataPlane, connectors: ConnectorRegistry) {
  return defineTaskKind({
    name: 'sink',
    description: 'Writes the dataset named in `inputs` to a connector (append, overwrite, or upsert by keys).',
    configSchema: z
      .object({
        connector: connectorBlockSchema(connectors),
        mode: z.enum(WRITE_MODES).default('append'),
        keys: z.array(z.string().min(1)).optional(),
        batch_size: z.number().int().positive().default(10_000),
      })
      .strict()
      .refine((c) => c.mode !== 'upsert' || (c.keys?.length ?? 0) > 0, { message: 'upsert needs keys: [...]', path: ['keys'] }),
    run: async (ctx) => {
      const [input] = inputsOf(ctx.task) as [string];
      const { connector, config } = connectorFor(connectors, ctx.config.connector, `tasks.${ctx.taskId}.config`);
      const session = await dataPlane().openSession(ctx);
      try {
        const sql = `SELECT * FROM ${await session.input(input)}`;
        const columns = session.inputSchema(input) ?? (await session.duck.describe(sql));
        const cctx = session.connectorContext(config);
        const base = { mode: ctx.config.mode, columns, ...(ctx.config.keys ? { keys: ctx.config.keys } : {}) };
        let rowsWritten: number;
        if (connector.copy) {
          ({ rowsWritten } = await connector.copy({ ...cctx, ...base, duck: session.duck, sql }));
        } else if (connector.write) {
          ({ rowsWritten } = await connector.write({ ...cctx, ...base, batches: session.duck.stream(sql, ctx.config.batch_size) }));
        } else {
          throw new NonRetryableError(`connector '${connector.type}' cannot write`);
        }
        await session.publish();
        ctx.log.info(`wrote ${rowsWritten} rows of ${input} to ${connector.type} (${ctx.config.mode})`);
        return { rows_in: rowsWritten, rows_out: rowsWritten, target: connector.type, mode: ctx.config.mode };
      } finally {
        await session.close();
      }
    },
  });
}
