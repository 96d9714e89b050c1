// The filesystem source and its readers on real files in a temp dir, loaded by pipeline.run
// into real DuckDB-WASM and read back by SQL; the format writers round-trip every dlt type.
import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parquetMetadata, parquetReadObjects } from "hyparquet";
import { PipelineStepFailed } from "../../src/dlt/index.ts";
import { rowsToParquet } from "../../src/dlt/common/formats/parquet.ts";
import { rowsToJsonl } from "../../src/dlt/common/formats/jsonl.ts";
import { csvHeader, rowsToCsv } from "../../src/dlt/common/formats/csv.ts";
import type { FormatColumn } from "../../src/dlt/common/formats/values.ts";
import { openDuckDB } from "../../src/dlt/destinations/duckdb/connection.ts";
import { exportRelation } from "../../src/worker/export.ts";
import { dltTypes } from "../../src/worker/catalog.ts";
import { compileCell } from "../../src/notebook/compile.ts";
import { dataFileBinding, dataFileCell, isDataFile } from "../../src/notebook/datafile.ts";
import type { DuckDBHandle } from "../../src/dlt/destinations/duckdb/connection.ts";
import { columnsOf, dlt } from "./helpers.ts";

function dir(files: Record<string, string | Uint8Array>): string {
  const d = mkdtempSync(join(tmpdir(), "pipebook-files-"));
  for (const [name, content] of Object.entries(files)) {
    const path = join(d, name);
    mkdirSync(join(path, ".."), { recursive: true });
    writeFileSync(path, content);
  }
  return d;
}

// One DuckDB for the file (starting DuckDB-WASM is the slow part); a dataset per pipeline.
let shared: DuckDBHandle;
beforeAll(async () => {
  shared = await openDuckDB();
});
let seq = 0;
const pipeline = (options: Partial<dlt.PipelineOptions> = {}) => {
  seq += 1;
  return dlt.pipeline({ pipeline_name: `files_${seq}_${Date.now() % 100000}`, destination: dlt.destinations.duckdb(shared), dataset_name: `ds${seq}`, pipelines_dir: ":memory:", ...options });
};

describe("filesystem() lists files as dlt FileItems", () => {
  it("matches the glob relative to the bucket, * within a folder and ** across", async () => {
    const d = dir({ "a.csv": "x\n1\n", "b.jsonl": "{}\n", "sub/c.csv": "x\n2\n" });
    const p = pipeline();
    await p.run(dlt.sources.filesystem({ bucket_url: d, file_glob: "*.csv" }), { table_name: "files" });
    const top = await p.query(`select file_name, relative_path, mime_type, size_in_bytes, file_url from ${p.dataset_name}.files order by 1`);
    expect(top).toEqual([{ file_name: "a.csv", relative_path: "a.csv", mime_type: "text/csv", size_in_bytes: 4, file_url: expect.stringMatching(/^file:\/\/.*\/a\.csv$/) }]);
    const p2 = pipeline();
    await p2.run(dlt.sources.filesystem({ bucket_url: d, file_glob: "**/*.csv" }), { table_name: "files" });
    expect((await p2.query(`select relative_path from ${p2.dataset_name}.files order by 1`)).map((r) => r.relative_path)).toEqual(["a.csv", "sub/c.csv"]);
    expect(await columnsOf(p2, "files", p2.dataset_name)).toContain("modification_date TIMESTAMP WITH TIME ZONE");
  });
});

