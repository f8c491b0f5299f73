/**
 * One typed event bus per platform. The engine emits every state change here once;
 * persistence, the SSE stream, logs and metrics subscribe to it.
 */
import { EventEmitter } from 'node:events';
import type { RunStatus, TaskStatus } from './statuses.ts';
import type { LogStream } from '../store/store.ts';

export interface RunStatusEvent {
  runId: string;
  pipelineId: string;
  status: RunStatus;
  previous: RunStatus | null;
  error?: string | null;
  ts: string;
}

export interface TaskStatusEvent {
  runId: string;
  pipelineId: string;
  taskId: string;
  status: TaskStatus;
  previous: TaskStatus | null;
  attempt: number;
  error?: string | null;
  errorCode?: string | null;
  durationMs?: number;
  nextAttemptAt?: string | null;
  ts: string;
}

export interface TaskLogEvent {
  runId: string;
  pipelineId: string;
  taskId: string;
  attempt: number;
  stream: LogStream;
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  ts: string;
}

export interface PipelineSavedEvent {
  pipelineId: string;
  version: string;
  newVersion: boolean;
  ts: string;
}

/** Every event name with its payload type. */
export interface PlatformEvents {
  'run.status': RunStatusEvent;
  'task.status': TaskStatusEvent;
  'task.log': TaskLogEvent;
  'pipeline.saved': PipelineSavedEvent;
}
export type PlatformEventName = keyof PlatformEvents;

/** A typed wrapper over EventEmitter; listeners that throw are isolated from the emitter. */
export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Each SSE client and each waiting CLI adds listeners; the default cap of 10 is too low.
    this.emitter.setMaxListeners(0);
  }

  on<K extends PlatformEventName>(name: K, listener: (event: PlatformEvents[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }

  emit<K extends PlatformEventName>(name: K, event: PlatformEvents[K]): void {
    for (const listener of this.emitter.listeners(name)) {
      try {
        (listener as (e: PlatformEvents[K]) => void)(event);
      } catch {
        // A faulty subscriber must not break the engine that emits.
      }
    }
  }
}
