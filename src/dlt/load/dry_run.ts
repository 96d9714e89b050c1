// A load rehearsed, then rolled back: how many rows each table would gain, see replaced or lose.
// The real load SQL runs inside a transaction (merge, scd2, replace, hard deletes included), so
// the counts are what the load would do, not an estimate; then nothing of it is kept.
//   insert: new rows that replace nothing; update: rows replaced by key (delete-insert) or
//   rewritten in place (upsert); delete: rows removed (replace, hard_delete) or retired (scd2).
import { isSqlClient, type JobClient, type SqlClient } from "../destinations/client.ts";
import { C_DLT_ID, C_DLT_LOAD_ID, Schema } from "../schema/schema.ts";
import type { ChangedHint, NewColumn, SchemaDiff } from "../schema/diff.ts";
import type { TTableSchema } from "../schema/types.ts";
import { rehearsePackage, type LoadOptions } from "./load.ts";
import type { LoadPackage } from "./package.ts";
import { pageRows } from "../storage/pages.ts";

export interface DryRunTableCounts {
  insert: number;
  update: number;
  delete: number;
}

export interface DryRunReport {
  tables: Record<string, DryRunTableCounts>;
  new_tables: string[];
  new_columns: NewColumn[];
  /** new variant columns: a value's type did not fit its column (also listed in new_columns) */
  variant_columns: NewColumn[];
  changed_hints: ChangedHint[];
  /** schema contract violations that would fail the run (nothing is previewed past them) */
  violations: string[];
}

export function emptyReport(): DryRunReport {
  return { tables: {}, new_tables: [], new_columns: [], variant_columns: [], changed_hints: [], violations: [] };
}

export function addSchemaDiff(report: DryRunReport, diff: SchemaDiff | undefined): void {
  if (!diff) return;
  for (const t of diff.new_tables) if (!report.new_tables.includes(t)) report.new_tables.push(t);
  report.new_columns.push(...diff.new_columns);
  report.variant_columns.push(...diff.new_columns.filter((c) => c.variant));
  report.changed_hints.push(...diff.changed_hints);
}

function addCounts(report: DryRunReport, table: string, c: DryRunTableCounts): void {
  const t = (report.tables[table] ??= { insert: 0, update: 0, delete: 0 });
  t.insert += c.insert;
  t.update += c.update;
  t.delete += c.delete;
}

/** Counts for one normalized package, added to `report`. */
export async function rehearseCounts(client: JobClient, pkg: LoadPackage, options: LoadOptions, report: DryRunReport): Promise<void> {
  const schema = Schema.fromStored(pkg.schema);
  const tables = touchedTables(schema, pkg);
  if (!isSqlClient(client)) {
    // A file destination has no transaction to roll back: count what would be written.
    for (const [name, pages] of Object.entries(pkg.normalized?.tables ?? {})) addCounts(report, name, { insert: pageRows(pages), update: 0, delete: 0 });
    return;
  }
  const probe = new RowProbe(client, options.dataset, pkg.load_id, schema, tables);
  const counts = await rehearsePackage(client, pkg, options, probe);
  for (const [name, c] of counts) addCounts(report, name, c);
}

/** Every table in the chains of the root tables the package writes to (or empties). */
function touchedTables(schema: Schema, pkg: LoadPackage): TTableSchema[] {
  const roots = new Set<string>();
  for (const t of [...Object.keys(pkg.normalized?.tables ?? {}), ...pkg.extracted.empty_replace_tables]) {
    if (schema.getTable(t) && !t.startsWith("_dlt")) roots.add(schema.rootTable(t).name);
  }
  return [...roots].flatMap((r) => schema.tableChain(r));
}

class RowProbe {
  /** qualified snapshot table per table that existed before the load */
  private readonly existed = new Map<string, string>();
  private seq = 0;
  /**
   * Snapshots are ordinary tables in the staging dataset, made inside the rehearsal's transaction
   * and so rolled back with it. (Temporary tables would need DuckDB-WASM's temp files in OPFS,
   * where queries on them hang.)
   */
  private get scratch(): string {
    return `${this.dataset}_staging`;
  }

