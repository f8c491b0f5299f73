/**
 * The TypeScript API end to end: a pipeline with typed params, a shell task and script tasks
 * whose code is plain TypeScript. Run it with `npx datadog pipeline run examples/simple_pipeline.ts --wait`.
 */
import { definePipeline } from '../src/index.ts';

export default definePipeline({
  id: 'simple_pipeline',
  name: 'Simple TypeScript pipeline',
  description: 'Scripts written in TypeScript, next to a shell task.',
  tags: ['example', 'typescript'],
  params: {
    multiplier: { type: 'integer', default: 3 },
  },
  defaults: { retries: { max: 1, backoff: { base: '100ms', cap: '1s' } }, timeout: '1m' },
  tasks: [
    {
      id: 'generate',
      kind: 'script',
      run: (ctx) => {
        const numbers = Array.from({ length: 10 }, (_, i) => i + 1);
        ctx.log.info(`generated ${numbers.length} numbers`);
        return { numbers };
      },
    },
    {
      id: 'announce',
      kind: 'shell',
      config: { command: 'echo "multiplier is $PARAM_MULTIPLIER"' },
    },
    {
      id: 'scale',
      kind: 'script',
      depends_on: ['generate', 'announce'],
      run: (ctx) => {
        const multiplier = Number(ctx.params.multiplier);
        const total = Array.from({ length: 10 }, (_, i) => (i + 1) * multiplier).reduce((a, b) => a + b, 0);
        ctx.log.info(`sum of scaled numbers: ${total}`);
        return { total };
      },
    },
  ],
});
