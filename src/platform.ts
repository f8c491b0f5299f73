/**
 * The composition root: `createPlatform(config)` builds the store, the task kinds, the engine,
 * the executor, the event bus, logging and metrics, and offers the operations the CLI and the
 * API share. Nothing else constructs these; everything receives them from here.
 */
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { ConflictError, messageOf, NotFoundError, PlatformError, ValidationError } from './core/errors.ts';
import { EventBus } from './core/event-bus.ts';
import { loadSpecFile } from './core/spec/load-spec-file.ts';
import { resolveParams, type ParamValues } from './core/spec/params.ts';
import type { PipelineSpec } from './core/spec/pipeline-spec.ts';
import { specVersion, storableSpec } from './core/spec/spec-version.ts';
import { validatePipelineSpec } from './core/spec/validate-spec.ts';
import { isTerminalRunStatus } from './core/statuses.ts';
import { registerBuiltinConnectors } from './connectors/builtin-connectors.ts';
import { ConnectorRegistry } from './connectors/connector.ts';
import { loadConnectorPlugins } from './connectors/connector-plugins.ts';
import { DataPlane } from './datasets/data-plane.ts';
import { DatasetCatalog } from './datasets/dataset-catalog.ts';
import { createDatasetStorage, type DatasetStorage } from './datasets/dataset-storage.ts';
import { DuckDb } from './engine/duckdb.ts';
import { resolveConfig, type PlatformConfig, type PlatformConfigInput } from './config.ts';
import { createLogger } from './observability/logger.ts';
import { createMetrics, type PlatformMetrics } from './observability/metrics.ts';
import type { Clock } from './runtime/clock.ts';
import type { Executor } from './runtime/executor.ts';
import { DistributedExecutor } from './runtime/executors/distributed/distributed-executor.ts';
import { LocalExecutor } from './runtime/executors/local.ts';
import type { LoadedPipeline } from './runtime/loaded-pipeline.ts';
import { RunEngine } from './runtime/run-engine.ts';
import type { TaskKindRegistry } from './runtime/task-kind-registry.ts';
import { createTaskKindRegistry } from './task-kinds.ts';
import { createStore } from './store/create-store.ts';
import type { PipelineRecord, PipelineVersionRecord, RunRecord, Store, TaskAttemptRecord, TaskRunRecord } from './store/store.ts';

export interface CreatePlatformOptions extends PlatformConfigInput {
  /** Use this store instead of creating one from the config (tests, embedding). */
  store?: Store;
  logger?: Logger;
  clock?: Clock;
  /** Use this executor instead of the one the config names. */
  executor?: Executor;
  /** Poll timing of the engine (cancel requests from other processes, lease renewal). */
  pollMs?: number;
}

/** What registering a spec did. */
export interface RegisteredPipeline {
  pipeline: PipelineRecord;
  version: string;
  newVersion: boolean;
  loaded: LoadedPipeline;
}

/** A run with its task runs and every attempt. */
export interface RunDetail {
  run: RunRecord;
  tasks: TaskRunRecord[];
  attempts: TaskAttemptRecord[];
}

export interface TriggerOptions {
  params?: ParamValues;
  trigger?: string;
}

/** Per-item outcome of registering a folder of pipelines. */
export interface RegisterDirectoryResult {
  results: RegisteredPipeline[];
  errors: Array<{ file: string; error: PlatformError }>;
}

export class Platform {
  readonly config: PlatformConfig;
  readonly store: Store;
  readonly bus: EventBus;
  readonly logger: Logger;
  readonly taskKinds: TaskKindRegistry;
  readonly connectors: ConnectorRegistry;
  readonly executor: Executor;
  readonly engine: RunEngine;
  readonly metrics: PlatformMetrics;
  readonly storage: DatasetStorage;
  readonly dataPlane: DataPlane;
  readonly datasets: DatasetCatalog;
  private readonly closeDuck: () => void;
  /** Loaded pipelines by `id@version`, holding TypeScript task functions that the store cannot. */
  private readonly loaded = new Map<string, LoadedPipeline>();
  private readonly loading = new Map<string, Promise<LoadedPipeline>>();

