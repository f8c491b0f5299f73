/**
 * The REST API's contracts as zod schemas, each with the type of the same name. The server
 * validates requests and serialises responses with them, the OpenAPI document is generated
 * from them, and the client (CLI) and the UI share the inferred types.
 *
 * Records mirror the store's records (src/store/store.ts); a field missing here is dropped
 * from responses, which is what keeps lease internals or future secrets from leaking by
 * accident: adding a field to the API is a deliberate edit of this file.
 */
import { z } from 'zod';
import type { ConnectorInfo as CoreConnectorInfo, DiscoveredRelation as CoreDiscoveredRelation } from '../connectors/connector.ts';
import type { ConnectorTestResult as CoreConnectorTestResult } from '../connectors/test-connector.ts';
import { ERROR_CODES } from '../core/errors.ts';
import { RUN_STATUSES, TASK_STATUSES } from '../core/statuses.ts';
import {
  CHECK_SEVERITIES,
  CHECK_STATUSES,
  DATASET_VERSION_STATUSES,
  LOG_STREAMS,
  STORE_DIALECTS,
  type CheckResultRecord,
  type DatasetColumn as StoreDatasetColumn,
  type DatasetRecord,
  type DatasetVersionRecord,
  type PipelineRecord,
  type RunRecord,
  type TaskAttemptRecord,
  type TaskDurationStat as StoreTaskDurationStat,
  type TaskLogRecord,
  type TaskRunRecord,
} from '../store/store.ts';
import {
  BACKFILL_PARTITION_STATUSES,
  BACKFILL_STATUSES,
  type BackfillPartitionRecord,
  type BackfillRecord,
} from '../store/store.ts';
import type { BackfillDetail as CoreBackfillDetail } from '../scheduler/backfill-progress.ts';
import type { ScheduleInfo } from '../scheduler/schedule-catalog.ts';
import type { WorkerInfo as CoreWorkerInfo } from '../runtime/executors/distributed/worker-registry.ts';

/** Where the versioned resources live. */
export const API_PREFIX = '/api/v1';

/**
 * Named schemas, emitted once under `components.schemas` of the OpenAPI document and referenced
 * from the routes. A registry of our own rather than zod's global one, so ids cannot clash with
 * another module's.
 */
export const apiSchemas = z.registry<{ id: string; description?: string }>();

/** A time in a record: ISO-8601 UTC. */
export const isoTime = z.string().describe('ISO-8601 UTC time');
/** Any JSON object. */
export const jsonObject = z.record(z.string(), z.unknown());

// ---- errors ---------------------------------------------------------------------------

