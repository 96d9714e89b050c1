// Relational normalizer: tables, columns, dlt columns, ids, nesting (reference §3, S1–S6).
import { describe, expect, it } from "vitest";
import { ItemsNormalizer, KeyError } from "../../src/dlt/normalize/index.ts";
import { Schema } from "../../src/dlt/schema/schema.ts";
import type { TTableSchema } from "../../src/dlt/schema/types.ts";
import { canonicalJson, digest128 } from "../../src/dlt/utils/digest.ts";

const LOAD_ID = "1714000000.123456";
const B64_ID = /^[A-Za-z0-9+/]{14}$/;

function schemaWith(...tables: (Partial<TTableSchema> & { name: string })[]): Schema {
  const s = new Schema("test_schema");
  for (const t of tables) s.updateTable({ columns: {}, write_disposition: "append", resource: t.name, ...t });
  return s;
}

function normalize(schema: Schema, root: string, items: unknown[]) {
  const n = new ItemsNormalizer(schema, { loadId: LOAD_ID });
  n.add(root, items);
  const tables = n.tables();
  return { tables, rows: (t: string) => tables.get(t) ?? [], counts: n.rowCounts(), warnings: n.warnings() };
}

const names = (s: Schema, t: string) => Object.keys(s.tables[t]?.columns ?? {});
const types = (s: Schema, t: string) =>
  Object.values(s.tables[t]?.columns ?? {}).filter((c) => c.data_type).map((c) => `${c.name} ${c.data_type}`);
const pick = (rows: Record<string, unknown>[], ...cols: string[]) =>
  rows.map((r) => cols.map((c) => (c in r ? r[c] : null)));

const S1 = [
  { id: 1, name: "Alice", pets: [{ id: 1, name: "Fluffy", type: "cat" }, { id: 2, name: "Spot", type: "dog" }] },
  { id: 2, name: "Bob", pets: [{ id: 3, name: "Fido", type: "dog" }] },
];

describe("S1 — list of dicts becomes a nested table", () => {
  const s = schemaWith({ name: "users" });
  const { rows, counts, tables } = normalize(s, "users", S1);

  it("creates both tables with data columns then dlt columns", () => {
    expect([...tables.keys()]).toEqual(["users", "users__pets"]);
    expect(types(s, "users")).toEqual(["id bigint", "name text", "_dlt_load_id text", "_dlt_id text"]);
    expect(types(s, "users__pets")).toEqual([
      "id bigint", "name text", "type text", "_dlt_parent_id text", "_dlt_list_idx bigint", "_dlt_id text",
    ]);
    expect(counts).toEqual({ users: 2, users__pets: 3 });
    expect(s.tables.users__pets.parent).toBe("users");
  });

  it("links nested rows to their parent with deterministic ids", () => {
    const users = rows("users");
    const pets = rows("users__pets");
    expect(pick(users, "id", "name", "_dlt_load_id")).toEqual([[1, "Alice", LOAD_ID], [2, "Bob", LOAD_ID]]);
    for (const u of users) expect(u._dlt_id).toMatch(B64_ID);
    expect(users[0]._dlt_id).not.toBe(users[1]._dlt_id);
    expect(pick(pets, "id", "name", "type", "_dlt_parent_id", "_dlt_list_idx")).toEqual([
      [1, "Fluffy", "cat", users[0]._dlt_id, 0],
      [2, "Spot", "dog", users[0]._dlt_id, 1],
      [3, "Fido", "dog", users[1]._dlt_id, 0],
    ]);
    pets.forEach((p) =>
      expect(p._dlt_id).toBe(digest128(`${p._dlt_parent_id}_users__pets_${p._dlt_list_idx}`)),
    );
    expect("_dlt_root_id" in pets[0]).toBe(false);
    expect("_dlt_load_id" in pets[0]).toBe(false);
  });

  it("gives dlt columns dlt's hints", () => {
    expect(s.tables.users.columns._dlt_id).toEqual({
      name: "_dlt_id", data_type: "text", nullable: false, unique: true, row_key: true,
    });
    expect(s.tables.users.columns._dlt_load_id).toEqual({ name: "_dlt_load_id", data_type: "text", nullable: false });
    expect(s.tables.users__pets.columns._dlt_parent_id).toEqual({
      name: "_dlt_parent_id", data_type: "text", nullable: false, parent_key: true,
    });
    expect(s.tables.users__pets.columns._dlt_list_idx).toEqual({
      name: "_dlt_list_idx", data_type: "bigint", nullable: false,
    });
    expect(s.tables.users.columns.id).toEqual({ name: "id", data_type: "bigint", nullable: true });
  });

  it("marks tables that received rows as seen-data", () => {
    expect(s.tables.users["x-normalizer"]).toEqual({ "seen-data": true });
    expect(s.tables.users__pets["x-normalizer"]).toEqual({ "seen-data": true });
  });

  it("reproduces dlt's verified nested ids for a known parent id (bring your own _dlt_id)", () => {
    const s2 = schemaWith({ name: "users" });
    const { rows: r } = normalize(s2, "users", [{ ...S1[0], _dlt_id: "hVIfoBu1SR0iIw" }]);
    expect(r("users")[0]._dlt_id).toBe("hVIfoBu1SR0iIw");
    expect(r("users__pets").map((p) => p._dlt_id)).toEqual(["5BasYlzMUxYdOg", "J+bgg0i7pQ/kUg"]);
  });
});