  constructor(parts: {
    config: PlatformConfig;
    store: Store;
    bus: EventBus;
    logger: Logger;
    taskKinds: TaskKindRegistry;
    connectors: ConnectorRegistry;
    executor: Executor;
    engine: RunEngine;
    metrics: PlatformMetrics;
    storage: DatasetStorage;
    dataPlane: DataPlane;
    datasets: DatasetCatalog;
    closeDuck: () => void;
  }) {
    this.config = parts.config;
    this.store = parts.store;
    this.bus = parts.bus;
    this.logger = parts.logger;
    this.taskKinds = parts.taskKinds;
    this.connectors = parts.connectors;
    this.executor = parts.executor;
    this.engine = parts.engine;
    this.metrics = parts.metrics;
    this.storage = parts.storage;
    this.dataPlane = parts.dataPlane;
    this.datasets = parts.datasets;
    this.closeDuck = parts.closeDuck;
  }

  // ---- pipelines ------------------------------------------------------------------------

  /** Validates a raw spec without registering it. */
  validate(raw: unknown, source = 'pipeline'): { spec: PipelineSpec; version: string } {
    const { spec } = validatePipelineSpec(raw, this.taskKinds, source);
    return { spec, version: specVersion(spec) };
  }

  /** Validates and registers a spec; a changed spec becomes a new version. */
  async registerSpec(raw: unknown, options: { sourcePath?: string | null; source?: string } = {}): Promise<RegisteredPipeline> {
    const sourcePath = options.sourcePath ?? null;
    const { spec, dag } = validatePipelineSpec(raw, this.taskKinds, options.source ?? sourcePath ?? 'pipeline');
    const version = specVersion(spec);
    const saved = await this.store.savePipeline(storableSpec(spec), version, { sourcePath });
    const loaded: LoadedPipeline = { spec, version, dag, baseDir: sourcePath ? path.dirname(sourcePath) : process.cwd(), sourcePath };
    this.loaded.set(`${spec.id}@${version}`, loaded);
    this.bus.emit('pipeline.saved', { pipelineId: spec.id, version, newVersion: saved.newVersion, ts: new Date().toISOString() });
    return { pipeline: saved.pipeline, version, newVersion: saved.newVersion, loaded };
  }

  /** Loads, validates and registers a pipeline file (YAML, JSON or TypeScript). */
  async registerFile(file: string): Promise<RegisteredPipeline> {
    const { raw, sourcePath } = await loadSpecFile(file);
    return this.registerSpec(raw, { sourcePath, source: file });
  }

  /** Registers every pipeline file in a folder; one bad file does not stop the others. */
  async registerDirectory(dir: string): Promise<RegisterDirectoryResult> {
    const out: RegisterDirectoryResult = { results: [], errors: [] };
    const entries = await readdir(dir).catch(() => [] as string[]);
    for (const name of entries.sort()) {
      if (!/\.(ya?ml|json|ts|mts|js|mjs)$/.test(name) || name.endsWith('.d.ts')) continue;
      const file = path.join(dir, name);
      try {
        out.results.push(await this.registerFile(file));
      } catch (error) {
        out.errors.push({ file, error: error instanceof PlatformError ? error : new PlatformError('INTERNAL', messageOf(error)) });
      }
    }
    return out;
  }

  async getPipeline(id: string): Promise<{ pipeline: PipelineRecord; version: PipelineVersionRecord }> {
    const pipeline = await this.store.getPipeline(id);
    if (!pipeline) throw new NotFoundError('pipeline', id);
    const version = await this.store.getPipelineVersion(id, pipeline.currentVersion);
    if (!version) throw new NotFoundError('pipeline version', `${id}@${pipeline.currentVersion}`);
    return { pipeline, version };
  }

  /**
   * The runnable form of a pipeline version: from memory when registered by this process,
   * else from the store, re-importing a TypeScript source file when it still has that version.
   */
  async loadPipeline(id: string, version?: string): Promise<LoadedPipeline> {
    // A version is immutable: once loaded it never needs the store again (workers load one per task).
    const known = version ? this.loaded.get(`${id}@${version}`) : undefined;
    if (known) return known;
    if (!version) return this.readPipeline(id, undefined);
    // A worker handed a wave of a new version's tasks at once loads (and validates) it once.
    const key = `${id}@${version}`;
    let loading = this.loading.get(key);
    if (!loading) {
      loading = this.readPipeline(id, version).finally(() => this.loading.delete(key));
      this.loading.set(key, loading);
    }
    return loading;
  }

