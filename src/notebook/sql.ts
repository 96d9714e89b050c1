// SQL cells: the last statement's result is kept in DuckDB as a temp table and read in
// windows (LIMIT/OFFSET), so a million-row result never crosses into JavaScript at once.
import type { Table } from "apache-arrow";
import type { SqlConnection } from "../dlt/destinations/duckdb/connection.ts";
import type { ChartData, ColumnInfo, DisplayRow, ResultMeta } from "./outputs.ts";
import { cellNumber, isNumericField, tableToDisplayRows } from "./format.ts";

export const HEAD_ROWS = 200;

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
}

/** DuckDB's numeric column types (right-aligned, chartable). */
const NUMERIC_TYPE = /^(U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|FLOAT|DOUBLE|REAL|DECIMAL)\b/i;

export class ResultStore {
  private readonly results = new Map<string, StoredResult>();
  private seq = 0;

  constructor(private readonly conn: QueryConnection) {}

  private async describe(table: string): Promise<ColumnInfo[]> {
    const d = await this.conn.query(`DESCRIBE ${table}`);
    const names = [...(d.getChild("column_name")?.toArray() ?? [])] as string[];
    const types = [...(d.getChild("column_type")?.toArray() ?? [])] as string[];
    return names.map((name, i) => ({ name, type: types[i], numeric: NUMERIC_TYPE.test(types[i]) }));
  }

  /** Runs a cell's SQL; the last statement's rows become a result. */
  async run(key: string, sql: string): Promise<{ result?: ResultMeta; wrote: boolean; message?: string }> {
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
    const id = `${key}_${++this.seq}`;
    if (isQuery(last)) {
      const table = quoteIdent(`__pipebook_result_${id}`);
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
    return this.inline(key, last, wrote, started);
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
    const o = Math.max(0, Math.floor(offset));
    const l = Math.max(0, Math.floor(limit));
    return tableToDisplayRows(await this.conn.query(`SELECT * FROM ${r.table} LIMIT ${l} OFFSET ${o}`));
  }

  async chart(key: string, columns: string[], limit: number): Promise<ChartData> {
    const r = this.results.get(key);
    if (!r) throw new Error("This result is gone (the runtime restarted): run the cell again.");
    let t: Table;
    if (r.inline) t = r.inline.slice(0, limit).select(columns);
    else t = await this.conn.query(`SELECT ${columns.map(quoteIdent).join(", ")} FROM ${r.table} LIMIT ${limit + 1}`);
    const truncated = t.numRows > limit;
    const n = Math.min(t.numRows, limit);
    const values: ChartData["values"] = [];
    let labels: string[] | undefined;
    t.schema.fields.forEach((f, i) => {
      const vec = t.getChildAt(i)!;
      if (i === 0 && !isNumericField(f) && !/^(Timestamp|Date)/.test(String(f.type))) {
        // a text x axis: positions 0..n-1, named by the labels
        labels = Array.from({ length: n }, (_, r) => String(vec.get(r) ?? "∅"));
        values.push(Array.from({ length: n }, (_, r) => r));
        return;
      }
      const num = cellNumber(f);
      const col: Array<number | null> = new Array(n);
      for (let r = 0; r < n; r++) col[r] = num(vec.get(r));
      values.push(col);
    });
    return { columns, values, labels, truncated };
  }

  /** What holds a result, for downloads: its temp table, or the Arrow table of a result read whole. */
  relation(key: string): { table: string } | { inline: Table } {
    const r = this.results.get(key);
    if (!r) throw new Error("This result is gone (the runtime restarted): run the cell again.");
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