describe("read_csv", () => {
  it("quoted fields, embedded newlines, a BOM, CRLF and empty values; types decided over the whole file", async () => {
    const rows = ["id,name,note,amount,flag,zip", '1,"Smith, Ann","line one\r\nline two",1.5,true,007', "2,Bob,,2,FALSE,", '3,"say ""hi""",x,,true,10115'];
    const d = dir({ "people.csv": "\uFEFF" + rows.join("\r\n") + "\r\n" });
    const p = pipeline();
    const info = await p.run(dlt.sources.filesystem({ bucket_url: d, file_glob: "*.csv" }).pipe(dlt.sources.read_csv()).with_name("people"));
    expect(info.has_failed_jobs).toBe(false);
    expect(await p.query(`select id, name, note, amount, flag, zip from ${p.dataset_name}.people order by id`)).toEqual([
      { id: 1, name: "Smith, Ann", note: "line one\r\nline two", amount: 1.5, flag: true, zip: "007" },
      { id: 2, name: "Bob", note: null, amount: 2, flag: false, zip: null },
      { id: 3, name: 'say "hi"', note: "x", amount: null, flag: true, zip: "10115" },
    ]);
    const cols = await columnsOf(p, "people", p.dataset_name);
    expect(cols.slice(0, 6)).toEqual(["id BIGINT", "name VARCHAR", "note VARCHAR", "amount DOUBLE", "flag BOOLEAN", "zip VARCHAR"]);
  });

  it("a column never flips between pages: a late text value keeps the whole column text", async () => {
    const lines = ["code,n"];
    for (let i = 0; i < 25; i++) lines.push(`${i},${i}`);
    lines.push("A7,26");
    const d = dir({ "codes.csv": lines.join("\n") });
    const p = pipeline();
    await p.run(dlt.sources.filesystem({ bucket_url: d, file_glob: "codes.csv" }).pipe(dlt.sources.read_csv({ chunksize: 10 })).with_name("codes"));
    expect((await columnsOf(p, "codes", p.dataset_name)).slice(0, 2)).toEqual(["code VARCHAR", "n BIGINT"]);
    expect(await p.query(`select code from ${p.dataset_name}.codes where n in (3, 26) order by n`)).toEqual([{ code: "3" }, { code: "A7" }]);
    expect(p.last_trace!.last_normalize_info!.row_counts.codes).toBe(26);
  });

  it("dtype: 'text' keeps every value as written; big integers stay exact", async () => {
    const d = dir({ "t.csv": "a,b\n01,9007199254740993\n2,3\n" });
    const p = pipeline();
    await p.run(dlt.sources.filesystem({ bucket_url: d, file_glob: "t.csv" }).pipe(dlt.sources.read_csv({ dtype: "text" })).with_name("t"));
    expect(await p.query(`select a, b from ${p.dataset_name}.t order by a`)).toEqual([{ a: "01", b: "9007199254740993" }, { a: "2", b: "3" }]);
    const p2 = pipeline();
    await p2.run(dlt.sources.filesystem({ bucket_url: d, file_glob: "t.csv" }).pipe(dlt.sources.read_csv()).with_name("t"));
    expect(await p2.query(`select cast(b as varchar) as b from ${p2.dataset_name}.t order by b desc`)).toEqual([{ b: "9007199254740993" }, { b: "3" }]);
  });

  it("a malformed line fails extract with its line number, and nothing is loaded", async () => {
    const d = dir({ "bad.csv": 'id,name\n1,a\n2,"multi\nline"\n3,b,extra\n4,c\n' });
    const p = pipeline();
    const run = p.run(dlt.sources.filesystem({ bucket_url: d, file_glob: "bad.csv" }).pipe(dlt.sources.read_csv()).with_name("bad"));
    await expect(run).rejects.toBeInstanceOf(PipelineStepFailed);
    const err = (await run.catch((e) => e)) as PipelineStepFailed;
    expect(err.step).toBe("extract");
    expect(String(err.message)).toMatch(/bad\.csv, line 5: expected 2 fields, found 3/);
    expect(await p.query(`select count(*) as n from information_schema.tables where table_schema = '${p.dataset_name}' and table_name = 'bad'`)).toEqual([{ n: 0 }]);
    const unclosed = dir({ "q.csv": 'id,name\n1,a\n2,"never closed\n3,b\n' });
    const p2 = pipeline();
    await expect(p2.run(dlt.sources.filesystem({ bucket_url: unclosed, file_glob: "q.csv" }).pipe(dlt.sources.read_csv()).with_name("q"))).rejects.toThrow(
      /q\.csv, line 3: a quoted field is never closed/,
    );
  });

  it("reports bytes read to the pipeline's progress, ending at the file's size", async () => {
    const lines = ["id,text"];
    for (let i = 0; i < 60_000; i++) lines.push(`${i},some text to make the file a few megabytes long ${i}`);
    const d = dir({ "big.csv": lines.join("\n") + "\n" });
    const size = Buffer.byteLength(lines.join("\n") + "\n");
    const events: dlt.ProgressEvent[] = [];
    const p = pipeline({ progress: (ev) => events.push(ev) });
    await p.run(dlt.sources.filesystem({ bucket_url: d, file_glob: "big.csv" }).pipe(dlt.sources.read_csv()).with_name("big"));
    const reads = events.filter((e) => e.step === "extract" && e.bytes !== undefined);
    expect(reads.length).toBeGreaterThan(2);
    expect(reads.every((e) => e.file === "big.csv" && e.total_bytes === size)).toBe(true);
    expect(reads.map((e) => e.bytes!)).toEqual([...reads.map((e) => e.bytes!)].sort((a, b) => a - b));
    expect(reads[reads.length - 1].bytes).toBe(size);
    expect(await p.query(`select count(*) as n from ${p.dataset_name}.big`)).toEqual([{ n: 60_000 }]);
  });

  it("TSV files split on tabs; merge on a primary key updates rows", async () => {
    const d = dir({ "p.tsv": "id\tcity\n1\tBerlin, DE\n2\tParis\n" });
    const p = pipeline();
    const files = () => dlt.sources.filesystem({ bucket_url: d, file_glob: "*.tsv" }).pipe(dlt.sources.read_csv()).with_name("places");
    await p.run(files(), { write_disposition: "merge", primary_key: "id" });
    writeFileSync(join(d, "p.tsv"), "id\tcity\n2\tLyon\n3\tRome\n");
    await p.run(files(), { write_disposition: "merge", primary_key: "id" });
    expect(await p.query(`select id, city from ${p.dataset_name}.places order by id`)).toEqual([
      { id: 1, city: "Berlin, DE" },
      { id: 2, city: "Lyon" },
      { id: 3, city: "Rome" },
    ]);
  });
});

