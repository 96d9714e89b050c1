// A dlt schema: tables with ordered columns, versioned by a content hash. Stored as JSON in
// `_dlt_version` in the same shape dlt uses (dlt/common/schema/schema.py, engine_version 11).
import { canonicalJson, digest256 } from "../utils/digest.ts";
import type {
  TColumn,
  TColumnSchema,
  TSchemaContract,
  TTableSchema,
} from "./types.ts";

export const SCHEMA_ENGINE_VERSION = 11;
export const LOADS_TABLE = "_dlt_loads";
export const VERSION_TABLE = "_dlt_version";
export const STATE_TABLE = "_dlt_pipeline_state";
export const DLT_TABLE_PREFIX = "_dlt";

export const C_DLT_ID = "_dlt_id";
export const C_DLT_LOAD_ID = "_dlt_load_id";
export const C_DLT_PARENT_ID = "_dlt_parent_id";
export const C_DLT_ROOT_ID = "_dlt_root_id";
export const C_DLT_LIST_IDX = "_dlt_list_idx";

export interface StoredSchema {
  version: number;
  version_hash: string;
  engine_version: number;
  name: string;
  tables: Record<string, TTableSchema>;
  settings: {
    detections?: string[];
    default_hints?: Record<string, string[]>;
    schema_contract?: TSchemaContract;
    [k: string]: unknown;
  };
  normalizers: { names: string; json: { module: string; config?: Record<string, unknown> } };
  previous_hashes: string[];
}

function column(name: string, c: TColumnSchema): TColumn {
  return { name, ...c };
}

function systemTables(): Record<string, TTableSchema> {
  return {
    [VERSION_TABLE]: {
      name: VERSION_TABLE,
      columns: {
        version: column("version", { data_type: "bigint", nullable: false }),
        engine_version: column("engine_version", { data_type: "bigint", nullable: false }),
        inserted_at: column("inserted_at", { data_type: "timestamp", nullable: false }),
        schema_name: column("schema_name", { data_type: "text", nullable: false }),
        version_hash: column("version_hash", { data_type: "text", nullable: false }),
        schema: column("schema", { data_type: "text", nullable: false }),
      },
      write_disposition: "skip",
      resource: VERSION_TABLE,
      description: "Created by DLT. Tracks schema updates",
    },
    [LOADS_TABLE]: {
      name: LOADS_TABLE,
      columns: {
        load_id: column("load_id", { data_type: "text", nullable: false }),
        schema_name: column("schema_name", { data_type: "text", nullable: true }),
        status: column("status", { data_type: "bigint", nullable: false }),
        inserted_at: column("inserted_at", { data_type: "timestamp", nullable: false }),
        schema_version_hash: column("schema_version_hash", { data_type: "text", nullable: true }),
      },
      write_disposition: "skip",
      resource: LOADS_TABLE,
      description: "Created by DLT. Tracks completed loads",
    },
  };
}

export function stateTableSchema(): TTableSchema {
  return {
    name: STATE_TABLE,
    columns: {
      version: column("version", { data_type: "bigint", nullable: false }),
      engine_version: column("engine_version", { data_type: "bigint", nullable: false }),
      pipeline_name: column("pipeline_name", { data_type: "text", nullable: false }),
      state: column("state", { data_type: "text", nullable: false }),
      created_at: column("created_at", { data_type: "timestamp", nullable: false }),
      version_hash: column("version_hash", { data_type: "text", nullable: true }),
      _dlt_load_id: column("_dlt_load_id", { data_type: "text", nullable: false }),
    },
    write_disposition: "append",
    resource: STATE_TABLE,
  };
}

export class Schema {
  name: string;
  version = 1;
  version_hash = "";
  previous_hashes: string[] = [];
  tables: Record<string, TTableSchema>;
  settings: StoredSchema["settings"];

  constructor(name: string) {
    this.name = name;
    this.tables = systemTables();
    this.settings = {
      detections: ["iso_timestamp"],
      default_hints: {
        not_null: [C_DLT_ID, C_DLT_ROOT_ID, C_DLT_PARENT_ID, C_DLT_LIST_IDX, C_DLT_LOAD_ID],
        parent_key: [C_DLT_PARENT_ID],
        root_key: [C_DLT_ROOT_ID],
        unique: [C_DLT_ID],
        row_key: [C_DLT_ID],
      },
    };
    this.version_hash = this.contentHash();
  }