/** The body of every non-2xx response. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().describe(`One of ${ERROR_CODES.join(', ')}`),
      message: z.string(),
      details: z.unknown().describe('For validation errors: `{ issues: [{ path, message }] }`'),
    }),
  })
  .register(apiSchemas, { id: 'ErrorBody' });
export type ErrorBody = z.infer<typeof ErrorBody>;

// ---- records --------------------------------------------------------------------------

export const Pipeline = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    tags: z.array(z.string()),
    currentVersion: z.string().describe('Content hash of the spec registered last'),
    sourcePath: z.string().nullable(),
    archived: z.boolean(),
    createdAt: isoTime,
    updatedAt: isoTime,
  })
  .register(apiSchemas, { id: 'Pipeline' });
export type Pipeline = z.infer<typeof Pipeline>;

export const RunStatus = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatus>;
export const TaskStatus = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof TaskStatus>;

export const Run = z
  .object({
    id: z.string(),
    pipelineId: z.string(),
    pipelineVersion: z.string(),
    status: RunStatus,
    params: jsonObject,
    trigger: z.string().describe('What started the run: cli, api, schedule, rerun, ...'),
    parentRunId: z.string().nullable().describe('For a re-run: the run it re-runs'),
    createdAt: isoTime,
    startedAt: isoTime.nullable(),
    finishedAt: isoTime.nullable(),
    error: z.string().nullable(),
    cancelRequested: z.boolean(),
    owner: z.string().nullable().describe('The engine process driving the run'),
    leaseExpiresAt: isoTime.nullable(),
  })
  .register(apiSchemas, { id: 'Run' });
export type Run = z.infer<typeof Run>;

export const TaskRun = z
  .object({
    runId: z.string(),
    taskId: z.string(),
    status: TaskStatus,
    attempts: z.number().int(),
    queuedAt: isoTime.nullable(),
    startedAt: isoTime.nullable(),
    finishedAt: isoTime.nullable(),
    nextAttemptAt: isoTime.nullable(),
    error: z.string().nullable(),
    errorCode: z.string().nullable(),
    output: z.unknown(),
    reusedFromRunId: z.string().nullable().describe('Set when a re-run reused this success from an earlier run'),
  })
  .register(apiSchemas, { id: 'TaskRun' });
export type TaskRun = z.infer<typeof TaskRun>;

export const TaskAttempt = z
  .object({
    runId: z.string(),
    taskId: z.string(),
    attempt: z.number().int(),
    status: TaskStatus,
    startedAt: isoTime,
    finishedAt: isoTime.nullable(),
    error: z.string().nullable(),
    errorCode: z.string().nullable(),
    errorDetail: z.string().nullable(),
    worker: z.string().nullable(),
  })
  .register(apiSchemas, { id: 'TaskAttempt' });
export type TaskAttempt = z.infer<typeof TaskAttempt>;

export const TaskLog = z
  .object({
    id: z.number().int(),
    runId: z.string(),
    taskId: z.string(),
    attempt: z.number().int(),
    ts: isoTime,
    stream: z.enum(LOG_STREAMS),
    level: z.enum(['debug', 'info', 'warn', 'error']),
    message: z.string(),
  })
  .register(apiSchemas, { id: 'TaskLog' });
export type TaskLog = z.infer<typeof TaskLog>;

export const ConnectorInfo = z
  .object({
    type: z.string(),
    description: z.string(),
    capabilities: z.object({ read: z.boolean(), write: z.boolean(), discover: z.boolean() }),
    secretFields: z.array(z.string()),
    configSchema: z.unknown().describe('JSON Schema of the connector config'),
  })
  .register(apiSchemas, { id: 'ConnectorInfo' });
export type ConnectorInfo = z.infer<typeof ConnectorInfo>;

export const DatasetColumn = z
  .object({
    name: z.string(),
    type: z.string().describe('DuckDB type name (BIGINT, VARCHAR, TIMESTAMP, STRUCT(...), ...)'),
    nullable: z.boolean().optional(),
  })
  .register(apiSchemas, { id: 'DatasetColumn' });
export type DatasetColumn = z.infer<typeof DatasetColumn>;

export const DatasetVersionStatus = z.enum(DATASET_VERSION_STATUSES);
export type DatasetVersionStatus = z.infer<typeof DatasetVersionStatus>;

export const DatasetVersion = z
  .object({
    id: z.string(),
    dataset: z.string(),
    pipelineId: z.string(),
    runId: z.string(),
    taskId: z.string(),
    status: DatasetVersionStatus.describe('staged: written, not visible downstream; published: current data; rejected: failed its checks'),
    files: z.array(z.string()).describe('Storage keys of the Parquet files, relative to the storage root (none for a view)'),
    view: z
      .object({
        sql: z.string().describe('The SELECT a reader runs; each input version appears as its token'),
        inputs: z.array(z.object({ token: z.string(), versionId: z.string() })),
        files: z.array(z.object({ path: z.string(), size: z.number().int(), mtimeMs: z.number().int() })).describe('Files read in place, pinned by size and modification time'),
      })
      .nullable()
      .optional()
      .describe('Set when the version is kept as a view (materialize: view): nothing is stored, readers run its SELECT'),
    rows: z.number().int(),
    bytes: z.number().int(),
    schema: z.array(DatasetColumn),
    inputs: z.array(z.object({ dataset: z.string(), versionId: z.string() })).describe('Dataset versions the writing task read: the edges of lineage'),
    stats: jsonObject.describe('Counts and notes of the task that wrote it (rejects, source locations, ...)'),
    createdAt: isoTime,
    publishedAt: isoTime.nullable(),
  })
  .register(apiSchemas, { id: 'DatasetVersion' });
export type DatasetVersion = z.infer<typeof DatasetVersion>;

export const Dataset = z
  .object({
    name: z.string(),
    pipelineId: z.string().describe('The pipeline that last published it'),
    latestVersionId: z.string().nullable(),
    rows: z.number().int().describe('Rows of the latest published version'),
    updatedAt: isoTime,
  })
  .register(apiSchemas, { id: 'Dataset' });
export type Dataset = z.infer<typeof Dataset>;

export const ColumnInfo = z
  .object({ name: z.string(), type: z.string().describe('DuckDB type name'), nullable: z.boolean().optional() })
  .register(apiSchemas, { id: 'ColumnInfo' });
export type ColumnInfo = z.infer<typeof ColumnInfo>;

export const DiscoveredRelation = z
  .object({ name: z.string(), columns: z.array(ColumnInfo) })
  .register(apiSchemas, { id: 'DiscoveredRelation' });
export type DiscoveredRelation = z.infer<typeof DiscoveredRelation>;

export const TaskKindInfo = z
  .object({
    name: z.string(),
    description: z.string(),
    configSchema: z.unknown().describe('JSON Schema of the task kind config'),
  })
  .register(apiSchemas, { id: 'TaskKindInfo' });
export type TaskKindInfo = z.infer<typeof TaskKindInfo>;

export const TaskDurationStat = z
  .object({
    pipelineId: z.string(),
    taskId: z.string(),
    count: z.number().int(),
    avgMs: z.number(),
    maxMs: z.number(),
  })
  .register(apiSchemas, { id: 'TaskDurationStat' });
export type TaskDurationStat = z.infer<typeof TaskDurationStat>;

// ---- health ---------------------------------------------------------------------------

export const Health = z.object({
  status: z.literal('ok'),
  version: z.string(),
  store: z.enum(STORE_DIALECTS),
  executor: z.string(),
});
export type Health = z.infer<typeof Health>;

// ---- pipelines ------------------------------------------------------------------------

export const PipelineIdParams = z.object({ id: z.string().min(1).describe('Pipeline id') });
export type PipelineIdParams = z.infer<typeof PipelineIdParams>;

/** A spec as a JSON object or as YAML text; exactly one of the two. */
export const PipelineSource = z
  .object({
    spec: jsonObject.optional().describe('The pipeline spec as JSON'),
    yaml: z.string().optional().describe('The pipeline spec as YAML text'),
    sourcePath: z.string().min(1).optional().describe('The file the spec was read from, if any (relative paths in task configs resolve against its folder)'),
  })
  .superRefine((body, ctx) => {
    if ((body.spec === undefined) === (body.yaml === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['spec'], message: 'give exactly one of `spec` (a JSON object) or `yaml` (YAML text)' });
    }
  });