describe("S2 — scalar lists and lists of lists", () => {
  const s = schemaWith({ name: "my_table" });
  const { rows, tables } = normalize(s, "my_table", [{ tags: ["a", "b"], matrix: [[1, 2], [3]] }]);

  it("puts scalars into a value column", () => {
    expect(types(s, "my_table__tags")).toEqual([
      "value text", "_dlt_parent_id text", "_dlt_list_idx bigint", "_dlt_id text",
    ]);
    expect(pick(rows("my_table__tags"), "value", "_dlt_list_idx")).toEqual([["a", 0], ["b", 1]]);
  });

  it("creates an intermediate table per list level and __list for the inner items", () => {
    expect([...tables.keys()]).toEqual(["my_table", "my_table__tags", "my_table__matrix", "my_table__matrix__list"]);
    expect(names(s, "my_table__matrix")).toEqual(["_dlt_parent_id", "_dlt_list_idx", "_dlt_id"]);
    expect(s.tables.my_table__matrix__list.parent).toBe("my_table__matrix");
    const matrix = rows("my_table__matrix");
    const root = rows("my_table")[0];
    expect(pick(matrix, "_dlt_parent_id", "_dlt_list_idx")).toEqual([[root._dlt_id, 0], [root._dlt_id, 1]]);
    expect(pick(rows("my_table__matrix__list"), "value", "_dlt_parent_id", "_dlt_list_idx")).toEqual([
      [1, matrix[0]._dlt_id, 0],
      [2, matrix[0]._dlt_id, 1],
      [3, matrix[1]._dlt_id, 0],
    ]);
    expect(types(s, "my_table__matrix__list")[0]).toBe("value bigint");
    // the root row has no data columns: only dlt's
    expect(names(s, "my_table")).toEqual(["_dlt_load_id", "_dlt_id"]);
  });

  it("§13.8: an empty inner list keeps its intermediate row; a null scalar is a row with NULL value", () => {
    const s2 = schemaWith({ name: "t" });
    const { rows: r } = normalize(s2, "t", [{ m: [[1], []], tags: ["a", null, "b"] }]);
    expect(pick(r("t__m"), "_dlt_list_idx")).toEqual([[0], [1]]);
    expect(pick(r("t__m__list"), "value")).toEqual([[1]]);
    expect(pick(r("t__tags"), "value", "_dlt_list_idx")).toEqual([["a", 0], [null, 1], ["b", 2]]);
  });
});

