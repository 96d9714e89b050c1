// A load package: what one extract of one source produced, carried through normalize and load.
// Plain data (structured-clone safe) so that pending packages can be stored and retried.
import type { SchemaDiff } from "../schema/diff.ts";
import type { StoredSchema } from "../schema/schema.ts";
import type { TNormalizedValue } from "../schema/types.ts";
import type { ExtractedResource } from "../extract/extract.ts";
import type { PackageState } from "../pipeline/load_info.ts";
import type { Page } from "../storage/pages.ts";

export type NormalizedRow = Record<string, TNormalizedValue>;

export interface LoadPackage {
  load_id: string;
  schema_name: string;
  state: PackageState;
  /** The schema as extract left it (hints), replaced by the normalized schema after normalize. */
  schema: StoredSchema;
  extracted: {
    /** items per root table, in pages (large packages keep theirs in the page store) */
    tables: Record<string, Page[]>;
    resources: ExtractedResource[];
    /** Root tables of replace resources that got no rows but must be emptied. */
    empty_replace_tables: string[];
    /** The `_dlt_pipeline_state` row, when the state changed in this extract. */
    state_row?: Record<string, unknown>;
    /** The pipeline state this package commits (restored if the package is retried). */
    state?: Record<string, unknown>;
  };
  normalized?: {
    tables: Record<string, Page<NormalizedRow>[]>;
    row_counts: Record<string, number>;
    warnings: string[];
  };
  /**
   * `refresh=` of the run that made this package: tables dropped or emptied at the destination
   * (in the package's transaction, before its data), and whether to keep only the newest schema
   * version in `_dlt_version`.
   */
  refresh?: { drop_tables: string[]; truncate_tables: string[]; drop_schema_history: boolean };
  /** Tables (with new columns) that this package added to the schema, for LoadInfo. */
  schema_update?: Record<string, unknown>;
  /** what normalize changed in the schema against the pipeline's version before it */
  schema_diff?: SchemaDiff;
}

/** dlt's load id: Unix time with fractional seconds, strictly increasing in this process. */
let lastLoadId = 0;
export function newLoadId(): string {
  let now = Date.now() / 1000;
  if (now <= lastLoadId) now = lastLoadId + 0.000001;
  lastLoadId = now;
  return String(now);
}
