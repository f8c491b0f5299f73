#!/usr/bin/env node
// `datadog-worker` is `datadog worker`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
await main([process.argv[0], process.argv[1], 'worker', ...process.argv.slice(2)]);
