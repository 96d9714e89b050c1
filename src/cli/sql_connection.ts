// SQL cells against a destination opened through its SQL client (Postgres, a native DuckDB file):
// the cell runner reads results as Arrow tables (as DuckDB-WASM gives them), so rows are turned
// into one, column by column.
import { tableFromArrays, type Table } from "apache-arrow";
import type { SqlClient } from "../dlt/destinations/client.ts";
import type { QueryConnection } from "../notebook/sql.ts";

/** A column's values as Arrow can type them: numbers stay numbers, everything else becomes text. */
function column(values: unknown[]): Float64Array | boolean[] | Array<string | null> {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length && present.every((v) => typeof v === "number") && present.length === values.length) {
    return Float64Array.from(values as number[]);
  }
  if (present.length && present.every((v) => typeof v === "boolean") && present.length === values.length) return values as boolean[];
  return values.map((v) => {
    if (v === null || v === undefined) return null;
    if (v instanceof Date) return v.toISOString();
    if (v instanceof Uint8Array) return `\\x${Buffer.from(v).toString("hex")}`;
    if (typeof v === "object") return JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));
    return String(v);
  });
}

export function sqlClientConnection(client: SqlClient): QueryConnection {
  return {
    async query(sql: string): Promise<Table> {
      const rows = await client.rows(sql);
      const names = rows.length ? Object.keys(rows[0]) : [];
      const columns: Record<string, ReturnType<typeof column>> = {};
      for (const name of names) columns[name] = column(rows.map((r) => r[name]));
      return tableFromArrays(columns as never) as unknown as Table;
    },
  } as QueryConnection;
}