export type PipelineSource = z.infer<typeof PipelineSource>;

export const ListPipelinesQuery = z.object({
  archived: z.enum(['true', 'false']).optional().describe('Include archived pipelines'),
});
export type ListPipelinesQuery = z.infer<typeof ListPipelinesQuery>;

export const RegisterPipelineResponse = z.object({
  pipeline: Pipeline,
  version: z.string(),
  newVersion: z.boolean().describe('False when this exact spec was registered before (status 200 rather than 201)'),
});
export type RegisterPipelineResponse = z.infer<typeof RegisterPipelineResponse>;

export const ValidatePipelineResponse = z.object({
  valid: z.literal(true),
  pipelineId: z.string(),
  version: z.string(),
});
export type ValidatePipelineResponse = z.infer<typeof ValidatePipelineResponse>;

export const PipelineDetail = z.object({
  pipeline: Pipeline,
  version: z.string(),
  spec: jsonObject.describe('The stored spec of the current version, defaults filled in'),
});
export type PipelineDetail = z.infer<typeof PipelineDetail>;

export const ExecutePipelineBody = z
  .object({
    params: jsonObject.optional().describe('Run params, checked against the pipeline declared params'),
  })
  .optional();
export type ExecutePipelineBody = z.infer<typeof ExecutePipelineBody>;