describe("S3 — scalar top-level items", () => {
  it("wraps non-dict items as {value}", () => {
    const s = schemaWith({ name: "numbers" });
    const { rows } = normalize(s, "numbers", [1, 2, 3]);
    expect(types(s, "numbers")).toEqual(["value bigint", "_dlt_load_id text", "_dlt_id text"]);
    expect(pick(rows("numbers"), "value")).toEqual([[1], [2], [3]]);
  });
});

describe("S4 — naming of tables and keys", () => {
  it("normalizes table and column names and flattens nested dicts after scalars", () => {
    const s = new Schema("test_schema");
    const item = {
      CamelName: 1, "with space": 2, ümlaut: 3, "1st": 4, a__b: 5, price$: 6, "": 7,
      nested: { "Inner Obj": { b: true } },
    };
    const { tables } = normalize(s, "My Table", [item]);
    expect([...tables.keys()]).toEqual(["my_table"]);
    expect(types(s, "my_table")).toEqual([
      "camel_name bigint", "with_space bigint", "_mlaut bigint", "_1st bigint", "a__b bigint", "pricex bigint",
      "_empty bigint", "nested__inner_obj__b bool", "_dlt_load_id text", "_dlt_id text",
    ]);
  });

  it("keeps scalars of a level before columns of nested dicts (§3.2)", () => {
    const s = schemaWith({ name: "t" });
    normalize(s, "t", [{ Id: 1, CamelName: "x", "with space": 1, nested: { a: 1, "Inner Obj": { b: 2 } }, ts: "y" }]);
    expect(names(s, "t")).toEqual([
      "id", "camel_name", "with_space", "ts", "nested__a", "nested__inner_obj__b", "_dlt_load_id", "_dlt_id",
    ]);
  });

  it("expands sibling nested dicts last-in-first-out like dlt's stack", () => {
    const s = schemaWith({ name: "t" });
    normalize(s, "t", [{ a: { x: 1, deep: { y: 1 } }, b: { z: 1 }, c: 1 }]);
    expect(names(s, "t")).toEqual(["c", "b__z", "a__x", "a__deep__y", "_dlt_load_id", "_dlt_id"]);
  });

  it("names empty keys _empty also when nested, and nested list tables by path", () => {
    const s = schemaWith({ name: "t" });
    normalize(s, "t", [{ b: { "": 1, "  ": 2 }, "Some List": [{ "Key X": 1 }] }]);
    expect(names(s, "t")).toContain("b___empty");
    expect(s.tables.t__some_list).toBeDefined();
    expect(names(s, "t__some_list")[0]).toBe("key_x");
  });
});

describe("keys named like Object.prototype members", () => {
  it("are ordinary columns and tables", () => {
    const s = schemaWith({ name: "t" });
    const { rows } = normalize(s, "t", [
      { constructor: 1, toString: "x", valueOf: true, constructor__k: null, __proto__x: 2 },
      { constructor: "2" },
    ]);
    expect(types(s, "t")).toEqual([
      "constructor bigint", "to_string text", "value_of bool", "proto__x bigint", "_dlt_load_id text", "_dlt_id text",
    ]);
    expect(pick(rows("t"), "constructor", "to_string")).toEqual([[1, "x"], [2, null]]);
  });
});

