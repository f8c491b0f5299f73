#!/usr/bin/env node
// Entry point of the `datadog` CLI. tsx lets the CLI run the TypeScript sources directly and
// import TypeScript pipelines (definePipeline files) at run time, with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
await main(process.argv);