// ---- executions -----------------------------------------------------------------------

export const RunIdParams = z.object({ id: z.string().min(1).describe('Run id') });
export type RunIdParams = z.infer<typeof RunIdParams>;

export const RunResponse = z.object({ run: Run });
export type RunResponse = z.infer<typeof RunResponse>;

/** Run statuses in a query string, comma-separated. */
export const statusList = z
  .string()
  .transform((text) => text.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(RunStatus))
  .describe(`Comma-separated statuses: ${RUN_STATUSES.join(', ')}`);

/** An ISO time in a query string, given back normalised to UTC (`2026-01-02T03:04:05.000Z`). */
export const queryTime = z
  .string()
  .refine((text) => /^\d{4}-\d\d-\d\d/.test(text) && !Number.isNaN(Date.parse(text)), 'expected an ISO time such as 2026-01-02 or 2026-01-02T03:04:05Z')
  .transform((text) => new Date(text).toISOString());

/** A whole number in a query string; coercion would turn `abc` into NaN and a puzzling message. */
export function queryInt(min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}

export const ListRunsQuery = z.object({
  pipeline: z.string().min(1).optional().describe('Only runs of this pipeline'),
  status: statusList.optional(),
  limit: queryInt(1, 500).default(50).describe('Page size (1-500, default 50)'),
  before: z.string().min(1).optional().describe('Cursor: the `nextCursor` of the previous page'),
  since: queryTime.optional().describe('Only runs created at or after this ISO time'),
  until: queryTime.optional().describe('Only runs created before this ISO time'),
});
export type ListRunsQuery = z.infer<typeof ListRunsQuery>;

export const ListRunsResponse = z.object({
  runs: z.array(Run),
  nextCursor: z.string().nullable().describe('Pass as `before` for the next (older) page; null on the last page'),
});
export type ListRunsResponse = z.infer<typeof ListRunsResponse>;

export const RunDetail = z.object({
  run: Run,
  tasks: z.array(TaskRun),
  attempts: z.array(TaskAttempt),
});
export type RunDetail = z.infer<typeof RunDetail>;

export const LogsQuery = z.object({
  task: z.string().min(1).optional(),
  attempt: queryInt(1, 1000).optional(),
  after: queryInt(0, Number.MAX_SAFE_INTEGER).optional().describe('Only lines with an id above this (the previous `nextAfter`), to follow'),
  limit: queryInt(1, 10_000).default(1000).describe('Most lines to return (1-10000, default 1000)'),
  follow: z.enum(['true', 'false']).optional().describe('`true`: answer with an event stream (text/event-stream) of the lines, live, until the run finishes'),
});
export type LogsQuery = z.infer<typeof LogsQuery>;

export const LogsResponse = z.object({
  logs: z.array(TaskLog),
  nextAfter: z.number().int().describe('Pass as `after` to get the lines that follow'),
});
export type LogsResponse = z.infer<typeof LogsResponse>;

// ---- datasets -------------------------------------------------------------------------

export const DatasetNameParams = z.object({ name: z.string().min(1).describe('Dataset name') });
export type DatasetNameParams = z.infer<typeof DatasetNameParams>;

