import type { ConnectorRegistry } from '../../connectors/connector.ts';
import { PlatformError } from '../../core/errors.ts';
import type { TaskKindRegistry } from '../../runtime/task-kind-registry.ts';
import type { DataPlane } from '../data-plane.ts';
import { createSinkTaskKind } from './sink-task.ts';
import { createSourceTaskKind } from './source-task.ts';
import { createTransformTaskKind } from './transform-task.ts';

/**
 * Registers the data task kinds: source, transform, sink. Without a data plane (a registry
 * used only to validate specs, as the CLI's `pipeline validate` does) they validate but cannot run.
 */
export function registerDataTaskKinds(registry: TaskKindRegistry, connectors: ConnectorRegistry, dataPlane?: DataPlane): TaskKindRegistry {
  const plane = (): DataPlane => {
    if (!dataPlane) throw new PlatformError('UNSUPPORTED', 'this task kind registry only validates specs; run tasks through a platform');
    return dataPlane;
  };
  return registry.register(createSourceTaskKind(plane, connectors)).register(createTransformTaskKind(plane)).register(createSinkTaskKind(plane, connectors));
}
