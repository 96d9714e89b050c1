// Local pipeline stores (files in Node, IndexedDB in the browser, memory) and what they make
// possible: a pipeline object created later continues where the last one stopped, and a load
// killed half way leaves neither data nor state ahead, and is finished by the next run.
import "fake-indexeddb/auto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FileStore } from "../../src/dlt/storage/file_store.ts";
import { IdbStore } from "../../src/dlt/storage/idb_store.ts";
import { MemoryStore, type PipelineStore } from "../../src/dlt/storage/store.ts";
import { newState } from "../../src/dlt/pipeline/state.ts";
import type { LoadPackage } from "../../src/dlt/load/package.ts";
import { dlt } from "./helpers.ts";

const scratch = () => mkdtempSync(join(tmpdir(), "pipebook-store-"));

function snapshot() {
  const state = newState("p");
  state.sources = { p: { resources: { r: { incremental: { ts: { last_value: new Date("2024-01-02T03:04:05Z"), unique_hashes: ["x"] } } } } } };
  const pkg: LoadPackage = {
    load_id: "1.5",
    schema_name: "p",
    state: "normalized",
    schema: { name: "p" } as never,
    extracted: { tables: { r: [{ count: 1, rows: [{ a: 1, at: new Date("2024-01-01T00:00:00Z") }] }] }, resources: [], empty_replace_tables: [] },
    normalized: { tables: { r: [] }, row_counts: { r: 1 }, warnings: [] },
  };
  return { state, schemas: [], pending: [pkg] };
}

const stores: Array<[string, () => PipelineStore]> = [
  ["files", () => new FileStore(scratch())],
  ["IndexedDB", () => new IdbStore(`test-${Math.random()}`)],
  ["memory", () => new MemoryStore(`test-${Math.random()}`)],
];

describe.each(stores)("the %s store", (_name, make) => {
  it("keeps state (dates included) and pending packages as extracted; drop forgets them", async () => {
    const store = make();
    expect(await store.load("p")).toBeUndefined();
    await store.save("p", snapshot());
    const back = (await store.load("p"))!;
    const cursor = (back.state.sources!.p.resources!.r.incremental as any).ts;
    expect(cursor.last_value).toEqual(new Date("2024-01-02T03:04:05Z"));
    expect(back.pending).toHaveLength(1);
    expect(back.pending![0].state).toBe("extracted");
    expect(back.pending![0].normalized).toBeUndefined();
    expect(back.pending![0].extracted.tables.r[0].rows![0]).toEqual({ a: 1, at: new Date("2024-01-01T00:00:00Z") });
    // pending left out = unchanged
    const s2 = snapshot();
    s2.state._state_version = 7;
    await store.save("p", { state: s2.state, schemas: [] });
    const again = (await store.load("p"))!;
    expect(again.state._state_version).toBe(7);
    expect(again.pending).toHaveLength(1);
    await store.drop("p");
    expect(await store.load("p")).toBeUndefined();
  });
});

