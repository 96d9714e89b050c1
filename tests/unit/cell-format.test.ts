import { describe, expect, it } from "vitest";
import { openDuckDB } from "../../src/dlt/destinations/duckdb/connection.ts";
import { inspect, recordsTable, tableToDisplayRows } from "../../src/notebook/format.ts";

describe("SQL results shown by column type (real DuckDB-WASM)", () => {
  it("BIGINT, HUGEINT, DECIMAL, TIMESTAMP, TIMESTAMPTZ, DATE, lists, structs and NULL", async () => {
    const h = await openDuckDB();
    const t = await h.connection.query(`select
      9007199254740993::bigint as big,
      sum(x)::hugeint as huge,
      1.5::decimal(10,2) as dec,
      -0.05::decimal(10,3) as neg,
      timestamp '2024-01-02 03:04:05.123' as ts,
      timestamptz '2024-01-02 03:04:05+00' as tsz,
      date '2024-01-02' as d,
      [1, 2]::int[] as list,
      {'a': 1, 'b': 'x'} as obj,
      null::varchar as nothing,
      true as flag
      from (select 41 as x union all select 1)`);
    const [row] = tableToDisplayRows(t);
    expect(row).toEqual([
      "9007199254740993",
      "42",
      "1.50",
      "-0.050",
      "2024-01-02 03:04:05.123",
      "2024-01-02 03:04:05+00",
      "2024-01-02",
      "[1,2]",
      '{"a":1,"b":"x"}',
      null,
      "true",
    ]);
  });
});

describe("JS values shown as a console would", () => {
  it("prints nested values, bigints and cycles", () => {
    const o: Record<string, unknown> = { a: 1, list: [1, "two", 3n], when: new Date(0) };
    o.self = o;
    expect(inspect(o)).toBe(`{ a: 1, list: [1, "two", 3n], when: 1970-01-01T00:00:00.000Z, self: [Circular] }`);
    expect(inspect("plain")).toBe("plain");
  });

  it("shows arrays of records as a table", () => {
    const t = recordsTable([{ id: 1, name: "Alice" }, { id: 2, tags: ["x"] }]);
    expect(t).toEqual({ columns: ["id", "name", "tags"], rows: [["1", "Alice", null], ["2", null, '["x"]']], total: 2 });
    expect(recordsTable([1, 2])).toBeUndefined();
  });
});
