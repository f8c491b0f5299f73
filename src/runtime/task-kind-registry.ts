/**
 * The task kinds a platform knows: built-ins registered at start, and any a project adds.
 */
import { z } from 'zod';
import { PlatformError } from '../core/errors.ts';
import type { TaskKindLookup } from '../core/spec/validate-spec.ts';
import type { TaskKind } from './task-kind.ts';

export interface TaskKindInfo {
  name: string;
  description: string;
  /** JSON Schema of the kind's config, for docs, the API and generated forms. */
  configSchema: unknown;
}

export class TaskKindRegistry implements TaskKindLookup {
  private readonly kinds = new Map<string, TaskKind<never>>();

  register<C>(kind: TaskKind<C>): this {
    if (this.kinds.has(kind.name)) throw new PlatformError('CONFLICT', `task kind '${kind.name}' is already registered`);
    this.kinds.set(kind.name, kind as unknown as TaskKind<never>);
    return this;
  }

  get(name: string): TaskKind<Record<string, unknown>> | undefined {
    return this.kinds.get(name) as TaskKind<Record<string, unknown>> | undefined;
  }

  configSchema(kind: string): z.ZodType | undefined {
    return this.kinds.get(kind)?.configSchema;
  }

  kindNames(): string[] {
    return [...this.kinds.keys()].sort();
  }

  list(): TaskKindInfo[] {
    return this.kindNames().map((name) => {
      const kind = this.kinds.get(name) as TaskKind<never>;
      let configSchema: unknown = {};
      try {
        configSchema = z.toJSONSchema(kind.configSchema, { unrepresentable: 'any', io: 'input' });
      } catch {
        configSchema = {};
      }
      return { name, description: kind.description, configSchema };
    });
  }
}