describe("a pipeline across process restarts", () => {
  it("continues its incremental from pipelines_dir", async () => {
    const dir = scratch();
    const destination = dlt.destinations.duckdb();
    const make = (items: Array<{ id: number }>) => dlt.resource(items, { name: "r", incremental: dlt.sources.incremental("id") });
    const first = dlt.pipeline({ pipeline_name: "cont", destination, dataset_name: "ds", pipelines_dir: dir, restore_from_destination: false });
    await first.run(make([{ id: 1 }, { id: 2 }]));
    const second = dlt.pipeline({ pipeline_name: "cont", destination, dataset_name: "ds", pipelines_dir: dir, restore_from_destination: false });
    await second.run(make([{ id: 2 }, { id: 3 }]));
    expect((await second.query("select id from ds.r order by id")).map((r) => r.id)).toEqual([1, 2, 3]);
    expect(second.first_run).toBe(false);
  });

  it("a load killed half way leaves no data and no state; the next pipeline object loads it once", async () => {
    const dir = scratch();
    const destination = dlt.destinations.duckdb();
    const rows = Array.from({ length: 50 }, (_, i) => ({ id: i, v: `row ${i}` }));
    const data = () => [dlt.resource(rows, { name: "a", incremental: dlt.sources.incremental("id") }), dlt.resource(rows, { name: "b" })];
    let loaded = 0;
    const killed = dlt.pipeline({
      pipeline_name: "killed",
      destination,
      dataset_name: "ds",
      pipelines_dir: dir,
      progress: (e) => {
        // The worker "dies" after the first table of the package went in.
        if (e.step === "load" && ++loaded === 1) throw new Error("worker terminated");
      },
    });
    const err = await killed.run(data()).catch((e) => e);
    expect(err).toBeInstanceOf(dlt.PipelineStepFailed);
    expect(err.step).toBe("load");
    const tables = await killed.query("select table_name from information_schema.tables where table_schema = 'ds'");
    expect(tables).toEqual([]);

    const next = dlt.pipeline({ pipeline_name: "killed", destination, dataset_name: "ds", pipelines_dir: dir });
    const info = await next.run();
    expect(info!.loads_ids).toHaveLength(1);
    expect((await next.query("select count(*) as n from ds.a"))[0].n).toBe(50);
    expect((await next.query("select count(*) as n from ds.b"))[0].n).toBe(50);
    expect((await next.query("select count(*) as n from ds._dlt_pipeline_state"))[0].n).toBe(1);
    // and once only: the same data again brings nothing new into the incremental table
    await next.run(data());
    expect((await next.query("select count(*) as n from ds.a"))[0].n).toBe(50);
  });

  it("drop_pending_packages forgets a package whose normalize failed", async () => {
    const dir = scratch();
    const p = dlt.pipeline({ pipeline_name: "pend", destination: dlt.destinations.duckdb(), dataset_name: "ds", pipelines_dir: dir });
    const bad = dlt.resource([{ id: 1, email: null }], { name: "people", columns: { email: { data_type: "text", nullable: false } } });
    const err = await p.run(bad).catch((e) => e);
    expect(err.step).toBe("normalize");
    const reopened = dlt.pipeline({ pipeline_name: "pend", destination: dlt.destinations.duckdb(), dataset_name: "ds", pipelines_dir: dir });
    await expect(reopened.run()).rejects.toThrow(/not nullable/);
    expect(reopened.has_pending_data).toBe(true);
    await reopened.drop_pending_packages();
    expect(reopened.has_pending_data).toBe(false);
    const info = await reopened.run(dlt.resource([{ id: 2, email: "x" }], { name: "people" }));
    expect(info.loads_ids).toHaveLength(1);
  });
});

// Pages of large packages: every value a page can hold comes back as it went in.
const pageStores: Array<[string, () => PipelineStore]> = stores.filter(([name]) => name !== "memory");

describe.each(pageStores)("pages in the %s store", (_name, make) => {
  const rows = () => {
    const odd: Record<string, unknown> = { n: NaN, neg: -0, inf: -Infinity, big: 2n ** 70n, at: new Date("2024-05-06T07:08:09.123Z"), bytes: new Uint8Array([0, 255, 7]) };
    Object.defineProperty(odd, "__proto__", { value: "kept", enumerable: true, writable: true, configurable: true });
    return [{ a: 1, nested: { list: [1, "x", null] } }, odd];
  };

  it("reads back exactly what was written and forgets a package's pages", async () => {
    const store = make();
    const pages = store.pages!("p");
    await pages.write("1.5/e0", rows());
    await pages.write("1.5/n0", [{ b: true }]);
    await pages.write("2.5/e0", [{ c: "other package" }]);
    const back = (await pages.read("1.5/e0")) as Record<string, unknown>[];
    expect(back[0]).toEqual({ a: 1, nested: { list: [1, "x", null] } });
    expect(back[1].n).toBeNaN();
    expect(Object.is(back[1].neg, -0)).toBe(true);
    expect(back[1].inf).toBe(-Infinity);
    expect(back[1].big).toBe(2n ** 70n);
    expect(back[1].at).toEqual(new Date("2024-05-06T07:08:09.123Z"));
    expect(back[1].bytes).toEqual(new Uint8Array([0, 255, 7]));
    expect(Object.getOwnPropertyDescriptor(back[1], "__proto__")?.value).toBe("kept");
    await pages.dropPackage("1.5");
    await expect(pages.read("1.5/e0")).rejects.toThrow();
    await expect(pages.read("1.5/n0")).rejects.toThrow();
    expect(await pages.read("2.5/e0")).toEqual([{ c: "other package" }]);
    await store.drop("p");
    await expect(pages.read("2.5/e0")).rejects.toThrow();
  });
});

it("the file store forgets pages of packages that never became pending (a crash mid-extract)", async () => {
  const dir = scratch();
  const store = new FileStore(dir);
  await store.save("p", snapshot());
  await store.pages("p").write("1.5/e0", [{ kept: 1 }]);
  await store.pages("p").write("9.9/e0", [{ orphan: 1 }]);
  await store.load("p");
  expect(await store.pages("p").read("1.5/e0")).toEqual([{ kept: 1 }]);
  await expect(store.pages("p").read("9.9/e0")).rejects.toThrow();
});