export const ListDatasetsResponse = z.object({ datasets: z.array(Dataset) });
export type ListDatasetsResponse = z.infer<typeof ListDatasetsResponse>;

export const DatasetDetailQuery = z.object({
  limit: queryInt(1, 500).default(50).describe('Most versions to return, newest first (1-500, default 50)'),
});
export type DatasetDetailQuery = z.infer<typeof DatasetDetailQuery>;

export const DatasetDetail = z.object({
  dataset: Dataset,
  versions: z.array(DatasetVersion).describe('Newest first'),
});
export type DatasetDetail = z.infer<typeof DatasetDetail>;

const datasetStatusList = z
  .string()
  .transform((text) => text.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(DatasetVersionStatus))
  .describe(`Comma-separated statuses: ${DATASET_VERSION_STATUSES.join(', ')}`);

export const DatasetVersionsQuery = z.object({
  run: z.string().min(1).optional().describe('Only the versions written by this run'),
  status: datasetStatusList.optional(),
  limit: queryInt(1, 500).default(50).describe('Page size (1-500, default 50)'),
});
export type DatasetVersionsQuery = z.infer<typeof DatasetVersionsQuery>;

export const DatasetVersionsResponse = z.object({ versions: z.array(DatasetVersion).describe('Newest first') });
export type DatasetVersionsResponse = z.infer<typeof DatasetVersionsResponse>;

/** Which version of a dataset: by id, by the run that wrote it, or else the latest published. */
const versionSelector = {
  run: z.string().min(1).optional().describe('The version written by this run'),
  version: z.string().min(1).optional().describe('This version id (wins over `run`)'),
};

export const DatasetPreviewQuery = z.object({
  ...versionSelector,
  limit: queryInt(1, 10_000).default(20).describe('Most rows to return (1-10000, default 20)'),
  offset: queryInt(0, Number.MAX_SAFE_INTEGER).default(0).describe('Rows to skip first'),
});
export type DatasetPreviewQuery = z.infer<typeof DatasetPreviewQuery>;

export const DatasetPreview = z.object({
  dataset: z.string(),
  version: DatasetVersion,
  columns: z.array(ColumnInfo),
  rows: z.array(jsonObject).describe('Rows as objects; timestamps and dates as ISO strings, integers beyond 2^53 and bytes (base64) as strings'),
});
export type DatasetPreview = z.infer<typeof DatasetPreview>;

export const DatasetSchemaQuery = z.object(versionSelector);
export type DatasetSchemaQuery = z.infer<typeof DatasetSchemaQuery>;

export const DatasetSchema = z.object({
  dataset: z.string(),
  version: DatasetVersion,
  columns: z.array(ColumnInfo),
});
export type DatasetSchema = z.infer<typeof DatasetSchema>;

export const CheckResult = z
  .object({
    id: z.string(),
    dataset: z.string(),
    versionId: z.string().describe('The dataset version checked (rejected when an error check failed while writing it)'),
    runId: z.string(),
    taskId: z.string(),
    pipelineId: z.string(),
    name: z.string().describe('The check name, such as `not_null(email)`'),
    type: z.string().describe('not_null, unique, accepted_values, range, regex, row_count, freshness, schema, relationships or custom_sql'),
    severity: z.enum(CHECK_SEVERITIES),
    status: z.enum(CHECK_STATUSES).describe('pass; warn: a failing check of severity warn; fail: a failing check of severity error'),
    failingRows: z.number().int().describe('Rows that fail a row-level check; 0 for row_count, freshness and schema'),
    sample: z.array(jsonObject).describe('Up to five failing rows (JSON-safe), or what a dataset-level check measured'),
    message: z.string(),
    durationMs: z.number().int(),
    createdAt: isoTime,
  })
  .register(apiSchemas, { id: 'CheckResult' });
export type CheckResult = z.infer<typeof CheckResult>;

