/**
 * Every task kind a platform knows, in one registry: the built-in control kinds (shell,
 * script, noop, sleep), the data kinds (source, transform, sink) and data quality `check`.
 */
import { registerBuiltinConnectors } from './connectors/builtin-connectors.ts';
import { ConnectorRegistry } from './connectors/connector.ts';
import type { DataPlane } from './datasets/data-plane.ts';
import { registerDataTaskKinds } from './datasets/task-kinds/register-data-task-kinds.ts';
import { createDbtTaskKind } from './models/dbt-task.ts';
import { createCheckTaskKind } from './quality/check-task.ts';
import { TaskKindRegistry } from './runtime/task-kind-registry.ts';
import { registerBuiltinTaskKinds } from './runtime/task-kinds/builtin-task-kinds.ts';

export function createTaskKindRegistry(options: { connectors?: ConnectorRegistry; dataPlane?: DataPlane } = {}): TaskKindRegistry {
  const connectors = options.connectors ?? registerBuiltinConnectors(new ConnectorRegistry());
  return registerDataTaskKinds(registerBuiltinTaskKinds(new TaskKindRegistry()), connectors, options.dataPlane).register(createCheckTaskKind(options.dataPlane)).register(createDbtTaskKind(options.dataPlane));
}