  private async readPipeline(id: string, version: string | undefined): Promise<LoadedPipeline> {
    const pipeline = await this.store.getPipeline(id);
    if (!pipeline) throw new NotFoundError('pipeline', id);
    const wanted = version ?? pipeline.currentVersion;
    const cached = this.loaded.get(`${id}@${wanted}`);
    if (cached) return cached;
    if (pipeline.sourcePath && /\.(ts|mts|js|mjs)$/.test(pipeline.sourcePath)) {
      try {
        const fresh = await loadSpecFile(pipeline.sourcePath);
        const { spec, dag } = validatePipelineSpec(fresh.raw, this.taskKinds, pipeline.sourcePath);
        const loaded: LoadedPipeline = { spec, version: specVersion(spec), dag, baseDir: path.dirname(pipeline.sourcePath), sourcePath: pipeline.sourcePath };
        this.loaded.set(`${id}@${loaded.version}`, loaded);
        if (loaded.version === wanted) return loaded;
      } catch (error) {
        this.logger.warn({ err: error, pipeline_id: id }, 'could not re-import the pipeline source; using the stored spec');
      }
    }
    const stored = await this.store.getPipelineVersion(id, wanted);
    if (!stored) throw new NotFoundError('pipeline version', `${id}@${wanted}`);
    const { spec, dag } = validatePipelineSpec(stored.spec, this.taskKinds, `${id}@${wanted}`);
    const loaded: LoadedPipeline = { spec, version: wanted, dag, baseDir: pipeline.sourcePath ? path.dirname(pipeline.sourcePath) : process.cwd(), sourcePath: pipeline.sourcePath };
    this.loaded.set(`${id}@${wanted}`, loaded);
    return loaded;
  }

  // ---- runs -----------------------------------------------------------------------------

  /** Starts a run of the pipeline's current version; params are checked first (PARAM_INVALID). */
  async triggerRun(pipelineId: string, options: TriggerOptions = {}): Promise<RunRecord> {
    const pipeline = await this.loadPipeline(pipelineId);
    const params = resolveParams(pipeline.spec, options.params ?? {});
    return this.engine.startRun({ pipeline, params, trigger: options.trigger ?? 'api' });
  }

  async getRunDetail(runId: string): Promise<RunDetail> {
    const run = await this.store.getRun(runId);
    if (!run) throw new NotFoundError('run', runId);
    const [tasks, attempts] = await Promise.all([this.store.getTaskRuns(runId), this.store.getAttempts(runId)]);
    return { run, tasks, attempts };
  }

  /** Cancels a run wherever it is driven: directly when here, else through the store. */
  async cancelRun(runId: string): Promise<RunRecord> {
    const run = await this.store.getRun(runId);
    if (!run) throw new NotFoundError('run', runId);
    if (isTerminalRunStatus(run.status)) throw new ConflictError(`run ${runId} already ${run.status}`, { status: run.status });
    await this.store.requestCancel(runId);
    if (this.engine.cancel(runId)) return this.engine.waitForRun(runId);
    return { ...run, cancelRequested: true };
  }

  /**
   * Re-runs a finished run from its failure: a new run of the pipeline's current version with
   * the same params, reusing every task that succeeded and executing the rest.
   */
  async rerunFromFailure(runId: string): Promise<RunRecord> {
    const previous = await this.store.getRun(runId);
    if (!previous) throw new NotFoundError('run', runId);
    if (!isTerminalRunStatus(previous.status)) throw new ConflictError(`run ${runId} is still ${previous.status}; wait for it or cancel it first`);
    if (previous.status === 'succeeded') throw new ConflictError(`run ${runId} succeeded; there is nothing to re-run`);
    const pipeline = await this.loadPipeline(previous.pipelineId);
    const reuse = new Map((await this.store.getTaskRuns(runId)).filter((t) => t.status === 'succeeded').map((t) => [t.taskId, t]));
    const params = resolveParams(pipeline.spec, previous.params);
    return this.engine.startRun({ pipeline, params, trigger: 'rerun', parentRunId: runId, reuse });
  }

