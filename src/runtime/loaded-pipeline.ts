/**
 * A pipeline ready to run: its validated spec, version, DAG, and where it came from.
 */
import type { Dag } from '../core/dag.ts';
import type { PipelineSpec } from '../core/spec/pipeline-spec.ts';

export interface LoadedPipeline {
  spec: PipelineSpec;
  /** Content hash of the spec. */
  version: string;
  dag: Dag;
  /** Folder that relative paths in task configs are resolved against. */
  baseDir: string;
  /** File the spec was loaded from, if any. */
  sourcePath: string | null;
}