describe("read_jsonl and read_json", () => {
  it("JSON Lines: one record per line, nested objects become child tables; a bad line names its number", async () => {
    const d = dir({ "e.jsonl": '{"id":1,"tags":["a","b"]}\n\n{"id":2,"meta":{"k":"v"}}\n', "bad.ndjson": '{"id":1}\n{"id":\n' });
    const p = pipeline();
    await p.run(dlt.sources.filesystem({ bucket_url: d, file_glob: "*.jsonl" }).pipe(dlt.sources.read_jsonl()).with_name("events"));
    expect(await p.query(`select id, meta__k from ${p.dataset_name}.events order by id`)).toEqual([{ id: 1, meta__k: null }, { id: 2, meta__k: "v" }]);
    expect(await p.query(`select value from ${p.dataset_name}.events__tags order by value`)).toEqual([{ value: "a" }, { value: "b" }]);
    await expect(pipeline().run(dlt.sources.filesystem({ bucket_url: d, file_glob: "*.ndjson" }).pipe(dlt.sources.read_jsonl()).with_name("bad"))).rejects.toThrow(
      /bad\.ndjson, line 2: not valid JSON/,
    );
  });

  it("a JSON array gives a row per element; a JSON object is one row", async () => {
    const d = dir({ "arr.json": ' [ {"id": 1, "v": "x"}, {"id": 2, "v": "y"} ]', "obj.json": '{"id": 7, "v": "z"}' });
    const p = pipeline();
    await p.run(dlt.sources.filesystem({ bucket_url: d, file_glob: "*.json" }).pipe(dlt.sources.read_json({ chunksize: 1 })).with_name("docs"));
    expect(await p.query(`select id, v from ${p.dataset_name}.docs order by id`)).toEqual([{ id: 1, v: "x" }, { id: 2, v: "y" }, { id: 7, v: "z" }]);
    const bad = dir({ "bad.json": '[\n  {"id": 1},\n  {"id": 2,, "v": 3}\n]' });
    await expect(pipeline().run(dlt.sources.filesystem({ bucket_url: bad, file_glob: "*.json" }).pipe(dlt.sources.read_json()).with_name("bad"))).rejects.toThrow(
      /bad\.json, line 3: not valid JSON/,
    );
  });
});

const ALL_TYPES: FormatColumn[] = [
  { name: "i", data_type: "bigint", nullable: false },
  { name: "d", data_type: "double" },
  { name: "b", data_type: "bool" },
  { name: "t", data_type: "text" },
  { name: "ts", data_type: "timestamp" },
  { name: "dt", data_type: "date" },
  { name: "tm", data_type: "time" },
  { name: "dec", data_type: "decimal", precision: 10, scale: 2 },
  { name: "dec38", data_type: "decimal" },
  { name: "bin", data_type: "binary" },
  { name: "js", data_type: "json" },
];
// Values in the loader's representation (timestamp: UTC micros; date: days; decimal, time, json: text).
const TYPED_ROWS = [
  { i: 9007199254740993n, d: 1.25, b: true, t: "héllo", ts: 1704164645123456, dt: 19724, tm: "12:34:56.789012", dec: "-12.34", dec38: "12345678901234567890.123456789", bin: new Uint8Array([0, 255, 7]), js: '{"a":[1,2]}' },
  { i: 2, d: null, b: false, t: null, ts: null, dt: null, tm: null, dec: null, dec38: null, bin: null, js: null },
];