export const DatasetChecksQuery = z.object({
  run: z.string().min(1).optional().describe('Only the checks run in this run'),
  limit: queryInt(1, 500).default(50).describe('Most results, newest first (1-500, default 50)'),
});
export type DatasetChecksQuery = z.infer<typeof DatasetChecksQuery>;

export const DatasetChecksResponse = z.object({ results: z.array(CheckResult).describe('Newest first; the checks of one task in the order they ran') });
export type DatasetChecksResponse = z.infer<typeof DatasetChecksResponse>;

// Like recordsMatchStore below: the CLI reads check results from either side the same way.
const checkResultMatchesStore: [A: [CheckResult] extends [CheckResultRecord] ? true : false, B: [CheckResultRecord] extends [CheckResult] ? true : false] = [true, true];
void checkResultMatchesStore;

// ---- connectors, metrics --------------------------------------------------------------

export const ConnectorTypeParams = z.object({ type: z.string().min(1).describe('Connector type, such as postgres or file') });
export type ConnectorTypeParams = z.infer<typeof ConnectorTypeParams>;

export const TestConnectorBody = z.object({
  connector: z
    .object({ type: z.string().min(1).describe('Connector type') })
    .catchall(z.unknown())
    .describe('A connector block as in a spec: `{ type, ...config }`; `${env:NAME}` references are resolved from the server environment'),
  discover: z.boolean().optional().describe('Also list the relations the connector can read'),
  baseDir: z.string().min(1).optional().describe("Folder that relative paths resolve against, as the server sees it (default: the server's working folder)"),
});
export type TestConnectorBody = z.infer<typeof TestConnectorBody>;

export const ConnectorTestResult = z
  .object({
    type: z.string(),
    ok: z.boolean().describe('False when the check ran and failed (unreachable, refused, timed out)'),
    message: z.string().optional().describe('What the connector reported, such as the server version'),
    error: z
      .object({
        code: z.string().describe('A platform error code, the system code (ECONNREFUSED, a SQLSTATE, ...), TIMEOUT or CHECK_FAILED'),
        message: z.string(),
      })
      .optional(),
    relations: z.array(DiscoveredRelation).optional().describe('With `discover`: what the connector can read'),
  })
  .register(apiSchemas, { id: 'ConnectorTestResult' });
export type ConnectorTestResult = z.infer<typeof ConnectorTestResult>;


export const ConnectorsResponse = z.object({
  connectors: z.array(ConnectorInfo),
  taskKinds: z.array(TaskKindInfo),
});
export type ConnectorsResponse = z.infer<typeof ConnectorsResponse>;

export const MetricsQuery = z.object({ pipeline: z.string().min(1).optional() });
export type MetricsQuery = z.infer<typeof MetricsQuery>;

export const MetricsSummary = z.object({
  runs: z.record(RunStatus, z.number().int()).describe('Run counts by status'),
  tasks: z.array(TaskDurationStat),
});
export type MetricsSummary = z.infer<typeof MetricsSummary>;

/** The error responses a route documents, all of them `ErrorBody`. */
export function errorResponses<const S extends number>(...statuses: S[]): Record<S, typeof ErrorBody> {
  return Object.fromEntries(statuses.map((status) => [status, ErrorBody])) as Record<S, typeof ErrorBody>;
}

// The API's records must stay interchangeable with the store's (and the connectors'), so a CLI command works the same
// against a local platform and a server: this fails to compile when either side drifts.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const recordsMatchStore: [
  Same<Pipeline, PipelineRecord>,
  Same<Run, RunRecord>,
  Same<TaskRun, TaskRunRecord>,
  Same<TaskAttempt, TaskAttemptRecord>,
  Same<TaskLog, TaskLogRecord>,
  Same<TaskDurationStat, StoreTaskDurationStat>,
  Same<Dataset, DatasetRecord>,
  Same<DatasetVersion, DatasetVersionRecord>,
  Same<DatasetColumn, StoreDatasetColumn>,
  Same<ConnectorInfo, CoreConnectorInfo>,
  Same<DiscoveredRelation, CoreDiscoveredRelation>,
  Same<ConnectorTestResult, CoreConnectorTestResult>,
] = [true, true, true, true, true, true, true, true, true, true, true, true];
void recordsMatchStore;

