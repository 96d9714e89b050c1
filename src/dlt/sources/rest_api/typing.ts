// dlt's RESTAPIConfig shape, in TypeScript.
import type { DltResource } from "../../extract/resource.ts";
import type { TColumnSchema, TSchemaContract, TWriteDispositionConfig } from "../../schema/types.ts";
import type { ClientOptions, PaginateOptions } from "../helpers/rest_client/client.ts";

/**
 * `client`: base_url, headers, auth, paginator, plus pipebook's
 * `retry: { max_attempts = 5, backoff_factor = 1, max_retry_delay = 300 }` (seconds) and
 * `timeout = 60` (seconds), which dlt reads from its `[runtime]` request_* settings.
 */
export interface ClientConfig extends ClientOptions {
  base_url: string;
}

export interface IncrementalConfig {
  cursor_path: string;
  initial_value?: unknown;
  end_value?: unknown;
  last_value_func?: unknown;
  primary_key?: string | string[];
  row_order?: "asc" | "desc";
  on_cursor_value_missing?: "raise" | "include" | "exclude";
  range_start?: "open" | "closed";
  range_end?: "open" | "closed";
  lag?: number;
  /** Deprecated in dlt: the query parameter that receives the start (last) value. */
  start_param?: string;
  /** Deprecated in dlt: the query parameter that receives end_value. */
  end_param?: string;
  /** Turns cursor values into what the API expects before they go into a request. */
  convert?: (value: unknown) => unknown;
  /** dlt's deprecated name of `convert`. */
  transform?: (value: unknown) => unknown;
}

export interface ResolveParamConfig {
  type: "resolve";
  resource: string;
  field: string;
}

/** An endpoint: what one request chain sends (the client's paginate options), at `path`. */
export interface Endpoint extends PaginateOptions {
  path?: string;
  incremental?: IncrementalConfig | null;
}

export interface ProcessingStep {
  filter?: (item: any) => unknown;
  map?: (item: any) => unknown;
  yield_map?: (item: any) => Iterable<unknown>;
}

export interface EndpointResourceBase {
  endpoint?: string | Endpoint;
  include_from_parent?: string[];
  table_name?: string | ((item: any) => string);
  write_disposition?: TWriteDispositionConfig;
  primary_key?: string | string[];
  merge_key?: string | string[];
  columns?: Record<string, TColumnSchema> | TColumnSchema[];
  max_table_nesting?: number;
  selected?: boolean;
  schema_contract?: TSchemaContract;
  processing_steps?: ProcessingStep[];
  /** Accepted for dlt configs; requests run one after another. */
  parallelized?: boolean;
  [hint: string]: unknown;
}

export interface EndpointResource extends EndpointResourceBase {
  name: string;
}

export interface RESTAPIConfig {
  client: ClientConfig;
  resource_defaults?: EndpointResourceBase | null;
  resources: Array<string | EndpointResource | DltResource>;
}

export interface RestApiSourceOptions {
  name?: string;
  max_table_nesting?: number;
  root_key?: boolean;
  schema_contract?: TSchemaContract;
}
