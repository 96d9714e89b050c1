import { describe, expect, it } from "vitest";
import * as dlt from "../../src/dlt/index.ts";
import { openDuckDB } from "../../src/dlt/destinations/duckdb/connection.ts";
import { encodeState } from "../../src/dlt/pipeline/state.ts";
import { readCatalog, readPipelines } from "../../src/worker/catalog.ts";

type Conn = Parameters<typeof readCatalog>[0];

describe("the side panels read what dlt left in DuckDB (real DuckDB-WASM)", () => {
  it("datasets, nested tables with dlt types and row counts; pipelines with loads, versions and cursors", async () => {
    const h = await openDuckDB();
    const p = dlt.pipeline({ pipeline_name: `panel_${Date.now() % 100000}`, destination: dlt.destinations.duckdb(h), dataset_name: "shop" });
    const orders = dlt.resource(
      [
        { id: 1, at: "2024-01-01T00:00:00Z", items: [{ sku: "a" }, { sku: "b" }] },
        { id: 2, at: "2024-01-02T00:00:00Z", items: [{ sku: "c" }] },
      ],
      { name: "orders" },
    );
    await p.run(orders);
    await p.run(dlt.resource([{ id: 3, at: "2024-01-03T00:00:00Z", items: [] }], { name: "orders" }));
    const conn = h.connection as unknown as Conn;

    const catalog = await readCatalog(conn);
    const shop = catalog.find((d) => d.name === "shop")!;
    const byName = Object.fromEntries(shop.tables.map((t) => [t.name, t]));
    expect(byName.orders.rows).toBe(3);
    expect(byName.orders__items).toMatchObject({ rows: 3, parent: "orders", system: false });
    expect(byName._dlt_loads.system).toBe(true);
    const at = byName.orders.columns.find((c) => c.name === "at")!;
    expect(at.dltType).toBe("timestamp");
    expect(at.type).toMatch(/TIMESTAMP/);

    // A state with an incremental cursor, as dlt stores it.
    const state = { ...p.state, _state_version: 99, sources: { src: { resources: { orders: { incremental: { at: { initial_value: "2024-01-01", last_value: "2024-01-03T00:00:00Z", unique_hashes: [] } } } } } } };
    await h.connection.query(
      `insert into shop._dlt_pipeline_state (version, engine_version, pipeline_name, state, created_at, version_hash, _dlt_load_id, _dlt_id)
       values (99, 4, '${p.pipeline_name}', '${encodeState(state as never)}', now(), 'h', 'x', 'y')`,
    );

    const [info] = (await readPipelines(conn)).filter((x) => x.name === p.pipeline_name);
    expect(info.dataset).toBe("shop");
    expect(info.stateVersion).toBe(99);
    expect(info.cursors).toEqual([{ source: "src", resource: "orders", cursorPath: "at", lastValue: "2024-01-03T00:00:00Z", initialValue: "2024-01-01" }]);
    expect(info.loads).toHaveLength(2);
    expect(info.loads.map((l) => l.rows.orders).sort()).toEqual([1, 2]);
    expect(info.schemas.length).toBeGreaterThan(0);
  });
});

describe("the data panel", () => {
  it("does not list dlt's staging datasets as data", async () => {
    const h = await openDuckDB();
    const p = dlt.pipeline({ pipeline_name: `staging_${Date.now() % 100000}`, destination: dlt.destinations.duckdb(h), dataset_name: "crm", pipelines_dir: ":memory:" });
    await p.run(dlt.resource([{ id: 1 }], { name: "people", write_disposition: "merge", primary_key: "id" }));
    const names = (await p.query("select schema_name from information_schema.schemata")).map((r) => r.schema_name);
    expect(names).toContain("crm_staging");
    const catalog = await readCatalog(h.connection as unknown as Conn);
    expect(catalog.map((d) => d.name)).toContain("crm");
    expect(catalog.map((d) => d.name)).not.toContain("crm_staging");
  });
});
