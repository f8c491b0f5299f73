#!/usr/bin/env node
// `datadog-server` is `datadog server`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
await main([process.argv[0], process.argv[1], 'server', ...process.argv.slice(2)]);