describe("format writers", () => {
  it("Parquet keeps every dlt type as its logical type, and hyparquet reads the values back", async () => {
    const bytes = rowsToParquet(ALL_TYPES, TYPED_ROWS);
    const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const meta = parquetMetadata(buf);
    const el = Object.fromEntries(meta.schema.slice(1).map((s) => [s.name, s]));
    expect(el.i).toMatchObject({ type: "INT64", repetition_type: "REQUIRED" });
    expect(el.d.type).toBe("DOUBLE");
    expect(el.b.type).toBe("BOOLEAN");
    expect(el.t.logical_type).toEqual({ type: "STRING" });
    expect(el.ts.logical_type).toEqual({ type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MICROS" });
    expect(el.dt.logical_type).toEqual({ type: "DATE" });
    expect(el.tm.logical_type).toEqual({ type: "TIME", isAdjustedToUTC: false, unit: "MICROS" });
    expect(el.dec.logical_type).toEqual({ type: "DECIMAL", precision: 10, scale: 2 });
    expect(el.dec38.logical_type).toEqual({ type: "DECIMAL", precision: 38, scale: 9 });
    expect(el.bin.type).toBe("BYTE_ARRAY");
    expect(el.js.logical_type).toEqual({ type: "JSON" });
    const back = await parquetReadObjects({ file: buf, utf8: false });
    expect(back[0]).toMatchObject({ i: 9007199254740993n, d: 1.25, b: true, t: "héllo", dec: -12.34 });
    // JSON is text in a BYTE_ARRAY annotated JSON; hyparquet hands the bytes over as they are.
    expect(new TextDecoder().decode(back[0].js as Uint8Array)).toBe('{"a":[1,2]}');
    expect((back[0].ts as Date).toISOString()).toBe("2024-01-02T03:04:05.123Z");
    expect((back[0].dt as Date).toISOString()).toBe("2024-01-02T00:00:00.000Z");
    expect(back[0].tm).toBe(45296789012n);
    expect(Array.from(back[0].bin as Uint8Array)).toEqual([0, 255, 7]);
    expect(back[1]).toMatchObject({ i: 2n, d: null, b: false, t: null, ts: null, dec38: null, bin: null, js: null });
  });

  it("Parquet written here loads back through read_parquet with its values", async () => {
    const d = dir({ "typed.parquet": rowsToParquet(ALL_TYPES.filter((c) => !["tm", "bin", "js", "dec38"].includes(c.name)), TYPED_ROWS) });
    const p = pipeline();
    await p.run(dlt.sources.filesystem({ bucket_url: d, file_glob: "*.parquet" }).pipe(dlt.sources.read_parquet()).with_name("typed"));
    const back = await p.query(`select cast(i as varchar) as i, d, b, t, cast(ts as varchar) as ts, dt, dec from ${p.dataset_name}.typed order by i`);
    expect(back).toEqual([
      { i: "2", d: null, b: false, t: null, ts: null, dt: null, dec: null },
      { i: "9007199254740993", d: 1.25, b: true, t: "héllo", ts: "2024-01-02 03:04:05.123+00", dt: "2024-01-02", dec: -12.34 },
    ]);
  });

  it("JSON Lines and CSV write each type as text a reader understands", () => {
    const jsonl = rowsToJsonl(ALL_TYPES, TYPED_ROWS).split("\n");
    expect(jsonl[0]).toBe(
      '{"i":9007199254740993,"d":1.25,"b":true,"t":"héllo","ts":"2024-01-02T03:04:05.123456+00:00","dt":"2024-01-02","tm":"12:34:56.789012","dec":"-12.34","dec38":"12345678901234567890.123456789","bin":"AP8H","js":{"a":[1,2]}}',
    );
    expect(JSON.parse(jsonl[1])).toEqual({ i: 2, d: null, b: false, t: null, ts: null, dt: null, tm: null, dec: null, dec38: null, bin: null, js: null });
    const cols = ALL_TYPES.slice(0, 5);
    expect(csvHeader(cols) + rowsToCsv(cols, [{ i: 1, d: 0.5, b: true, t: 'a "q", b', ts: 0 }, { i: 2 }])).toBe(
      'i,d,b,t,ts\n1,0.5,true,"a ""q"", b",1970-01-01T00:00:00+00:00\n2,,,,\n',
    );
    // A naive column's value is written as it is: no UTC offset it never had.
    const naive = [{ name: "at", data_type: "timestamp" as const, timezone: false }];
    expect(rowsToJsonl(naive, [{ at: 1_704_164_645_123_456n }])).toBe('{"at":"2024-01-02T03:04:05.123456"}\n');
    expect(rowsToCsv(naive, [{ at: 1_704_164_645_123_456n }])).toBe("2024-01-02T03:04:05.123456\n");
  });
});

describe("downloads from DuckDB (the worker's export, on real DuckDB-WASM)", () => {
  it("a loaded table becomes Parquet with dlt's types and JSON Lines with exact values, read in windows", async () => {
    const h = shared;
    const p = dlt.pipeline({ pipeline_name: `export_${Date.now() % 100000}`, destination: dlt.destinations.duckdb(h), dataset_name: "ex", pipelines_dir: ":memory:" });
    const things = dlt.resource(
      [
        { id: 1, amount: "12.34", at: "2024-01-02T03:04:05.123456Z", day: "2024-01-02", t: "12:00:01.5", doc: { a: [1, 2] }, ok: true, x: 1.5, name: "é" },
        { id: 2, amount: null, at: null, day: null, t: null, doc: null, ok: null, x: null, name: null },
      ],
      { name: "things", columns: { amount: { data_type: "decimal", precision: 10, scale: 2 }, day: { data_type: "date" }, t: { data_type: "time" }, doc: { data_type: "json" } } },
    );
    await p.run(things);
    const conn = h.connection as never;
    const types = await dltTypes(conn, "ex", "things");
    expect(types.doc).toBe("json");
    // A window of one row: each window becomes its own row group.
    const blob = await exportRelation(conn, `"ex"."things"`, "parquet", types, 1);
    const buf = await blob.arrayBuffer();
    expect(parquetMetadata(buf).row_groups.length).toBe(2);
    const el = Object.fromEntries(parquetMetadata(buf).schema.slice(1).map((s) => [s.name, s]));
    expect(el.id.type).toBe("INT64");
    expect(el.amount.logical_type).toEqual({ type: "DECIMAL", precision: 10, scale: 2 });
    expect(el.at.logical_type).toEqual({ type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MICROS" });
    expect(el.day.logical_type).toEqual({ type: "DATE" });
    expect(el.t.logical_type).toEqual({ type: "TIME", isAdjustedToUTC: false, unit: "MICROS" });
    expect(el.doc.logical_type).toEqual({ type: "JSON" });
    expect(el.ok.type).toBe("BOOLEAN");
    expect(el.x.type).toBe("DOUBLE");
    expect(el.name.logical_type).toEqual({ type: "STRING" });
    const back = await parquetReadObjects({ file: buf, utf8: false, columns: ["id", "amount", "at", "t", "ok", "x", "name"] });
    expect(back).toEqual([
      { id: 1n, amount: 12.34, at: new Date("2024-01-02T03:04:05.123Z"), t: 43201500000n, ok: true, x: 1.5, name: "é" },
      { id: 2n, amount: null, at: null, t: null, ok: null, x: null, name: null },
    ]);
    const jsonl = await (await exportRelation(conn, `"ex"."things"`, "jsonl", types, 1)).text();
    expect(jsonl.split("\n")).toHaveLength(3);
    expect(JSON.parse(jsonl.split("\n")[0])).toMatchObject({ id: 1, amount: "12.34", at: "2024-01-02T03:04:05.123456+00:00", day: "2024-01-02", t: "12:00:01.5", doc: { a: [1, 2] } });
    const csv = await (await exportRelation(conn, `"ex"."things"`, "csv", types)).text();
    expect(csv.split("\n")[0]).toBe("amount,day,t,doc,id,at,ok,x,name,_dlt_load_id,_dlt_id");
  });
});

describe("the cell a dropped data file becomes", () => {
  it("is named after the file, offered by Load as a resource, and loads the file when run", async () => {
    expect(["a.csv", "b.TSV", "c.jsonl", "d.ndjson", "e.json", "f.parquet"].every(isDataFile)).toBe(true);
    expect(isDataFile("notes.ipynb")).toBe(false);
    expect(dataFileBinding("Sales 2024.csv")).toBe("sales_2024");
    expect(dataFileBinding("2024.csv")).toBe("_2024");
    expect(dataFileBinding("class.csv")).toBe("class_data");
    const d = dir({ "Sales 2024.csv": "id,total\n1,9.5\n2,3\n" });
    const source = dataFileCell("Sales 2024.csv", d.endsWith("/") ? d : `${d}/`);
    expect(compileCell(source).sources).toEqual([{ name: "sales_2024", kind: "resource" }]);
    const resource = new Function("dlt", `${source}\nreturn sales_2024;`)(dlt);
    const p = pipeline();
    await p.run(resource, { write_disposition: "merge", primary_key: "id" });
    expect(await p.query(`select id, total from ${p.dataset_name}.sales_2024 order by id`)).toEqual([{ id: 1, total: 9.5 }, { id: 2, total: 3 }]);
  });
});
