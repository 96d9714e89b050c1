import { expect, it } from "vitest";
import { openDuckDB } from "../../src/dlt/destinations/duckdb/connection.ts";

it("opens DuckDB-WASM in Node with extensions off", async () => {
  const h = await openDuckDB();
  const t = await h.connection.query("select 42::bigint as x, '2024-01-15T10:00:00Z'::timestamptz as ts");
  const row = t.toArray()[0].toJSON();
  expect(row.x).toBe(42n);
  expect(row.ts).toBe(Date.UTC(2024, 0, 15, 10));
  expect(h.location).toBe("duckdb:///:memory:");
});