  waitForRun(runId: string): Promise<RunRecord> {
    return this.engine.waitForRun(runId);
  }

  /** Takes over active runs whose owner stopped (lease expired) and drives them to the end. */
  async resumeOrphanedRuns(): Promise<string[]> {
    const resumed: string[] = [];
    for (const run of await this.store.listActiveRuns()) {
      if (run.owner && run.leaseExpiresAt && Date.parse(run.leaseExpiresAt) > Date.now()) continue;
      try {
        const pipeline = await this.loadPipeline(run.pipelineId, run.pipelineVersion);
        if (await this.engine.resumeRun(run.id, pipeline)) resumed.push(run.id);
      } catch (error) {
        this.logger.error({ err: error, run_id: run.id }, 'could not resume run');
      }
    }
    return resumed;
  }

  /**
   * Resumes orphaned runs now and then every `intervalMs` (a server does this: when another
   * server sharing the store stops, its runs are taken over once their leases expire).
   */
  startReconciler(intervalMs = Math.max(1000, Math.floor(this.config.leaseMs / 2))): void {
    if (this.reconciler) return;
    const tick = (): void => {
      void this.resumeOrphanedRuns().catch((error: unknown) => this.logger.error({ err: error }, 'reconciling runs failed'));
    };
    tick();
    this.reconciler = setInterval(tick, intervalMs);
    this.reconciler.unref();
  }

  private reconciler: ReturnType<typeof setInterval> | undefined;

  async close(): Promise<void> {
    if (this.reconciler) clearInterval(this.reconciler);
    await this.engine.close();
    await this.executor.close();
    this.metrics.stop();
    this.closeDuck();
    this.storage.close?.();
    await this.store.close();
  }
}

/**
 * Builds a platform from configuration and migrates its store.
 * @example
 * const platform = await createPlatform({ home: './.datadog' });
 * const { pipeline } = await platform.registerFile('examples/hello.yaml');
 * const run = await platform.triggerRun(pipeline.id, { params: { name: 'Ada' } });
 * console.log((await platform.waitForRun(run.id)).status);
 */
export async function createPlatform(options: CreatePlatformOptions = {}): Promise<Platform> {
  const config = resolveConfig(options);
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  await mkdir(config.home, { recursive: true });
  const store =
    options.store ??
    createStore({ home: config.home, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}), preparedStatements: config.pgPreparedStatements });
  const report = await store.migrate();
  if (report.error) throw new PlatformError('INTERNAL', `store migration failed: ${report.error}`);
  const connectors = registerBuiltinConnectors(new ConnectorRegistry());
  await loadConnectorPlugins(connectors, config.plugins);
  const storage = createDatasetStorage({ home: config.home, ...(config.storageUrl ? { url: config.storageUrl } : {}) });
  // DuckDB starts on the first data task: pipelines of shell tasks never pay for it.
  let duck: Promise<DuckDb> | undefined;
  const openDuck = (): Promise<DuckDb> => (duck ??= DuckDb.create({ memoryLimit: config.duckdbMemoryLimit, tempDir: path.join(config.home, 'tmp', 'duckdb') }));
  const closeDuck = (): void => {
    void duck?.then((d) => d.close()).catch(() => undefined);
  };
  const dataPlane = new DataPlane({ store, storage, duck: openDuck, connectors, home: config.home, logger });
  const taskKinds = createTaskKindRegistry({ connectors, dataPlane });
  const bus = new EventBus();
  const executor =
    options.executor ??
    (config.executorKind === 'distributed'
      ? new DistributedExecutor({ redisUrl: config.redisUrl, prefix: config.queuePrefix, logger })
      : new LocalExecutor({ kinds: taskKinds, home: config.home, concurrency: config.concurrency }));
  const engine = new RunEngine({
    store,
    executor,
    bus,
    logger,
    pools: config.pools,
    ...(options.clock ? { clock: options.clock } : {}),
    leaseMs: config.leaseMs,
    ...(options.pollMs ? { pollMs: options.pollMs } : {}),
  });
  const metrics = createMetrics(bus);
  const datasets = new DatasetCatalog(store, dataPlane, openDuck);
  return new Platform({ config, store, bus, logger, taskKinds, connectors, executor, engine, metrics, storage, dataPlane, datasets, closeDuck });
}

export { ValidationError };