describe("S5 — empty containers and nulls", () => {
  it("creates nothing for {}, [] and null; warns about null-only columns", () => {
    const s = schemaWith({ name: "t" });
    const { rows, tables, warnings } = normalize(s, "t", [{ id: 1, empty_list: [], empty_dict: {}, none_val: null }]);
    expect([...tables.keys()]).toEqual(["t"]);
    expect(names(s, "t")).toEqual(["id", "_dlt_load_id", "_dlt_id"]);
    expect(s.tables.t__empty_list).toBeUndefined();
    expect(Object.keys(rows("t")[0])).toEqual(["id", "_dlt_load_id", "_dlt_id"]);
    expect(warnings).toEqual([
      "In schema `test_schema`: The following columns in table 't' did not receive any data during this load " +
        "and therefore could not have their types inferred:\n  - none_val\n\n" +
        "Unless type hints are provided, these columns will not be materialized in the destination.\n" +
        "One way to provide type hints is to use the 'columns' argument in the '@dlt.resource' decorator.  " +
        "For example:\n\n@dlt.resource(columns={'none_val': {'data_type': 'text'}})\n",
    ]);

    // second run: the column appears when data arrives, appended at the end
    const second = normalize(s, "t", [{ id: 2, none_val: "x" }]);
    expect(types(s, "t")).toEqual(["id bigint", "_dlt_load_id text", "_dlt_id text", "none_val text"]);
    expect(second.warnings).toEqual([]);
    expect(pick(second.rows("t"), "id", "none_val")).toEqual([[2, "x"]]);
  });

  it("drops undefined members like absent keys", () => {
    const s = schemaWith({ name: "t" });
    const { warnings } = normalize(s, "t", [{ id: 1, u: undefined }]);
    expect(names(s, "t")).toEqual(["id", "_dlt_load_id", "_dlt_id"]);
    expect(warnings).toEqual([]);
  });
});

describe("S6 — max_table_nesting", () => {
  const doc = { id: 1, props: { a: { b: { c: 1 } } }, lst: [{ x: 1, deep: [{ y: 1 }], obj: { q: 1 } }], tags: ["t1"] };
  const run = (nesting: number | undefined) => {
    const s = schemaWith({ name: "r", ...(nesting === undefined ? {} : { "x-normalizer": { max_nesting: nesting } }) });
    const { rows } = normalize(s, "r", [structuredClone(doc)]);
    const dataTables = Object.keys(s.tables).filter((t) => t.startsWith("r"));
    return { s, rows, dataTables };
  };

  it("nesting 0: nothing flattened, no nested tables", () => {
    const { s, rows, dataTables } = run(0);
    expect(dataTables).toEqual(["r"]);
    expect(types(s, "r")).toEqual(["id bigint", "props json", "lst json", "tags json", "_dlt_load_id text", "_dlt_id text"]);
    expect(pick(rows("r"), "props", "lst", "tags")).toEqual([
      ['{"a":{"b":{"c":1}}}', '[{"x":1,"deep":[{"y":1}],"obj":{"q":1}}]', '["t1"]'],
    ]);
  });

  it("nesting 1", () => {
    const { s, rows, dataTables } = run(1);
    expect(dataTables).toEqual(["r", "r__lst", "r__tags"]);
    expect(types(s, "r")).toEqual(["id bigint", "props__a json", "_dlt_load_id text", "_dlt_id text"]);
    expect(rows("r")[0].props__a).toBe('{"b":{"c":1}}');
    expect(types(s, "r__lst").slice(0, 3)).toEqual(["x bigint", "deep json", "obj json"]);
    expect(pick(rows("r__lst"), "deep", "obj")).toEqual([['[{"y":1}]', '{"q":1}']]);
    expect(types(s, "r__tags")[0]).toBe("value text");
  });

  it("nesting 2", () => {
    const { s, rows, dataTables } = run(2);
    expect(dataTables).toEqual(["r", "r__lst", "r__lst__deep", "r__tags"]);
    expect(rows("r")[0].props__a__b).toBe('{"c":1}');
    expect(types(s, "r__lst").slice(0, 2)).toEqual(["x bigint", "obj__q bigint"]);
    expect(types(s, "r__lst__deep")[0]).toBe("y bigint");
  });

  it("default (1000): everything flattened", () => {
    const { s, dataTables } = run(undefined);
    expect(types(s, "r")[1]).toBe("props__a__b__c bigint");
    expect(dataTables).toEqual(["r", "r__lst", "r__lst__deep", "r__tags"]);
  });

  it("counts list levels for tests/pipeline/test_max_nesting.py's chain", () => {
    const chain = { one: [{ two: [{ three: [{ four: [{ five: "value" }] }] }] }] };
    for (const [n, expected] of [
      [0, ["base"]],
      [1, ["base", "base__one"]],
      [2, ["base", "base__one", "base__one__two"]],
      [3, ["base", "base__one", "base__one__two", "base__one__two__three"]],
    ] as const) {
      const s = schemaWith({ name: "base", "x-normalizer": { max_nesting: n } });
      const { tables } = normalize(s, "base", [structuredClone(chain)]);
      expect([...tables.keys()]).toEqual(expected);
    }
  });

  it("a json column hint stops flattening and nested tables for that field only", () => {
    const s = schemaWith({
      name: "r",
      columns: { props: { name: "props", data_type: "json" }, tags: { name: "tags", data_type: "json" } },
    });
    const { rows, tables } = normalize(s, "r", [structuredClone(doc)]);
    expect([...tables.keys()]).toEqual(["r", "r__lst", "r__lst__deep"]);
    expect(pick(rows("r"), "props", "tags")).toEqual([['{"a":{"b":{"c":1}}}', '["t1"]']]);
    expect(types(s, "r")).toEqual(["props json", "tags json", "id bigint", "_dlt_load_id text", "_dlt_id text"]);
  });

  it("a json hint on a nested table column applies at that level", () => {
    const s = schemaWith({ name: "r" });
    s.updateTable({ name: "r__lst", parent: "r", columns: { deep: { name: "deep", data_type: "json" } } });
    normalize(s, "r", [structuredClone(doc)]);
    expect(s.tables.r__lst__deep).toBeUndefined();
    expect(s.tables.r__lst.columns.obj__q.data_type).toBe("bigint");
  });
});

