/**
 * The file connector's config: where the files are (a local path, a glob or an S3 URL), their
 * format, and the format's reading options.
 */
import { z } from 'zod';
import { ValidationError } from '../../core/errors.ts';
import { zodIssues } from '../../core/zod-issues.ts';

export const FILE_FORMATS = ['csv', 'json', 'ndjson', 'parquet'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

export const FILE_COMPRESSIONS = ['auto', 'gzip', 'none'] as const;
export type FileCompression = (typeof FILE_COMPRESSIONS)[number];

const csvOptionsSchema = z
  .object({
    /** The first line names the columns (default true). */
    header: z.boolean().optional(),
    /** Default: detected (`,` for .csv, tab for .tsv when written). */
    delimiter: z.string().min(1).max(4).optional(),
    /** Default `"`. */
    quote: z.string().max(1).optional(),
    /** Default: detected, else the quote (doubled quotes). */
    escape: z.string().max(1).optional(),
    /** Text read as NULL (default: the empty field). */
    null_string: z.string().optional(),
    /** Every column, in file order, with its DuckDB type: rows that do not fit go to rejects. */
    columns: z.record(z.string().min(1), z.string().min(1)).optional(),
    /** Lines to skip before the header. */
    skip: z.number().int().min(0).optional(),
  })
  .strict();

const jsonOptionsSchema = z
  .object({
    /** For one JSON document: the dotted path of the array holding the records (`data.items`). */
    records_path: z.string().regex(/^[^.]+(\.[^.]+)*$/, 'expected a dotted path such as data.items').optional(),
  })
  .strict();

const s3OptionsSchema = z
  .object({
    /** An S3-compatible endpoint (MinIO, s3rver); default AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL. */
    endpoint: z.url().optional(),
    region: z.string().min(1).optional(),
    access_key_id: z.string().min(1).optional(),
    secret_access_key: z.string().min(1).optional(),
    session_token: z.string().min(1).optional(),
    /** Default true when an endpoint is set. */
    force_path_style: z.boolean().optional(),
  })
  .strict();

export const fileConfigSchema = z
  .object({
    /** Present when the whole connection block is passed through; always `file`. */
    type: z.literal('file').optional(),
    // Descriptions (not only comments) so that the API's JSON schema explains the fields.
    path: z
      .string()
      .min(1)
      .describe('A file, a folder, a glob (data/*.csv, logs/**/*.json.gz) or an S3 URL (s3://bucket/prefix/*.json); relative to the spec folder; {{ params.name }} is replaced by a run param'),
    format: z.enum(FILE_FORMATS).optional().describe('Default: from the extension (.csv, .tsv, .json, .ndjson, .jsonl, .parquet, with or without .gz)'),
    compression: z.enum(FILE_COMPRESSIONS).optional().describe('Default auto: gzip when the name ends in .gz'),
    csv: csvOptionsSchema.optional(),
    json: jsonOptionsSchema.optional(),
    s3: s3OptionsSchema.optional(),
    partition_by: z.array(z.string().min(1)).min(1).optional().describe('Sinks: one column=value/ folder per distinct value of these columns'),
  })
  .strict();

export type FileConfig = z.infer<typeof fileConfigSchema>;
export type CsvOptions = NonNullable<FileConfig['csv']>;

/** Validates a config (callers may hand over one that was never parsed) with located issues. */
export function parseFileConfig(config: unknown): FileConfig {
  const result = fileConfigSchema.safeParse(config);
  if (!result.success) throw new ValidationError('invalid file connector config', zodIssues(result.error, 'config'));
  return result.data;
}
