import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ConnectorRegistry } from '../../src/connectors/connector.ts';
import { loadConnectorPlugins } from '../../src/connectors/connector-plugins.ts';
import { createTestPlatform } from '../helpers/platform.ts';

const dir = await mkdtemp(path.join(os.tmpdir(), 'dd-plugin-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const pluginSource = `
import { z } from 'zod';
export default {
  type: 'numbers',
  description: 'a plugin connector that yields the numbers 1..n',
  configSchema: z.object({ n: z.number().int().positive() }).strict(),
  async test() { return { ok: true }; },
  async *read(ctx) { yield Array.from({ length: ctx.config.n }, (_, i) => ({ i: i + 1 })); },
};
`;

describe('connector plugins', () => {
  it('registers a connector from a package named in config and runs it in a pipeline', async () => {
    const file = path.join(dir, 'numbers-plugin.mjs');
    await writeFile(file, pluginSource);
    const registry = new ConnectorRegistry();
    await loadConnectorPlugins(registry, [pathToFileURL(file).href]);
    expect(registry.list().map((c) => c.type)).toEqual(['numbers']);

    const t = await createTestPlatform({ plugins: [pathToFileURL(file).href] });
    try {
      await t.platform.registerSpec({ id: 'plugin_pipeline', tasks: [{ id: 'read', kind: 'source', outputs: ['plugin_numbers'], config: { connector: { type: 'numbers', n: 7 } } }] });
      const run = await t.platform.triggerRun('plugin_pipeline');
      expect((await t.platform.waitForRun(run.id)).status).toBe('succeeded');
      const preview = await t.platform.datasets.preview('plugin_numbers', { limit: 10 });
      expect(preview.rows.map((r) => r.i)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      await expect(t.platform.registerSpec({ id: 'bad', tasks: [{ id: 'r', kind: 'source', outputs: ['x'], config: { connector: { type: 'numbers', n: -1 } } }] })).rejects.toThrow(/tasks\[0\]\.config\.connector\.n/);
    } finally {
      await t.dispose();
    }
  });

  it('refuses a package that exports no connector, naming it', async () => {
    const file = path.join(dir, 'empty-plugin.mjs');
    await writeFile(file, 'export const nothing = 1;\n');
    await expect(loadConnectorPlugins(new ConnectorRegistry(), [pathToFileURL(file).href])).rejects.toThrow(/exports no connector/);
    await expect(loadConnectorPlugins(new ConnectorRegistry(), ['datadog-no-such-plugin-package'])).rejects.toThrow(/cannot load connector plugin 'datadog-no-such-plugin-package'/);
  });
});