describe("root key propagation (§3.6)", () => {
  const item = { id: 1, kids: [{ n: "x", toys: [{ t: 1 }] }], tags: ["a"] };
  const rootKeyed = (table: Partial<TTableSchema>) => {
    const s = schemaWith({ name: "a", ...table });
    const { rows } = normalize(s, "a", [structuredClone(item)]);
    return { s, rows, has: "_dlt_root_id" in s.tables.a__kids.columns };
  };

  it("merge delete-insert (default strategy) propagates the root row id to all nested levels", () => {
    const { s, rows, has } = rootKeyed({ write_disposition: "merge", columns: { id: { name: "id", primary_key: true, nullable: false } } });
    expect(has).toBe(true);
    expect(names(s, "a__kids")).toEqual(["n", "_dlt_root_id", "_dlt_parent_id", "_dlt_list_idx", "_dlt_id"]);
    expect(s.tables.a__kids.columns._dlt_root_id).toEqual({
      name: "_dlt_root_id", data_type: "text", nullable: false, root_key: true,
    });
    const root = rows("a")[0]._dlt_id;
    expect(rows("a__kids")[0]._dlt_root_id).toBe(root);
    expect(rows("a__kids__toys")[0]._dlt_root_id).toBe(root);
    expect(rows("a__kids__toys")[0]._dlt_parent_id).toBe(rows("a__kids")[0]._dlt_id);
    expect(names(s, "a__tags")).toEqual(["value", "_dlt_root_id", "_dlt_parent_id", "_dlt_list_idx", "_dlt_id"]);
  });

  it.each([
    ["upsert", true],
    ["insert-only", true],
    ["delete-insert", true],
    ["scd2", false],
  ] as const)("merge strategy %s → root key %s", (strategy, expected) => {
    const columns = { id: { name: "id", primary_key: true, nullable: false } };
    expect(rootKeyed({ write_disposition: "merge", "x-merge-strategy": strategy, columns }).has).toBe(expected);
  });

  it("append has no root key unless root_key=True; merge with root_key=False has none", () => {
    expect(rootKeyed({}).has).toBe(false);
    expect(rootKeyed({ "x-normalizer": { root_key: true } }).has).toBe(true);
    expect(rootKeyed({ write_disposition: "merge", "x-normalizer": { root_key: false } }).has).toBe(false);
  });

  it("propagates when a nested table already has a root key column", () => {
    const s = schemaWith({ name: "a" });
    s.updateTable({
      name: "a__kids", parent: "a",
      columns: { _dlt_root_id: { name: "_dlt_root_id", data_type: "text", nullable: false, root_key: true } },
    });
    const { rows } = normalize(s, "a", [structuredClone(item)]);
    expect(rows("a__kids")[0]._dlt_root_id).toBe(rows("a")[0]._dlt_id);
  });

  it("never on dlt's own tables", () => {
    const s = schemaWith({ name: "_dlt_things", write_disposition: "merge" });
    normalize(s, "_dlt_things", [structuredClone(item)]);
    expect("_dlt_root_id" in s.tables._dlt_things__kids.columns).toBe(false);
  });
});