  constructor(
    private readonly client: SqlClient,
    private readonly dataset: string,
    private readonly loadId: string,
    private readonly schema: Schema,
    private readonly tables: TTableSchema[],
  ) {}

  private q(name: string): string {
    return this.client.dialect.quoteIdent(name);
  }

  /** Key columns whose equal values mean "the same record" (delete-insert replaces by them). */
  private keys(t: TTableSchema): string[] {
    if (t.parent) return [];
    const cols = Object.values(t.columns);
    const pk = cols.filter((c) => c.primary_key).map((c) => c.name);
    return pk.length ? pk : cols.filter((c) => c.merge_key).map((c) => c.name);
  }

  private validTo(t: TTableSchema): string | undefined {
    return Object.values(t.columns).find((c) => c["x-valid-to"])?.name;
  }

  async before(): Promise<void> {
    const storage = await this.client.storageColumns(this.dataset);
    for (const t of this.tables) {
      const columns = storage.get(t.name);
      if (!columns || !columns.includes(C_DLT_ID)) continue;
      const snap = this.client.dialect.qualified(this.scratch, `_pipebook_dry_${++this.seq}`);
      const keys = this.keys(t).filter((k) => columns.includes(k));
      const vt = this.validTo(t);
      const select = [
        `${this.q(C_DLT_ID)} AS _id`,
        ...keys.map((k, i) => `${this.q(k)} AS _k${i}`),
        ...(vt && columns.includes(vt) ? [`${this.q(vt)} AS _vt`] : []),
      ];
      if (this.seq === 1) await this.client.execute(`CREATE SCHEMA IF NOT EXISTS ${this.q(this.scratch)}`);
      await this.client.execute(`CREATE TABLE ${snap} AS SELECT ${select.join(", ")} FROM ${this.client.dialect.qualified(this.dataset, t.name)}`);
      this.existed.set(t.name, snap);
    }
  }

  private async count(sql: string): Promise<number> {
    const rows = await this.client.rows(`SELECT count(*) AS n FROM ${sql}`);
    return Number(rows[0]?.n ?? 0);
  }

  async after(): Promise<Map<string, DryRunTableCounts>> {
    const storage = await this.client.storageColumns(this.dataset);
    const out = new Map<string, DryRunTableCounts>();
    for (const t of this.tables) {
      const columns = storage.get(t.name);
      if (!columns) continue;
      const table = this.client.dialect.qualified(this.dataset, t.name);
      const snap = this.existed.get(t.name);
      if (!snap) {
        out.set(t.name, { insert: await this.count(table), update: 0, delete: 0 });
        continue;
      }
      const s = snap;
      const id = this.q(C_DLT_ID);
      const added = `${table} AS n WHERE n.${id} NOT IN (SELECT _id FROM ${s})`;
      const gone = `${s} AS b WHERE b._id NOT IN (SELECT ${id} FROM ${table})`;
      const keys = this.keys(t).filter((k) => columns.includes(k));
      const replaced = keys.length
        ? await this.count(`${added} AND EXISTS (SELECT 1 FROM ${gone} AND ${keys.map((k, i) => `b._k${i} = n.${this.q(k)}`).join(" AND ")})`)
        : 0;
      const inPlace = columns.includes(C_DLT_LOAD_ID)
        ? await this.count(`${table} AS n WHERE n.${this.q(C_DLT_LOAD_ID)} = ${this.client.dialect.quoteLiteral(this.loadId)} AND n.${id} IN (SELECT _id FROM ${s})`)
        : 0;
      const vt = this.validTo(t);
      const retired =
        vt && columns.includes(vt)
          ? await this.count(`${table} AS n JOIN ${s} AS b ON b._id = n.${id} WHERE b._vt IS NULL AND n.${this.q(vt)} IS NOT NULL`)
          : 0;
      const insertedOrReplacing = await this.count(added);
      const removed = await this.count(gone);
      out.set(t.name, { insert: insertedOrReplacing - replaced, update: replaced + inPlace, delete: removed - replaced + retired });
    }
    return out;
  }
}
