/**
 * The `connector:` block of source and sink tasks: `{ type, ...config }`, checked against the
 * connector's own schema when the spec is validated, so `tasks[0].config.connector.path:
 * missing required field` is reported before anything runs.
 */
import { z } from 'zod';
import type { Connector, ConnectorRegistry } from '../../connectors/connector.ts';
import { ValidationError } from '../../core/errors.ts';
import { zodIssues } from '../../core/zod-issues.ts';

/** A connector block; its fields beyond `type` belong to the connector. */
export function connectorBlockSchema(registry: ConnectorRegistry) {
  return z
    .object({ type: z.string().min(1) })
    .catchall(z.unknown())
    .superRefine((block, ctx) => {
      const connector = registry.get(block.type);
      if (!connector) {
        ctx.addIssue({ code: 'custom', path: ['type'], message: `unknown connector type '${block.type}' (known: ${registry.list().map((c) => c.type).join(', ')})` });
        return;
      }
      const { type: _type, ...config } = block;
      const parsed = connector.configSchema.safeParse(config, { reportInput: true });
      if (!parsed.success) {
        for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: [...issue.path] } as never);
      }
    });
}

/** Looks up the connector of a block and parses its config (after the spec check, this cannot fail on shape). */
export function connectorFor(registry: ConnectorRegistry, block: { type: string } & Record<string, unknown>, where: string): { connector: Connector<Record<string, unknown>>; config: Record<string, unknown> } {
  const connector = registry.get(block.type);
  if (!connector) throw new ValidationError(`${where}: unknown connector type '${block.type}'`);
  const { type: _type, ...raw } = block;
  const parsed = connector.configSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) throw new ValidationError(`${where}: invalid connector config`, zodIssues(parsed.error, `${where}.connector`));
  return { connector, config: parsed.data };
}
