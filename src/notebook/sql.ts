// SQL cells. On the page's connection (ExclusiveConnection) the last statement's rows are
// streamed: the first ones show while DuckDB is still producing the rest, which are kept as
// Arrow batches up to a memory budget. Past the budget, and on other connections (`pipebook
// run`), the result is kept in DuckDB as a temp table and read in windows (LIMIT/OFFSET), so a
// huge result never sits in JavaScript at once.
import { Table, tableToIPC } from "apache-arrow";
import type { SqlConnection } from "../dlt/destinations/duckdb/connection.ts";
import type { ChartData, ColumnInfo, DisplayRow, ResultMeta } from "./outputs.ts";
import { cellNumber, duckdbTypeName, isNumericField, tableToDisplayRows, type Columnar } from "./format.ts";
import { ExclusiveConnection } from "./exclusive.ts";
import { StreamedRows } from "./streamed_rows.ts";

/** Rows a result carries to the page: one whole page of the table's row windows (app/outputs/windows.ts). */
export const HEAD_ROWS = 256;

/** All a result store needs: DuckDB-WASM's async connection in the browser, the blocking one in Node. */
export type QueryConnection = Pick<SqlConnection, "query">;

/** Splits on `;` outside quotes and comments; keeps non-empty statements. */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let start = 0;
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    if (ch === "'" || ch === '"') {
      i++;
      while (i < sql.length && !(sql[i] === ch && sql[i + 1] !== ch)) i += sql[i] === ch ? 2 : 1;
      i++;
    } else if (ch === "-" && sql[i + 1] === "-") {
      while (i < sql.length && sql[i] !== "\n") i++;
    } else if (ch === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (ch === ";") {
      out.push(sql.slice(start, i));
      start = ++i;
    } else i++;
  }
  out.push(sql.slice(start));
  return out.filter((s) => stripComments(s).trim().length > 0);
}

function stripComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, "").replace(/\/\*[\s\S]*?\*\//g, "");
}

