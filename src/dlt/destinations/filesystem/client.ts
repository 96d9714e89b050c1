// JobClient for a local directory lake (dlt's FilesystemClient without a table format): each table
// is a folder of Parquet or JSONL files under `<bucket_url>/<dataset>/`; the system tables are
// JSONL files too. Node only: the factory imports this module when a load starts.
//
// Files have no transactions, so a transaction writes into a hidden folder of the dataset and
// remembers what it deletes; only when the whole package succeeded are the deletions done and the
// new files moved into place. A failed package leaves the dataset as it was.
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { rowsToJsonl } from "../../common/formats/jsonl.ts";
import { rowsToParquet } from "../../common/formats/parquet.ts";
import { LOADS_TABLE, STATE_TABLE, VERSION_TABLE, type StoredSchema } from "../../schema/schema.ts";
import type { TTableSchema } from "../../schema/types.ts";
import { uniqIdHex } from "../../utils/digest.ts";
import type { DestinationCapabilities, JobClient, LoadRow, StoredStateRow } from "../client.ts";
import { completeColumns } from "../sql/ddl.ts";
import { layoutPath } from "./layout.ts";

export type FilesystemFileFormat = "parquet" | "jsonl";

/** The marker file dlt writes into a dataset folder when it creates it. */
const INIT_FILE = "init";
const TX_PREFIX = ".pipebook_tx_";

interface Pending {
  /** The hidden folder new files are written to. */
  dir: string;
  /** [written file, final path] */
  moves: [string, string][];
  /** Final paths (files or folders) removed at commit. */
  deletes: Set<string>;
  /** Folders (and the dataset's init marker) made at commit. */
  folders: Set<string>;
  inits: Set<string>;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}

async function listDir(path: string): Promise<{ name: string; dir: boolean }[]> {
  try {
    const entries = await readdir(path, { withFileTypes: true });
    return entries.map((e) => ({ name: e.name, dir: e.isDirectory() })).sort((a, b) => a.name.localeCompare(b.name));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw e;
  }
}

/** Every file below `dir` (the layout may nest folders under the table's). */
async function filesBelow(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await listDir(dir)) {
    const path = join(dir, e.name);
    if (e.dir) out.push(...(await filesBelow(path)));
    else out.push(path);
  }
  return out;
}

/** A filename part from a value that may hold `/` or `+` (base64 version hashes). */
const safeName = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, "_");

export class FilesystemClient implements JobClient {
  readonly location: string;
  private readonly root: string;
  private pending: Pending | undefined;
  private lock: Promise<unknown> = Promise.resolve();

  constructor(
    bucketUrl: string,
    private readonly layout: string,
    private readonly fileFormat: FilesystemFileFormat,
  ) {
    this.root = resolve(bucketUrl.startsWith("file://") ? new URL(bucketUrl).pathname : bucketUrl);
    this.location = pathToFileURL(this.root).href;
  }

  capabilities(): DestinationCapabilities {
    return { max_identifier_length: 255, max_column_identifier_length: 255, supports_ddl_transactions: true };
  }

