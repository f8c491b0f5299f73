import type { ConnectorRegistry } from '../../connectors/connector.ts';
import type { TaskKindRegistry } from '../../runtime/task-kind-registry.ts';
import type { DataPlane } from '../data-plane.ts';
import { createSinkTaskKind } from './sink-task.ts';
import { createSourceTaskKind } from './source-task.ts';
import { createTransformTaskKind } from './transform-task.ts';

/** Registers the data task kinds: source, transform, sink. */
export function registerDataTaskKinds(registry: TaskKindRegistry, dataPlane: DataPlane, connectors: ConnectorRegistry): TaskKindRegistry {
  return registry.register(createSourceTaskKind(dataPlane, connectors)).register(createTransformTaskKind(dataPlane)).register(createSinkTaskKind(dataPlane, connectors));
}