// ---- schedules, backfills, triggers ---------------------------------------------------

export const Schedule = z
  .object({
    pipelineId: z.string(),
    index: z.number().int().describe("Position in the spec's `schedules`"),
    scheduleId: z.string().describe('Stable id: a hash of cron, time zone and params'),
    cron: z.string(),
    timezone: z.string().nullable().describe('IANA time zone; null is UTC'),
    params: jsonObject,
    enabled: z.boolean().describe('Whether it fires: the override when set, else the spec'),
    specEnabled: z.boolean(),
    enabledOverride: z.boolean().nullable().describe('Set by enable/disable; null follows the spec'),
    misfire: z.enum(['skip', 'catch_up']),
    maxCatchUp: z.number().int(),
    lastFiredAt: isoTime.nullable().describe('The cron slot fired last'),
    nextFireTimes: z.array(isoTime).describe('The next slots it fires at; empty while disabled'),
  })
  .register(apiSchemas, { id: 'Schedule' });
export type Schedule = z.infer<typeof Schedule>;

export const ListSchedulesQuery = z.object({
  pipeline: z.string().min(1).optional().describe('Only the schedules of this pipeline'),
  count: queryInt(1, 50).default(3).describe('Next fire times per schedule (1-50, default 3)'),
});
export type ListSchedulesQuery = z.infer<typeof ListSchedulesQuery>;

export const SchedulesResponse = z.object({ schedules: z.array(Schedule) });
export type SchedulesResponse = z.infer<typeof SchedulesResponse>;

export const SchedulePipelineParams = z.object({ pipelineId: z.string().min(1).describe('Pipeline id') });
export type SchedulePipelineParams = z.infer<typeof SchedulePipelineParams>;

export const ScheduleIndexParams = SchedulePipelineParams.extend({
  index: queryInt(0, 10_000).describe("Position of the schedule in the spec's `schedules`"),
});
export type ScheduleIndexParams = z.infer<typeof ScheduleIndexParams>;

export const BackfillStatus = z.enum(BACKFILL_STATUSES);
export type BackfillStatus = z.infer<typeof BackfillStatus>;

export const Backfill = z
  .object({
    id: z.string(),
    pipelineId: z.string(),
    from: z.string().describe('First partition key'),
    to: z.string().describe('Last partition key (inclusive)'),
    status: BackfillStatus,
    concurrency: z.number().int(),
    params: jsonObject.describe('Params of every run besides the partition key'),
    total: z.number().int().describe('Number of partitions'),
    createdAt: isoTime,
    finishedAt: isoTime.nullable(),
    owner: z.string().nullable().describe('The process driving it'),
    leaseExpiresAt: isoTime.nullable(),
  })
  .register(apiSchemas, { id: 'Backfill' });
export type Backfill = z.infer<typeof Backfill>;

export const BackfillPartition = z
  .object({
    backfillId: z.string(),
    partitionKey: z.string(),
    position: z.number().int(),
    status: z.enum(BACKFILL_PARTITION_STATUSES),
    runId: z.string().nullable(),
    previousRunId: z.string().nullable().describe('For a resumed partition: the failed run it re-runs from'),
    updatedAt: isoTime,
  })
  .register(apiSchemas, { id: 'BackfillPartition' });
export type BackfillPartition = z.infer<typeof BackfillPartition>;