describe("row ids (§3.5)", () => {
  it("upsert: key hash of the primary key; nested ids follow (S20)", () => {
    const s = schemaWith({
      name: "ups", write_disposition: "merge", "x-merge-strategy": "upsert",
      columns: { id: { name: "id", primary_key: true, nullable: false } },
    });
    const { rows } = normalize(s, "ups", [{ id: 1, v: "a", kids: [1, 2] }, { id: 2, v: "b" }]);
    expect(rows("ups")[0]._dlt_id).toBe("z5jIxXIbUnmbKw");
    expect(rows("ups")[1]._dlt_id).toBe(digest128(canonicalJson({ id: 2 })));
    expect(pick(rows("ups__kids"), "value", "_dlt_id", "_dlt_root_id")).toEqual([
      [1, "MLWFOonzK0aNQQ", "z5jIxXIbUnmbKw"],
      [2, digest128("z5jIxXIbUnmbKw_ups__kids_1"), "z5jIxXIbUnmbKw"],
    ]);
  });

  it("insert-only hashes the raw values of all primary key columns, sorted by name", () => {
    const s = schemaWith({
      name: "t", write_disposition: "merge", "x-merge-strategy": "insert-only",
      columns: {
        b: { name: "b", primary_key: true, nullable: false },
        a: { name: "a", primary_key: true, nullable: false },
      },
    });
    const { rows } = normalize(s, "t", [{ a: "1", b: 2, c: 3 }]);
    expect(rows("t")[0]._dlt_id).toBe(digest128('{"a":"1","b":2}'));
  });

  it("a missing primary key column fails the key hash like dlt (KeyError)", () => {
    const s = schemaWith({
      name: "t", write_disposition: "merge", "x-merge-strategy": "upsert",
      columns: { id: { name: "id", primary_key: true, nullable: false } },
    });
    expect(() => normalize(s, "t", [{ v: 1 }])).toThrow(KeyError);
  });

  // As dlt's scd2 hints make it: `_dlt_id` is the row-version column (without one, ids are random).
  const scd2Dim = () =>
    schemaWith({
      name: "dim",
      write_disposition: "merge",
      "x-merge-strategy": "scd2",
      columns: { _dlt_id: { name: "_dlt_id", nullable: false, "x-row-version": true, unique: false, row_key: false } },
    });

  it("scd2: row hash of the original item without _dlt keys (S21)", () => {
    const s = scd2Dim();
    const { rows } = normalize(s, "dim", [
      { customer_key: 1, c1: "foo", c2: 1 },
      { customer_key: 1, c1: "foo", c2: 1, _dlt_x: "ignored", nested: { b: 1, a: 2 } },
    ]);
    expect(rows("dim")[0]._dlt_id).toBe("SJ3pezeFVqFPPw");
    expect(rows("dim")[1]._dlt_id).toBe(digest128('{"c1":"foo","c2":1,"customer_key":1,"nested":{"a":2,"b":1}}'));
  });

  it("hashes dates and big integers as orjson writes them", () => {
    const s = scd2Dim();
    const { rows } = normalize(s, "dim", [
      { k: 2 ** 70, ts: new Date(Date.UTC(2024, 0, 1)), ms: new Date(Date.UTC(2024, 0, 1, 0, 0, 0, 5)) },
    ]);
    expect(rows("dim")[0]._dlt_id).toBe(
      digest128('{"k":1180591620717411303424,"ms":"2024-01-01T00:00:00.005000Z","ts":"2024-01-01T00:00:00Z"}'),
    );
  });

  it("scd2 with a custom row version column uses random ids", () => {
    const s = schemaWith({
      name: "dim", write_disposition: "merge", "x-merge-strategy": "scd2", "x-row-version-column-name": "v",
    });
    const { rows } = normalize(s, "dim", [{ customer_key: 1, v: "h" }]);
    expect(rows("dim")[0]._dlt_id).not.toBe(digest128('{"customer_key":1,"v":"h"}'));
    expect(rows("dim")[0]._dlt_id).toMatch(B64_ID);
  });

  it("append roots get fresh random 14-char base64 ids", () => {
    const s = schemaWith({ name: "t" });
    const { rows } = normalize(s, "t", Array.from({ length: 2000 }, (_, i) => ({ i })));
    const ids = rows("t").map((r) => r._dlt_id as string);
    ids.forEach((id) => expect(id).toMatch(B64_ID));
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("multiple add() calls and the state table", () => {
  it("keeps tables in first-seen order across roots", () => {
    const s = schemaWith({ name: "b" }, { name: "a" });
    const n = new ItemsNormalizer(s, { loadId: LOAD_ID });
    n.add("b", [{ x: 1, l: [1] }]);
    n.add("a", [{ y: 1 }]);
    n.add("b", [{ x: 2 }]);
    expect([...n.tables().keys()]).toEqual(["b", "b__l", "a"]);
    expect(n.rowCounts()).toEqual({ b: 2, b__l: 1, a: 1 });
  });

  it("normalizes the pipeline state row into its hinted table", async () => {
    const { stateTableSchema } = await import("../../src/dlt/schema/schema.ts");
    const s = new Schema("test_schema");
    s.updateTable(stateTableSchema());
    const created = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
    const { rows } = normalize(s, "_dlt_pipeline_state", [
      { version: 1, engine_version: 4, pipeline_name: "p", state: "eJy", created_at: created, version_hash: "h" },
    ]);
    const row = rows("_dlt_pipeline_state")[0];
    expect(row.created_at).toBe(created.getTime() * 1000);
    expect(row._dlt_load_id).toBe(LOAD_ID);
    expect(names(s, "_dlt_pipeline_state")).toEqual([
      "version", "engine_version", "pipeline_name", "state", "created_at", "version_hash", "_dlt_load_id", "_dlt_id",
    ]);
  });

  it("addEmpty gives a never-loaded root table its dlt columns without rows", () => {
    const s = schemaWith({ name: "r", write_disposition: "replace" });
    const n = new ItemsNormalizer(s, { loadId: LOAD_ID });
    n.addEmpty("r");
    expect(names(s, "r")).toEqual(["_dlt_load_id", "_dlt_id"]);
    expect(n.rowCounts()).toEqual({});
  });
});

describe("S9 / S12 — evolution across runs and key hints", () => {
  it("S9: a new field on run 2 is appended as a new column; run 1 rows are untouched", () => {
    const s = schemaWith({ name: "items" });
    normalize(s, "items", [{ id: 1, name: "a" }]);
    const run2 = normalize(s, "items", [{ id: 2, name: "b", extra: true }]);
    expect(types(s, "items")).toEqual(["id bigint", "name text", "_dlt_load_id text", "_dlt_id text", "extra bool"]);
    expect(pick(run2.rows("items"), "id", "name", "extra")).toEqual([[2, "b", true]]);
  });

  it("S12: a primary key on append becomes a typed, non-nullable key column (no dedup)", () => {
    const s = schemaWith({ name: "t", columns: { id: { name: "id", primary_key: true, nullable: false } } });
    const { rows } = normalize(s, "t", [{ id: 1 }, { id: 1 }]);
    expect(s.tables.t.columns.id).toEqual({ name: "id", data_type: "bigint", nullable: false, primary_key: true });
    expect(rows("t")).toHaveLength(2);
    expect(rows("t")[0]._dlt_id).not.toBe(rows("t")[1]._dlt_id);
  });
});