  private datasetDir(dataset: string): string {
    return join(this.root, dataset);
  }

  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.lock;
    let release!: () => void;
    this.lock = new Promise<void>((r) => (release = r));
    await previous.catch(() => undefined);
    const dir = join(this.root, `${TX_PREFIX}${uniqIdHex(8)}`);
    this.pending = { dir, moves: [], deletes: new Set(), folders: new Set(), inits: new Set() };
    try {
      const result = await fn();
      await this.commit(this.pending);
      return result;
    } finally {
      this.pending = undefined;
      await rm(dir, { recursive: true, force: true });
      release();
    }
  }

  private async commit(p: Pending): Promise<void> {
    for (const path of p.deletes) await rm(path, { recursive: true, force: true });
    for (const folder of p.folders) await mkdir(folder, { recursive: true });
    for (const init of p.inits) await writeFile(init, "");
    for (const [from, to] of p.moves) {
      await mkdir(dirname(to), { recursive: true });
      await rename(from, to);
    }
  }

  /** Writes a file at `path` now, or at commit when inside a transaction. */
  private async put(path: string, data: string | Uint8Array): Promise<void> {
    const p = this.pending;
    const target = p ? join(p.dir, String(p.moves.length)) : path;
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, data);
    if (p) p.moves.push([target, path]);
  }

  private async remove(path: string): Promise<void> {
    if (this.pending) this.pending.deletes.add(path);
    else await rm(path, { recursive: true, force: true });
  }

  private async makeFolder(path: string): Promise<void> {
    if (this.pending) this.pending.folders.add(path);
    else await mkdir(path, { recursive: true });
  }

  /** The rows of a system table's JSONL files (committed files only). */
  private async jsonlRows(dataset: string, table: string): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = [];
    for (const file of await filesBelow(join(this.datasetDir(dataset), table))) {
      if (!file.endsWith(".jsonl")) continue;
      for (const line of (await readFile(file, "utf8")).split("\n")) if (line.trim()) rows.push(JSON.parse(line));
    }
    return rows;
  }

  /** Each schema's newest stored version. */
  private async storedSchemas(dataset: string): Promise<Map<string, Record<string, unknown>>> {
    const newest = new Map<string, Record<string, unknown>>();
    for (const row of await this.jsonlRows(dataset, VERSION_TABLE)) {
      const name = String(row.schema_name);
      const cur = newest.get(name);
      if (!cur || newerVersion(row, cur)) newest.set(name, row);
    }
    return newest;
  }

  /** Table folders, with the columns the newest stored schemas give them (files carry their own). */
  async storageColumns(dataset: string, tables?: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    const wanted = tables && new Set(tables);
    const folders = (await listDir(this.datasetDir(dataset))).filter((e) => e.dir && !e.name.startsWith(".") && (!wanted || wanted.has(e.name)));
    if (!folders.length) return out;
    const known = new Map<string, string[]>();
    for (const row of (await this.storedSchemas(dataset)).values()) {
      const schema = JSON.parse(String(row.schema)) as StoredSchema;
      for (const t of Object.values(schema.tables)) {
        const cols = known.get(t.name) ?? [];
        for (const c of completeColumns(t)) if (!cols.includes(c.name)) cols.push(c.name);
        known.set(t.name, cols);
      }
    }
    for (const f of folders) out.set(f.name, known.get(f.name) ?? []);
    return out;
  }

  async storageTables(dataset: string): Promise<Set<string>> {
    const folders = await listDir(this.datasetDir(dataset));
    return new Set(folders.filter((e) => e.dir && !e.name.startsWith(".")).map((e) => e.name));
  }

  async datasetExists(dataset: string): Promise<boolean> {
    return exists(join(this.datasetDir(dataset), INIT_FILE));
  }

  async migrate(dataset: string, tables: TTableSchema[], storage: Map<string, string[]>): Promise<string[]> {
    const done: string[] = [];
    const dir = this.datasetDir(dataset);
    if (!(await this.datasetExists(dataset))) {
      await this.makeFolder(dir);
      if (this.pending) this.pending.inits.add(join(dir, INIT_FILE));
      else await writeFile(join(dir, INIT_FILE), "");
      done.push(`create folder ${dataset}/ with its ${INIT_FILE} marker`);
    }
    for (const table of tables) {
      const columns = completeColumns(table);
      if (!columns.length) continue;
      const existing = storage.get(table.name);
      if (!existing) {
        await this.makeFolder(join(dir, table.name));
        storage.set(table.name, columns.map((c) => c.name));
        done.push(`create folder ${dataset}/${table.name}/ (${columns.map((c) => `${c.name} ${c.data_type}`).join(", ")})`);
        continue;
      }
      for (const col of columns) {
        if (existing.includes(col.name)) continue;
        existing.push(col.name);
        done.push(`new column ${table.name}.${col.name} ${col.data_type} (in new files of ${dataset}/${table.name}/)`);
      }
    }
    return done;
  }

  async dropTables(dataset: string, tables: string[]): Promise<void> {
    for (const t of tables) await this.remove(join(this.datasetDir(dataset), t));
  }

  /** Deletes the table's files (dlt's replace), keeping its folder. */
  async truncateTables(dataset: string, tables: string[]): Promise<void> {
    for (const t of tables) for (const f of await filesBelow(join(this.datasetDir(dataset), t))) await this.remove(f);
  }

  async recreateStagingTable(): Promise<void> {
    throw new Error("The filesystem destination has no staging dataset");
  }

  /** A file per page, as dlt rotates a job's files by size. */
  async loadRows(dataset: string, table: TTableSchema, pages: AsyncIterable<LoadRow[]>, loadId?: string): Promise<void> {
    for await (const rows of pages) if (rows.length > 0) await this.writeFile(dataset, table, rows, loadId);
  }

  private async writeFile(dataset: string, table: TTableSchema, rows: LoadRow[], loadId?: string): Promise<void> {
    const load_id = loadId ?? (rows.find((r) => typeof r._dlt_load_id === "string")?._dlt_load_id as string | undefined);
    if (!load_id) throw new Error(`No load id for the files of table ${table.name}`);
    const columns = completeColumns(table);
    // System tables are JSONL whatever the data format (as in dlt): they are read back here.
    const jsonl = this.fileFormat === "jsonl" || table.name.startsWith("_dlt_");
    const data = jsonl ? rowsToJsonl(columns, rows) : rowsToParquet(columns, rows);
    // The state file is named as dlt names it: `<pipeline>__<load_id>__<version hash>.jsonl`.
    const first = rows[0];
    const rel =
      table.name === STATE_TABLE && typeof first.pipeline_name === "string"
        ? join(STATE_TABLE, `${safeName(first.pipeline_name)}__${safeName(load_id)}__${safeName(String(first.version_hash ?? uniqIdHex(5)))}.jsonl`)
        : layoutPath(this.layout, { table_name: table.name, load_id, file_id: uniqIdHex(5), ext: jsonl ? "jsonl" : "parquet" });
    await this.put(join(this.datasetDir(dataset), rel), data);
  }

  async deleteSchemaHistory(dataset: string, schemaName: string): Promise<void> {
    const dir = join(this.datasetDir(dataset), VERSION_TABLE);
    for (const f of await filesBelow(dir)) {
      if (!f.endsWith(".jsonl")) continue;
      const text = await readFile(f, "utf8");
      if (text.split("\n").some((l) => l.trim() && JSON.parse(l).schema_name === schemaName)) await this.remove(f);
    }
  }

  async schemaVersionStored(dataset: string, schemaName: string, versionHash: string): Promise<boolean> {
    const rows = await this.jsonlRows(dataset, VERSION_TABLE);
    return rows.some((r) => r.schema_name === schemaName && r.version_hash === versionHash);
  }

  /** One JSONL file per schema version: `_dlt_version/<schema>__<hash>.jsonl`. */
  async storeSchemaVersion(dataset: string, schema: StoredSchema): Promise<void> {
    const row = {
      version: schema.version,
      engine_version: schema.engine_version,
      inserted_at: isoNow(),
      schema_name: schema.name,
      version_hash: schema.version_hash,
      schema: JSON.stringify(schema),
    };
    const file = `${safeName(schema.name)}__${safeName(schema.version_hash)}.jsonl`;
    await this.put(join(this.datasetDir(dataset), VERSION_TABLE, file), JSON.stringify(row) + "\n");
  }

  /** One JSONL file per load: `_dlt_loads/<schema>__<load_id>.jsonl`, written last. */
  async completeLoad(dataset: string, loadId: string, schemaName: string, versionHash: string): Promise<void> {
    const row = { load_id: loadId, schema_name: schemaName, status: 0, inserted_at: isoNow(), schema_version_hash: versionHash };
    await this.put(join(this.datasetDir(dataset), LOADS_TABLE, `${safeName(schemaName)}__${safeName(loadId)}.jsonl`), JSON.stringify(row) + "\n");
  }

  async newestStoredState(dataset: string, pipelineName: string): Promise<StoredStateRow | undefined> {
    const completed = new Set(
      (await this.jsonlRows(dataset, LOADS_TABLE)).filter((l) => Number(l.status) === 0).map((l) => String(l.load_id)),
    );
    let best: Record<string, unknown> | undefined;
    for (const s of await this.jsonlRows(dataset, STATE_TABLE)) {
      if (s.pipeline_name !== pipelineName || !completed.has(String(s._dlt_load_id))) continue;
      const order = String(s._dlt_load_id).localeCompare(String(best?._dlt_load_id ?? ""));
      if (!best || order > 0 || (order === 0 && Number(s.version) > Number(best.version))) best = s;
    }
    return best ? { state: String(best.state) } : undefined;
  }

  async newestStoredSchema(dataset: string, schemaName: string): Promise<string | undefined> {
    const row = (await this.storedSchemas(dataset)).get(schemaName);
    return row ? String(row.schema) : undefined;
  }
}

function isoNow(): string {
  return new Date().toISOString();
}

/** Newer by inserted_at, then version (as `ORDER BY inserted_at DESC, version DESC`). */
function newerVersion(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const t = String(a.inserted_at).localeCompare(String(b.inserted_at));
  return t > 0 || (t === 0 && Number(a.version) > Number(b.version));
}