export const BackfillDetail = z
  .object({
    backfill: Backfill,
    partitions: z.array(BackfillPartition),
    progress: z.object({
      total: z.number().int(),
      pending: z.number().int(),
      running: z.number().int(),
      succeeded: z.number().int(),
      failed: z.number().int(),
      cancelled: z.number().int(),
      done: z.number().int().describe('Finished partitions, whatever their outcome'),
    }),
  })
  .register(apiSchemas, { id: 'BackfillDetail' });
export type BackfillDetail = z.infer<typeof BackfillDetail>;

export const CreateBackfillBody = z.object({
  from: z.string().min(1).optional().describe('First partition: a date (daily, hourly), a date and hour (hourly, 2026-01-31T05) or a value (static)'),
  to: z.string().min(1).optional().describe('Last partition, inclusive; static partitions may leave both out for all'),
  concurrency: z.number().int().min(1).max(100).optional().describe('Runs at once (default 4)'),
  params: jsonObject.optional().describe('Params of every run besides the partition key'),
});
export type CreateBackfillBody = z.infer<typeof CreateBackfillBody>;

export const BackfillIdParams = z.object({ id: z.string().min(1).describe('Backfill id') });
export type BackfillIdParams = z.infer<typeof BackfillIdParams>;

const backfillStatusList = z
  .string()
  .transform((text) => text.split(',').map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(BackfillStatus))
  .describe(`Comma-separated statuses: ${BACKFILL_STATUSES.join(', ')}`);

export const ListBackfillsQuery = z.object({
  pipeline: z.string().min(1).optional(),
  status: backfillStatusList.optional(),
  limit: queryInt(1, 500).default(50).describe('Most backfills to return, newest first (1-500, default 50)'),
});
export type ListBackfillsQuery = z.infer<typeof ListBackfillsQuery>;

export const ListBackfillsResponse = z.object({ backfills: z.array(Backfill) });
export type ListBackfillsResponse = z.infer<typeof ListBackfillsResponse>;

// Schedules and backfills cross the API as the scheduler gives them: same check as above.
const schedulerRecordsMatch: [Same<Schedule, ScheduleInfo>, Same<Backfill, BackfillRecord>, Same<BackfillPartition, BackfillPartitionRecord>, Same<BackfillDetail, CoreBackfillDetail>] = [
  true,
  true,
  true,
  true,
];
void schedulerRecordsMatch;

// ---- workers --------------------------------------------------------------------------

export const WORKER_EXECUTORS = ['local', 'distributed'] as const;

export const WorkerTask = z
  .object({
    jobId: z.string().describe('The attempt: `<run>.<task>.<attempt>`'),
    runId: z.string(),
    taskId: z.string(),
    startedAt: isoTime,
  })
  .register(apiSchemas, { id: 'WorkerTask' });
export type WorkerTask = z.infer<typeof WorkerTask>;

export const WorkerInfo = z
  .object({
    id: z.string().describe('`host:pid:suffix` for a `datadog worker`; `host:pid` for the server itself in local mode'),
    host: z.string(),
    pid: z.number().int(),
    pools: z.array(z.string()).describe('Task pools it takes work from'),
    concurrency: z.number().int().describe('Tasks it runs at once'),
    startedAt: isoTime,
    lastHeartbeatAt: isoTime.describe('A worker silent for 30 s drops out of the list'),
    tasks: z.array(WorkerTask).describe('Attempts running on it now'),
  })
  .register(apiSchemas, { id: 'WorkerInfo' });
export type WorkerInfo = z.infer<typeof WorkerInfo>;

export const WorkersResponse = z.object({
  executor: z.enum(WORKER_EXECUTORS).describe('local: tasks run in the server process; distributed: on `datadog worker` processes'),
  workers: z.array(WorkerInfo).describe('By id'),
});
export type WorkersResponse = z.infer<typeof WorkersResponse>;

// Workers cross the API as the worker registry stores them.
const workerRecordsMatch: Same<WorkerInfo, CoreWorkerInfo> = true;
void workerRecordsMatch;