  /** Tables with data (not dlt's own bookkeeping tables). */
  dataTables(): TTableSchema[] {
    return Object.values(this.tables).filter((t) => !isSystemTable(t.name));
  }

  getTable(name: string): TTableSchema | undefined {
    return this.tables[name];
  }

  /** The root table of `name` (itself when it has no parent). */
  rootTable(name: string): TTableSchema {
    let table = this.tables[name];
    while (table?.parent) table = this.tables[table.parent];
    if (!table) throw new Error(`Table ${name} not found in schema ${this.name}`);
    return table;
  }

  /** `root` followed by all its nested tables, parents before children. */
  tableChain(root: string): TTableSchema[] {
    const out: TTableSchema[] = [];
    const visit = (name: string) => {
      const t = this.tables[name];
      if (!t) return;
      out.push(t);
      for (const child of Object.values(this.tables)) if (child.parent === name) visit(child.name);
    };
    visit(root);
    return out;
  }

  /** Complete columns (with a data type): the ones that exist in the destination. */
  static completeColumns(table: TTableSchema): TColumn[] {
    return Object.values(table.columns).filter((c) => c.data_type !== undefined);
  }

  static hasSeenData(table: TTableSchema | undefined): boolean {
    return !!table?.["x-normalizer"]?.["seen-data"];
  }

  /** A table counts as new for contracts until it has a complete column and has seen data. */
  isNewTable(name: string): boolean {
    const t = this.tables[name];
    return !t || !Schema.hasSeenData(t) || Schema.completeColumns(t).length === 0;
  }

  /**
   * Merges a partial table into the schema: new columns are appended in order, hints of existing
   * columns are updated, table-level hints overwrite. Returns the stored table.
   */
  updateTable(partial: TTableSchema): TTableSchema {
    const existing = this.tables[partial.name];
    if (!existing) {
      const { columns, ...rest } = partial;
      const table: TTableSchema = { ...rest, name: partial.name, columns: {} };
      for (const [name, col] of Object.entries(columns ?? {})) table.columns[name] = { ...col, name };
      this.tables[partial.name] = table;
      return table;
    }
    const { columns, ...rest } = partial;
    for (const [k, v] of Object.entries(rest)) {
      if (v === undefined || k === "name") continue;
      if (k === "x-normalizer") existing[k] = { ...(existing[k] ?? {}), ...(v as object) };
      else existing[k] = v;
    }
    for (const [name, col] of Object.entries(columns ?? {})) {
      const prev = existing.columns[name];
      existing.columns[name] = prev ? { ...prev, ...col, name } : { ...col, name };
    }
    return existing;
  }

  dropTables(names: string[]): void {
    for (const n of names) delete this.tables[n];
  }

  /** Hash of the content (tables, settings), independent of version fields. */
  contentHash(): string {
    return digest256(
      canonicalJson({ name: this.name, tables: this.tables, settings: this.settings }),
    );
  }

  /** Bumps version when the content changed since the last bump. Returns true when it did. */
  bumpVersion(): boolean {
    const hash = this.contentHash();
    if (hash === this.version_hash) return false;
    this.previous_hashes = [this.version_hash, ...this.previous_hashes].slice(0, 10);
    this.version += 1;
    this.version_hash = hash;
    return true;
  }

  toStored(): StoredSchema {
    return {
      version: this.version,
      version_hash: this.version_hash,
      engine_version: SCHEMA_ENGINE_VERSION,
      name: this.name,
      tables: structuredClone(this.tables),
      settings: structuredClone(this.settings),
      normalizers: {
        names: "snake_case",
        json: { module: "dlt.common.normalizers.json.relational" },
      },
      previous_hashes: [...this.previous_hashes],
    };
  }

  static fromStored(stored: StoredSchema): Schema {
    const s = new Schema(stored.name);
    s.tables = structuredClone(stored.tables);
    s.settings = structuredClone(stored.settings);
    s.version = stored.version;
    s.version_hash = stored.version_hash;
    s.previous_hashes = [...(stored.previous_hashes ?? [])];
    return s;
  }

  clone(): Schema {
    return Schema.fromStored(this.toStored());
  }
}

export function isSystemTable(name: string): boolean {
  return name === VERSION_TABLE || name === LOADS_TABLE;
}
