// What is in the database, read from DuckDB itself: datasets (schemas), tables with dlt's
// types from the newest stored schema in `_dlt_version`, and pipelines from `_dlt_pipeline_state`
// and `_dlt_loads`. Nothing here depends on a pipeline object being alive in the worker.
import type { Table } from "apache-arrow";
import { decodeState } from "../dlt/pipeline/state.ts";
import { describeDiff, diffSchemas } from "../dlt/schema/diff.ts";
import type { CatalogDataset, CatalogTable, IncrementalCursor, PipelineInfo } from "./api.ts";
import { inspect, jsonText } from "../notebook/format.ts";
import { quoteIdent as q, quoteLiteral } from "../notebook/sql.ts";

type Row = Record<string, any>;

/** DuckDB-WASM's async connection in the worker, the blocking one in Node tests. */
export interface Queryable {
  query(sql: string): Promise<Table> | Table;
}

const select = (conn: Queryable, sql: string): Promise<Table> => Promise.resolve().then(() => conn.query(sql));

function rowsOf(t: Table): Row[] {
  return t.toArray().map((r) => r.toJSON() as Row);
}

const num = (v: unknown) => (typeof v === "bigint" ? Number(v) : Number(v ?? 0));
const when = (v: unknown) => (v === null || v === undefined ? "" : new Date(Number(v)).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z"));

interface StoredTable {
  columns?: Record<string, { data_type?: string; nullable?: boolean }>;
  parent?: string;
  write_disposition?: string;
}

async function dltTables(conn: Queryable, dataset: string): Promise<Record<string, StoredTable>> {
  const t = await select(
    conn,
    `SELECT schema_name, schema FROM ${q(dataset)}._dlt_version QUALIFY row_number() OVER (PARTITION BY schema_name ORDER BY inserted_at DESC, version DESC) = 1`,
  );
  const tables: Record<string, StoredTable> = {};
  for (const r of rowsOf(t)) {
    try {
      Object.assign(tables, (JSON.parse(String(r.schema)) as { tables?: Record<string, StoredTable> }).tables ?? {});
    } catch {
      /* a schema we can't read only costs the dlt types */
    }
  }
  return tables;
}

/** dlt's data type of each column of one table, from the newest stored schema (for downloads). */
export async function dltTypes(conn: Queryable, dataset: string, table: string): Promise<Record<string, string>> {
  const cols = (await dltTables(conn, dataset))[table]?.columns ?? {};
  const out: Record<string, string> = {};
  for (const [name, c] of Object.entries(cols)) if (c.data_type) out[name] = c.data_type;
  return out;
}

export async function readCatalog(conn: Queryable): Promise<CatalogDataset[]> {
  const cols = rowsOf(
    await select(conn, `
      SELECT c.table_schema AS s, c.table_name AS t, c.column_name AS c, c.data_type AS ty, c.is_nullable AS n
      FROM information_schema.columns c
      JOIN information_schema.tables t USING (table_catalog, table_schema, table_name)
      WHERE c.table_catalog = current_database() AND c.table_schema NOT IN ('information_schema', 'pg_catalog')
      ORDER BY c.table_schema, c.table_name, c.ordinal_position`),
  );
  const byDataset = new Map<string, Map<string, CatalogTable>>();
  for (const r of cols) {
    if (!byDataset.has(r.s)) byDataset.set(r.s, new Map());
    const tables = byDataset.get(r.s)!;
    if (!tables.has(r.t)) tables.set(r.t, { name: r.t, rows: 0, columns: [], system: r.t.startsWith("_dlt_") });
    tables.get(r.t)!.columns.push({ name: r.c, type: r.ty, nullable: r.n === "YES" });
  }
  const all = [...byDataset].flatMap(([s, tables]) => [...tables.keys()].map((t) => [s, t] as const));
  // One scan for all counts: DuckDB answers count(*) from metadata, cheaply.
  for (let i = 0; i < all.length; i += 100) {
    const chunk = all.slice(i, i + 100);
    const counts = rowsOf(
      await select(conn, chunk.map(([s, t]) => `SELECT ${quoteLiteral(s)} AS s, ${quoteLiteral(t)} AS t, count(*) AS n FROM ${q(s)}.${q(t)}`).join(" UNION ALL ")),
    );
    for (const c of counts) byDataset.get(c.s)!.get(c.t)!.rows = num(c.n);
  }
  const out: CatalogDataset[] = [];
  for (const [name, tables] of byDataset) {
    if (tables.has("_dlt_version")) {
      const stored = await dltTables(conn, name).catch(() => ({}) as Record<string, StoredTable>);
      for (const t of tables.values()) {
        const s = stored[t.name];
        if (!s) continue;
        t.parent = s.parent;
        t.writeDisposition = s.write_disposition;
        for (const c of t.columns) c.dltType = s.columns?.[c.name]?.data_type;
      }
    }
    for (const t of tables.values()) {
      // Tables loaded without a stored schema still nest by dlt's naming: parent__child.
      if (!t.parent && t.name.includes("__")) {
        const p = t.name.slice(0, t.name.lastIndexOf("__"));
        if (tables.has(p)) t.parent = p;
      }
    }
    out.push({ name, tables: [...tables.values()] });
  }
  // Empty schemas are datasets too (just reset, or created by hand).
  const schemas = rowsOf(
    await select(conn, `SELECT schema_name AS s FROM information_schema.schemata WHERE catalog_name = current_database() AND schema_name NOT IN ('information_schema','pg_catalog','main')`),
  );
  for (const s of schemas) if (!byDataset.has(s.s)) out.push({ name: s.s, tables: [] });
  // dlt's staging datasets (<dataset>_staging) are the loader's scratch space, not data to browse.
  const loaded = new Set(out.filter((d) => d.tables.some((t) => t.name === "_dlt_loads")).map((d) => d.name));
  return out
    .filter((d) => !(d.name.endsWith("_staging") && loaded.has(d.name.slice(0, -"_staging".length))))
    .sort((a, b) => (a.name === "main" ? 1 : b.name === "main" ? -1 : a.name.localeCompare(b.name)));
}

const cursorText = (v: unknown) => (typeof v === "string" ? v : inspect(v, 0));

function cursorsOf(state: Record<string, any>): IncrementalCursor[] {
  const out: IncrementalCursor[] = [];
  for (const [source, s] of Object.entries<any>(state.sources ?? {})) {
    for (const [resource, r] of Object.entries<any>(s?.resources ?? {})) {
      for (const [cursorPath, inc] of Object.entries<any>(r?.incremental ?? {})) {
        out.push({
          source,
          resource,
          cursorPath,
          lastValue: cursorText(inc?.last_value),
          initialValue: inc?.initial_value === undefined ? undefined : cursorText(inc.initial_value),
        });
      }
    }
  }
  return out;
}

/** `recorded`: rows each load loaded, kept when it ran; loads without a record count what survives. */
export async function readPipelines(conn: Queryable, recorded: Record<string, Record<string, number>> = {}): Promise<PipelineInfo[]> {
  const datasets = rowsOf(
    await select(
      conn,
      `SELECT table_schema AS s FROM information_schema.tables WHERE table_catalog = current_database() AND table_name = '_dlt_pipeline_state' ORDER BY 1`,
    ),
  ).map((r) => r.s as string);
  const out: PipelineInfo[] = [];
  for (const ds of datasets) {
    const states = rowsOf(
      await select(
        conn,
        `SELECT pipeline_name, state, version, created_at FROM ${q(ds)}._dlt_pipeline_state QUALIFY row_number() OVER (PARTITION BY pipeline_name ORDER BY version DESC, created_at DESC) = 1`,
      ),
    );
    const loads = await select(conn, `SELECT load_id, schema_name, status, inserted_at FROM ${q(ds)}._dlt_loads ORDER BY load_id DESC LIMIT 100`)
      .then(rowsOf, () => [] as Row[]);
    const versions = await select(conn, `SELECT schema_name, version, engine_version, inserted_at, version_hash, schema FROM ${q(ds)}._dlt_version ORDER BY inserted_at DESC LIMIT 51`)
      .then(rowsOf, () => [] as Row[]);
    const changesOf = versionChanges(versions);
    // Rows per load: root tables carry _dlt_load_id.
    const rootTables = rowsOf(
      await select(
        conn,
        `SELECT table_name AS t FROM information_schema.columns WHERE table_catalog = current_database() AND table_schema = ${quoteLiteral(ds)} AND column_name = '_dlt_load_id' AND table_name NOT LIKE '\\_dlt\\_%' ESCAPE '\\'`,
      ),
    ).map((r) => r.t as string);
    const rowsByLoad = new Map<string, Record<string, number>>();
    if (rootTables.length) {
      const counts = rowsOf(
        await select(conn, rootTables.map((t) => `SELECT ${quoteLiteral(t)} AS t, _dlt_load_id AS l, count(*) AS n FROM ${q(ds)}.${q(t)} GROUP BY ALL`).join(" UNION ALL ")),
      );
      for (const c of counts) {
        if (!rowsByLoad.has(c.l)) rowsByLoad.set(c.l, {});
        rowsByLoad.get(c.l)![c.t] = num(c.n);
      }
    }
    for (const s of states) {
      let state: Record<string, any> = {};
      try {
        state = decodeState(String(s.state)) as Record<string, any>;
      } catch {
        /* shown as empty state */
      }
      const schemaNames = new Set<string>(state.schema_names ?? []);
      const mine = (schemaName: string) => !schemaNames.size || schemaNames.has(schemaName);
      out.push({
        name: String(s.pipeline_name),
        dataset: ds,
        stateVersion: num(s.version),
        stateCreatedAt: when(s.created_at),
        cursors: cursorsOf(state),
        stateJson: JSON.stringify(JSON.parse(jsonText(state)), null, 2),
        loads: loads
          .filter((l) => mine(l.schema_name))
          .map((l) => ({ loadId: String(l.load_id), schemaName: String(l.schema_name), status: num(l.status), insertedAt: when(l.inserted_at), rows: recorded[String(l.load_id)] ?? rowsByLoad.get(String(l.load_id)) ?? {} })),
        schemas: versions
          .filter((v) => mine(v.schema_name))
          .slice(0, 50)
          .map((v, i) => ({ schemaName: String(v.schema_name), version: num(v.version), engineVersion: num(v.engine_version), insertedAt: when(v.inserted_at), hash: String(v.version_hash), changes: changesOf[i] })),
      });
    }
  }
  return out;
}

/** Per version (newest first), what it changed against the next older version of the same schema. */
function versionChanges(versions: Row[]): string[][] {
  const parse = (v: Row | undefined) => {
    try {
      return v ? (JSON.parse(String(v.schema)) as Parameters<typeof diffSchemas>[1]) : undefined;
    } catch {
      return undefined;
    }
  };
  return versions.map((v, i) => {
    const next = parse(v);
    if (!next) return [];
    const older = versions.slice(i + 1).find((o) => o.schema_name === v.schema_name);
    return describeDiff(diffSchemas(parse(older), next));
  });
}
