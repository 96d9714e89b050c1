// pipebook's dlt: the public API (shared/API.md). Python decorators become wrapper calls,
// keyword arguments one trailing options object with dlt's snake_case names, I/O returns Promises.
import { duckdb } from "./destinations/duckdb/factory.ts";
import { postgres } from "./destinations/postgres/factory.ts";
import { filesystem } from "./destinations/filesystem/factory.ts";
import { withTableName } from "./extract/extract.ts";

export { resource, transformer, DltResource } from "./extract/resource.ts";
export { source, DltSource } from "./extract/source.ts";
export { pipeline, Pipeline } from "./pipeline/pipeline.ts";
export type { PipelineOptions, RunOptions, ProgressEvent } from "./pipeline/pipeline.ts";
export { LoadInfo, NormalizeInfo, ExtractInfo } from "./pipeline/load_info.ts";
export { DryRunInfo } from "./pipeline/dry_run_info.ts";
export { diffSchemas, describeDiff } from "./schema/diff.ts";
export type { SchemaDiff } from "./schema/diff.ts";
export { Schema } from "./schema/schema.ts";
export * from "./errors.ts";
export {
  DataValidationError,
  SchemaException,
  CannotCoerceNullException,
  CannotCoerceColumnException,
  ValueDoesNotFitException,
} from "./normalize/errors.ts";
export { UnsupportedValueError } from "./extract/plain_data.ts";
export { DuckDBDestination } from "./destinations/duckdb/factory.ts";
export { PostgresDestination } from "./destinations/postgres/factory.ts";
export { FilesystemDestination } from "./destinations/filesystem/factory.ts";
export { InvalidFilesystemLayout } from "./destinations/filesystem/layout.ts";
export { PostgresCredentials, InvalidConnectionString } from "./destinations/postgres/credentials.ts";
export { setNotebookDatabase, setDuckDBOpener } from "./destinations/duckdb/connection.ts";
export { setDefaultDestination } from "./destinations/default.ts";
export type { DuckDBHandle, SqlConnection } from "./destinations/duckdb/connection.ts";
export type { Destination, JobClient, SqlClient, DestinationCapabilities } from "./destinations/client.ts";
export type { SqlDialect } from "./destinations/sql/dialect.ts";
export { setFileStorage, CsvError } from "./sources/filesystem/index.ts";
export type { FileStorage, FileItem, OpenFile, ListedFile } from "./sources/filesystem/index.ts";
export { setPipelineStoreFactory, setDefaultPipelinesDir, defaultPipelinesDir } from "./storage/store.ts";

export const destinations = { duckdb, postgres, filesystem };

export { sources } from "./sources/index.ts";

export const mark = { with_table_name: withTableName };
export { current } from "./extract/current.ts";