/** Statements whose rows can be materialized with CREATE TABLE AS. */
export function isQuery(statement: string): boolean {
  return /^\s*(\(|select\b|with\b|from\b|values\b|table\b|pivot\b|unpivot\b)/i.test(stripComments(statement));
}

export function writes(statement: string): boolean {
  return /^\s*(insert|update|delete|create|drop|alter|copy|merge|truncate|import|attach|detach)\b/i.test(stripComments(statement));
}

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
export const quoteLiteral = (text: string) => `'${text.replace(/'/g, "''")}'`;

interface StoredResult {
  table?: string;
  /** results that could not be materialized are kept whole (they are small: SHOW, PRAGMA, ...) */
  inline?: Table;
  /** a streamed result, whole in memory */
  streamed?: StreamedRows;
  /** DuckDB's type of each column of a streamed result (downloads keep JSON as JSON) */
  types?: string[];
}

/** Arrow bytes a streamed result may keep in the worker before it goes to a temp table instead. */
export const STREAM_BUDGET_BYTES = 256 * 1024 * 1024;

/** DuckDB's numeric column types (right-aligned, chartable). */
const NUMERIC_TYPE = /^(U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|FLOAT|DOUBLE|REAL|DECIMAL\(\d+, ?\d+\))$/i;

const arrowColumns = (fields: Table["schema"]["fields"]): ColumnInfo[] =>
  fields.map((f) => ({ name: f.name, type: duckdbTypeName(f.type), numeric: isNumericField(f) }));

export class ResultStore {
  private readonly results = new Map<string, StoredResult>();
  private seq = 0;

  constructor(
    private readonly conn: QueryConnection,
    private readonly budgetBytes = STREAM_BUDGET_BYTES,
  ) {}

  private async describe(relation: string): Promise<ColumnInfo[]> {
    const d = await this.conn.query(`DESCRIBE ${relation}`);
    const names = [...(d.getChild("column_name")?.toArray() ?? [])] as string[];
    const types = [...(d.getChild("column_type")?.toArray() ?? [])] as string[];
    return names.map((name, i) => ({ name, type: types[i], numeric: NUMERIC_TYPE.test(types[i]) }));
  }

  /**
   * Runs a cell's SQL; the last statement's rows become a result. A streamed result's first rows
   * go to `onHead` as soon as DuckDB has produced them (rowCount then counts only those).
   */
  async run(
    key: string,
    sql: string,
    onHead?: (head: ResultMeta) => void,
  ): Promise<{ result?: ResultMeta; wrote: boolean; message?: string }> {
    const started = performance.now();
    const statements = splitStatements(sql);
    if (!statements.length) return { wrote: false, message: "Nothing to run." };
    let wrote = false;
    for (const s of statements.slice(0, -1)) {
      wrote ||= writes(s);
      await this.conn.query(s);
    }
    const last = statements[statements.length - 1];
    wrote ||= writes(last);
    await this.drop(key);
    if (isQuery(last) && this.conn instanceof ExclusiveConnection) return this.stream(this.conn, key, last, wrote, started, onHead);
    if (isQuery(last)) return this.materialize(key, last, wrote, started);
    return this.inline(key, last, wrote, started);
  }

  private async stream(conn: ExclusiveConnection, key: string, last: string, wrote: boolean, started: number, onHead?: (head: ResultMeta) => void) {
    const batches = await conn.send(last);
    const rows = new StreamedRows();
    const arrowTyped = () => arrowColumns((batches.schema ?? rows.schema)?.fields ?? []);
    const meta = (columns: ColumnInfo[]): ResultMeta => ({
      id: key, columns, rowCount: rows.rows, head: rows.slice(0, HEAD_ROWS), elapsedMs: performance.now() - started, paged: true,
    });
    let skipped = 0;
    for await (const b of batches) {
      // Past the budget the rest is only counted out (the connection is the stream's until its
      // end); the result is then kept in DuckDB instead.
      if (rows.bytes > this.budgetBytes) skipped += b.numRows;
      else rows.add(b);
      if (onHead && rows.rows >= HEAD_ROWS) {
        // Type names from the Arrow schema: asking DuckDB first would delay these rows.
        onHead({ ...meta(arrowTyped()), streaming: true });
        onHead = undefined;
      }
    }
    if (skipped) return this.materialize(key, last, wrote, started);
    // DuckDB's own names (JSON, UUID and ENUM arrive as strings), which downloads write with.
    // DESCRIBE only binds the query.
    const described = await this.describe(`(${last}\n)`).catch(() => undefined);
    const result = meta(described ?? arrowTyped());
    this.results.set(key, { streamed: rows, types: described?.map((c) => c.type) });
    return { wrote, result };
  }

  private async materialize(key: string, last: string, wrote: boolean, started: number) {
    const table = quoteIdent(`__pipebook_result_${key}_${++this.seq}`);
    try {
      await this.conn.query(`CREATE OR REPLACE TEMP TABLE ${table} AS ${last}`);
    } catch {
      // Some results can't be a table (duplicate column names): read them whole instead;
      // a query that is simply wrong fails again below with its own message, not the wrapper's.
      return this.inline(key, last, wrote, started);
    }
    this.results.set(key, { table });
    const count = await this.conn.query(`SELECT count(*) AS n FROM ${table}`);
    const rowCount = Number(count.getChild("n")!.get(0));
    const columns = await this.describe(table);
    const head = tableToDisplayRows(await this.conn.query(`SELECT * FROM ${table} LIMIT ${HEAD_ROWS}`));
    return { wrote, result: { id: key, columns, rowCount, head, elapsedMs: performance.now() - started, paged: true } };
  }

  private async inline(key: string, last: string, wrote: boolean, started: number, earlier?: unknown) {
    let t: Table;
    try {
      t = await this.conn.query(last);
    } catch (e) {
      // The user's own statement failing says what is wrong in their words; the CREATE TABLE
      // wrapper's error would quote our scratch table's name.
      void earlier;
      throw e;
    }
    if (t.numCols === 0) return { wrote, message: "Done." };
    // INSERT/UPDATE/DELETE/COPY answer with one "Count" column: say it in words.
    if (writes(last) && t.numCols === 1 && t.schema.fields[0].name === "Count") {
      const n = t.numRows ? Number(t.getChildAt(0)!.get(0)) : 0;
      return { wrote, message: `Done: ${n.toLocaleString("en")} row${n === 1 ? "" : "s"} affected.` };
    }
    this.results.set(key, { inline: t });
    const columns = t.schema.fields.map((f) => ({ name: f.name, type: String(f.type), numeric: isNumericField(f) }));
    const head = tableToDisplayRows(t.slice(0, HEAD_ROWS));
    return { wrote, result: { id: key, columns, rowCount: t.numRows, head, elapsedMs: performance.now() - started, paged: false } };
  }

  async rows(key: string, offset: number, limit: number): Promise<DisplayRow[]> {
    const r = this.results.get(key);
    if (!r) throw new Error("This result is gone (the runtime restarted): run the cell again.");
    if (r.inline) return tableToDisplayRows(r.inline.slice(offset, offset + limit));
    if (r.streamed) return r.streamed.slice(offset, limit);
    const o = Math.max(0, Math.floor(offset));
    const l = Math.max(0, Math.floor(limit));
    return tableToDisplayRows(await this.conn.query(`SELECT * FROM ${r.table} LIMIT ${l} OFFSET ${o}`));
  }

  async chart(key: string, columns: string[], limit: number): Promise<ChartData> {
    const r = this.results.get(key);
    if (!r) throw new Error("This result is gone (the runtime restarted): run the cell again.");
    let parts: Columnar[];
    if (r.inline) parts = [r.inline.slice(0, limit + 1)];
    else if (r.streamed) parts = r.streamed.pieces(0, limit + 1);
    else parts = [await this.conn.query(`SELECT ${columns.map(quoteIdent).join(", ")} FROM ${r.table} LIMIT ${limit + 1}`)];
    const total = parts.reduce((n, p) => n + p.numRows, 0);
    const truncated = total > limit;
    const n = Math.min(total, limit);
    const fields = parts[0]?.schema.fields ?? [];
    /** column `name`'s first n values, across the parts */
    const read = (name: string, map: (v: unknown) => number | string | null) => {
      const at = fields.findIndex((f) => f.name === name);
      const out: Array<number | string | null> = [];
      for (const p of parts) {
        const vec = p.getChildAt(at)!;
        for (let r = 0; r < p.numRows && out.length < n; r++) out.push(map(vec.get(r)));
      }
      return out;
    };
    const values: ChartData["values"] = [];
    let labels: string[] | undefined;
    columns.forEach((name, i) => {
      const f = fields.find((x) => x.name === name);
      if (!f) throw new Error(`This result has no column ${JSON.stringify(name)}`);
      if (i === 0 && !isNumericField(f) && !/^(Timestamp|Date)/.test(String(f.type))) {
        // a text x axis: positions 0..n-1, named by the labels
        labels = read(name, (v) => String(v ?? "∅")) as string[];
        values.push(Array.from({ length: n }, (_, r) => r));
        return;
      }
      values.push(read(name, cellNumber(f)) as Array<number | null>);
    });
    return { columns, values, labels, truncated };
  }

  /**
   * What holds a result, for downloads: its temp table, or the Arrow table of a result read whole.
   * A streamed result goes into a temp table first, so that its values are written exactly
   * (timestamps to the microsecond, decimals as text) and JSON columns stay JSON.
   */
  async relation(key: string): Promise<{ table: string; dltTypes?: Record<string, string> } | { inline: Table }> {
    const r = this.results.get(key);
    if (!r) throw new Error("This result is gone (the runtime restarted): run the cell again.");
    // One copy of Arrow in the browser: these batches are the page's own Arrow classes.
    if (r.streamed && !r.types) return { inline: new Table(r.streamed.pieces(0, r.streamed.rows)) };
    if (r.streamed) {
      const name = `__pipebook_result_${key}_${++this.seq}`;
      const conn = this.conn as ExclusiveConnection;
      const fields = r.streamed.schema?.fields ?? [];
      await conn.query(`CREATE TEMP TABLE ${quoteIdent(name)} (${fields.map((f, i) => `${quoteIdent(f.name)} ${r.types![i]}`).join(", ")})`);
      if (r.streamed.rows) await conn.insertArrowFromIPCStream(tableToIPC(new Table(r.streamed.pieces(0, r.streamed.rows)), "stream"), { name, create: false });
      const n = Number((await conn.query(`SELECT count(*) AS n FROM ${quoteIdent(name)}`)).getChild("n")!.get(0));
      if (n !== r.streamed.rows) throw new Error(`Writing the result for download kept ${n} of its ${r.streamed.rows} rows`);
      const dltTypes = Object.fromEntries(fields.flatMap((f, i) => (r.types![i] === "JSON" ? [[f.name, "json"]] : [])));
      this.results.set(key, { table: quoteIdent(name) });
      return { table: quoteIdent(name), dltTypes };
    }
    return r.table ? { table: r.table } : { inline: r.inline! };
  }

  async drop(key: string): Promise<void> {
    const r = this.results.get(key);
    this.results.delete(key);
    if (!r?.table) return;
    try {
      await this.conn.query(`DROP TABLE IF EXISTS ${r.table}`);
    } catch {
      /* already gone with its connection */
    }
  }
}
