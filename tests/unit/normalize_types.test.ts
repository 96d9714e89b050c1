// Type inference, detection, coercion and variants (reference §4.2–§4.5, S7, S8, §13.7).
import { describe, expect, it } from "vitest";
import {
  CannotCoerceColumnException,
  CannotCoerceNullException,
  ItemsNormalizer,
  UnboundColumnException,
} from "../../src/dlt/normalize/index.ts";
import { FAIL, autodetectType, coerceValue, valueType } from "../../src/dlt/normalize/coerce.ts";
import { compactJson, pyFloatStr } from "../../src/dlt/normalize/pyformat.ts";
import { Schema } from "../../src/dlt/schema/schema.ts";
import type { TColumnSchema, TTableSchema } from "../../src/dlt/schema/types.ts";

const LOAD_ID = "1714000000.123456";

function schemaWith(...tables: (Partial<TTableSchema> & { name: string })[]): Schema {
  const s = new Schema("test_schema");
  for (const t of tables) s.updateTable({ columns: {}, write_disposition: "append", resource: t.name, ...t });
  return s;
}

function normalize(schema: Schema, root: string, items: unknown[]) {
  const n = new ItemsNormalizer(schema, { loadId: LOAD_ID });
  n.add(root, items);
  const tables = n.tables();
  return { rows: (t: string) => tables.get(t) ?? [], warnings: n.warnings() };
}

function hinted(columns: Record<string, TColumnSchema>): Record<string, TColumnSchema & { name: string }> {
  return Object.fromEntries(Object.entries(columns).map(([name, c]) => [name, { name, ...c }]));
}

const types = (s: Schema, t: string) =>
  Object.values(s.tables[t]?.columns ?? {}).filter((c) => c.data_type).map((c) => `${c.name} ${c.data_type}`);
const pick = (rows: Record<string, unknown>[], ...cols: string[]) =>
  rows.map((r) => cols.map((c) => (c in r ? r[c] : null)));
const micros = (...utc: number[]) => Date.UTC(utc[0], utc[1] - 1, ...utc.slice(2)) * 1000;

describe("§4.2 value types", () => {
  it.each([
    ["s", "text"], [1, "bigint"], [-7, "bigint"], [1.5, "double"], [10n, "bigint"], [true, "bool"],
    [new Date(0), "timestamp"], [new Uint8Array([1]), "binary"], [{ a: 1 }, "json"], [[1], "json"],
  ] as const)("%o → %s", (v, t) => expect(valueType(v)).toBe(t));

  it("an integral number first creates bigint, a fraction first creates double", () => {
    const s = schemaWith({ name: "t" });
    normalize(s, "t", [{ a: 2, b: 2.5 }, { a: 3, b: 3 }]);
    expect(types(s, "t").slice(0, 2)).toEqual(["a bigint", "b double"]);
  });

  it("integers beyond 2^53 stay exact as bigint values", () => {
    const s = schemaWith({ name: "t" });
    const { rows } = normalize(s, "t", [{ a: 9007199254740993n }, { a: 2n }, { a: 2 ** 60 }]);
    expect(types(s, "t")[0]).toBe("a bigint");
    expect(pick(rows("t"), "a")).toEqual([[9007199254740993n], [2], [2n ** 60n]]);
  });
});

describe("§4.3 iso_timestamp detection (default) and iso_date", () => {
  const timestamps = [
    "2024-01-15T10:00:00Z", "2024-01-15T10:00:00+02:00", "2024-01-15T10:00:00", "2024-01-15 10:00:00",
    "2024-01-15T10:00", "20240115T100000", "2024-01-15T10:00:00.123456Z",
  ];
  const dates = ["2024-01-15", "2024", "2024/01/15", "20240115", "2024-01", "2024-W03"];
  const neither = ["10:00:00", "1", "abc", "Mon, 15 Jan 2024 10:00:00 GMT", ""];

  it.each(timestamps)("%s → timestamp", (v) => {
    expect(autodetectType(["iso_timestamp"], v)).toBe("timestamp");
    expect(autodetectType(["iso_date"], v)).toBeUndefined();
  });
  it.each(dates)("%s → date (iso_date only)", (v) => {
    expect(autodetectType(["iso_timestamp"], v)).toBeUndefined();
    expect(autodetectType(["iso_date"], v)).toBe("date");
  });
  it.each(neither)("%s → neither", (v) => {
    expect(autodetectType(["iso_timestamp", "iso_date"], v)).toBeUndefined();
  });

  it("runs only for new columns; existing text columns keep ISO strings as text", () => {
    const s = schemaWith({ name: "t" });
    const { rows } = normalize(s, "t", [{ a: "x", b: "2024-01-15T10:00:00Z" }, { a: "2024-01-15T10:00:00Z" }]);
    expect(types(s, "t").slice(0, 2)).toEqual(["a text", "b timestamp"]);
    expect(pick(rows("t"), "a", "b")).toEqual([["x", micros(2024, 1, 15, 10)], ["2024-01-15T10:00:00Z", null]]);
  });

  it("converts offsets to UTC, keeps microseconds and reads naive values as UTC", () => {
    const s = schemaWith({ name: "t" });
    const { rows } = normalize(s, "t", [
      { ts: "2024-01-15T10:00:00.123456Z" }, { ts: "2024-01-15T10:00:00+02:00" }, { ts: "2024-01-15 10:00:00" },
      { ts: "2024-01-15T10:00:00.123456789-01:30" }, { ts: "2024-01-15T10:00:00,5" },
    ]);
    expect(pick(rows("t"), "ts")).toEqual([
      [micros(2024, 1, 15, 10) + 123456],
      [micros(2024, 1, 15, 8)],
      [micros(2024, 1, 15, 10)],
      [micros(2024, 1, 15, 11, 30) + 123456],
      [micros(2024, 1, 15, 10) + 500000],
    ]);
  });

  it("rejects impossible datetimes (→ not a timestamp)", () => {
    for (const v of ["2024-02-30T10:00:00Z", "2024-01-15T24:00:00", "2023-02-29 10:00:00", "0000-01-01T00:00:00"]) {
      expect(autodetectType(["iso_timestamp"], v)).toBeUndefined();
    }
  });
});

describe("S7 — inference of a mixed row", () => {
  it("types each column from its first value; decimals only through a hint", () => {
    const s = schemaWith({ name: "t", columns: hinted({ dec: { data_type: "decimal" } }) });
    const { rows } = normalize(s, "t", [
      { ts: "2024-01-15T10:00:00Z", d: "2024-01-15", f: 1.5, i: 1, b: true, dec: "1.23" },
      { dec: 2 },
      { dec: 2.5 },
    ]);
    expect(types(s, "t")).toEqual([
      "dec decimal", "ts timestamp", "d text", "f double", "i bigint", "b bool", "_dlt_load_id text", "_dlt_id text",
    ]);
    expect(pick(rows("t"), "ts", "d", "f", "i", "b", "dec")).toEqual([
      [micros(2024, 1, 15, 10), "2024-01-15", 1.5, 1, true, "1.23"],
      [null, null, null, null, null, "2"],
      [null, null, null, null, null, "2.5"],
    ]);
  });
});

describe("§4.5 — the verified six-row table t", () => {
  const rowsIn = [
    { id: 1, a: 1, b: "x", c: true, d: 1.5, e: "2024-01-01T00:00:00Z", f: null },
    { id: 2, a: "2", b: 5, c: 1, d: 2, e: "not a date", f: null },
    { id: 3, a: "abc", b: 1.5, c: "yes", d: "3.5", e: 1700000000, f: null },
    { id: 4, a: 2.0, b: true, c: 0, d: "zz", e: null, f: null },
    { id: 5, a: 2.5, b: { k: 1 }, c: "maybe", d: true, e: "2024-02-01", f: null },
    { id: 6, a: true, b: [1, 2], c: 2.5, d: null, e: null, f: null },
  ];
  const s = schemaWith({ name: "t" });
  const { rows, warnings } = normalize(s, "t", rowsIn);
  const t = rows("t");

  // dlt (Python) types `a` bigint from `1` and sends 2.5 to `a__v_double`. JS cannot tell `1`
  // from `1.0`, so pipebook's documented rule types a new column from all of its numbers in the
  // package: 2.5 makes `a` a double column, and its integral values stay exactly what they were.
  it("creates the columns in dlt's order, variants appended as first seen", () => {
    expect(types(s, "t")).toEqual([
      "id bigint", "a double", "b text", "c bool", "d double", "e timestamp", "_dlt_load_id text", "_dlt_id text",
      "e__v_text text", "a__v_text text", "d__v_text text", "c__v_text text",
      "d__v_bool bool", "b__k bigint", "a__v_bool bool",
    ]);
    for (const v of ["e__v_text", "a__v_text", "d__v_text", "c__v_text", "d__v_bool", "a__v_bool"]) {
      expect(s.tables.t.columns[v]).toEqual({ name: v, data_type: s.tables.t.columns[v].data_type, nullable: true, variant: true });
    }
    expect(s.tables.t.columns.b__k.variant).toBeUndefined();
    expect(s.tables.t__b.parent).toBe("t");
  });

  it("stores a", () => {
    expect(pick(t, "a", "a__v_text", "a__v_bool")).toEqual([
      [1, null, null], [2, null, null], [null, "abc", null],
      [2, null, null], [2.5, null, null], [null, null, true],
    ]);
  });

  it("stores b (bool → 'True', dict flattened, list to t__b)", () => {
    expect(pick(t, "b", "b__k")).toEqual([["x", null], ["5", null], ["1.5", null], ["True", null], [null, 1], [null, null]]);
    expect(pick(rows("t__b"), "value", "_dlt_parent_id")).toEqual([[1, t[5]._dlt_id], [2, t[5]._dlt_id]]);
  });

  it("stores c", () => {
    expect(pick(t, "c", "c__v_text")).toEqual([[true, null], [true, null], [true, null], [false, null], [null, "maybe"], [true, null]]);
  });

  it("stores d", () => {
    expect(pick(t, "d", "d__v_text", "d__v_bool")).toEqual([
      [1.5, null, null], [2, null, null], [3.5, null, null], [null, "zz", null], [null, null, true], [null, null, null],
    ]);
  });

  it("stores e (Unix seconds and a bare date coerce into the timestamp column)", () => {
    expect(pick(t, "e", "e__v_text")).toEqual([
      [micros(2024, 1, 1), null], [null, "not a date"], [micros(2023, 11, 14, 22, 13, 20), null],
      [null, null], [micros(2024, 2, 1), null], [null, null],
    ]);
  });

  it("does not create f and warns about it", () => {
    expect(s.tables.t.columns.f).toBeUndefined();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("The following columns in table 't' did not receive any data");
    expect(warnings[0]).toContain("  - f\n");
  });

  it("creates f as text on a later run", () => {
    const later = normalize(s, "t", [{ id: 7, f: "now" }]);
    expect(types(s, "t").at(-1)).toBe("f text");
    expect(later.rows("t")[0].f).toBe("now");
  });
});

describe("S8 / §13.7 — coercion into existing columns", () => {
  it("coerces per the table and varies the rest", () => {
    const s = schemaWith({ name: "t" });
    normalize(s, "t", [{ a: 1, b: "s", c: true, e: "2024-01-01T00:00:00Z" }]);
    const { rows } = normalize(s, "t", [
      { a: "2", b: 5, c: 1, e: "not a date" },
      { a: "abc", b: true, c: "yes", e: 1700000000 },
      { a: 2.5, b: false, c: 0, e: "2024-06-02" },
      { a: true, c: "maybe" },
    ]);
    expect(pick(rows("t"), "a", "b", "c", "e")).toEqual([
      [2, "5", true, null], [null, "True", true, micros(2023, 11, 14, 22, 13, 20)],
      [null, "False", false, micros(2024, 6, 2)], [null, null, null, null],
    ]);
    expect(pick(rows("t"), "a__v_text", "a__v_double", "a__v_bool", "c__v_text", "e__v_text")).toEqual([
      [null, null, null, null, "not a date"], ["abc", null, null, null, null],
      [null, 2.5, null, null, null], [null, null, true, "maybe", null],
    ]);
  });

  it("§13.7: a bare date is text for a new column but midnight UTC in a timestamp column", () => {
    const s = schemaWith({ name: "t", columns: hinted({ ts: { data_type: "timestamp" } }) });
    const { rows } = normalize(s, "t", [{ ts: "2024-06-02", d: "2024-06-02" }]);
    expect(types(s, "t").slice(0, 2)).toEqual(["ts timestamp", "d text"]);
    expect(pick(rows("t"), "ts", "d")).toEqual([[micros(2024, 6, 2), "2024-06-02"]]);
  });

  it("a variant column that cannot take a value raises CannotCoerceColumnException", () => {
    const s = schemaWith({ name: "t" });
    // an ISO string into a bigint column makes `a__v_text`, typed timestamp by detection
    const first = normalize(s, "t", [{ a: 1 }, { a: "2024-01-01T00:00:00Z" }]);
    expect(s.tables.t.columns.a__v_text).toMatchObject({ data_type: "timestamp", variant: true });
    expect(first.rows("t")[1].a__v_text).toBe(micros(2024, 1, 1));
    let err: unknown;
    try {
      normalize(s, "t", [{ a: "abc" }]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CannotCoerceColumnException);
    expect((err as Error).name).toBe("CannotCoerceColumnException");
    expect((err as Error).message).toBe(
      "In schema `test_schema`: Cannot coerce type `text` to `timestamp` for value `abc` in table `t` column `a__v_text`",
    );
  });

  it("dates, bytes and json values from JS objects", () => {
    const s = schemaWith({ name: "t", columns: hinted({ j: { data_type: "json" }, txt: { data_type: "text" } }) });
    const { rows } = normalize(s, "t", [
      { j: { b: 1, a: [1, "x", null] }, txt: new Date(Date.UTC(2024, 0, 1, 0, 0, 0, 5)), when: new Date(86_400_000), bin: new Uint8Array([1, 2]) },
      { j: '{"z": 1, "y": [true]}', txt: new Uint8Array([255]) },
      { j: "not json" },
    ]);
    expect(types(s, "t")).toEqual(["j json", "txt text", "when timestamp", "bin binary", "_dlt_load_id text", "_dlt_id text", "j__v_text text"]);
    expect(pick(rows("t"), "j", "txt", "when", "bin", "j__v_text")).toEqual([
      ['{"b":1,"a":[1,"x",null]}', "2024-01-01T00:00:00.005000+00:00", 86_400_000_000, new Uint8Array([1, 2]), null],
      ['{"z":1,"y":[true]}', "/w==", null, null, null],
      [null, null, null, null, "not json"],
    ]);
  });

  it("json values reach a text column as compact JSON when nesting is exhausted", () => {
    const s = schemaWith({ name: "t", "x-normalizer": { max_nesting: 0 }, columns: hinted({ p: { data_type: "text" } }) });
    const { rows } = normalize(s, "t", [{ p: { a: 1, b: "x" } }]);
    expect(rows("t")[0].p).toBe('{"a":1,"b":"x"}');
  });
});

describe("§4.5 coercion table", () => {
  const ok = (to: Parameters<typeof coerceValue>[0], v: unknown, expected: unknown) =>
    expect(coerceValue(to, valueType(v), v)).toEqual(expected);
  const fails = (to: Parameters<typeof coerceValue>[0], v: unknown) => expect(coerceValue(to, valueType(v), v)).toBe(FAIL);

  it("text accepts everything in dlt's str() form", () => {
    ok("text", 5, "5");
    ok("text", 1.5, "1.5");
    ok("text", 1e-5 + 1e-20, "1.0000000000000011e-05");
    ok("text", 2 ** 64, "1.8446744073709552e+19"); // beyond 2^53 a number is a float, as in dlt
    ok("text", 2n ** 64n, "18446744073709551616");
    ok("text", true, "True");
    ok("text", false, "False");
    ok("text", [1, { a: null }], '[1,{"a":null}]');
    ok("text", new Uint8Array([104, 105]), "aGk=");
  });

  it("bigint: ints from text (trimmed, 0x hex, underscores), integral numbers only", () => {
    ok("bigint", "2", 2);
    ok("bigint", " 42 ", 42);
    ok("bigint", "0x1A", 26);
    ok("bigint", "1_000", 1000);
    ok("bigint", "-7", -7);
    ok("bigint", "1234567890123456789", 1234567890123456789n);
    fails("bigint", "123456789012345678901"); // beyond int64: stays text, never wraps
    fails("bigint", "2.0");
    fails("bigint", "abc");
    fails("bigint", "");
    fails("bigint", 2.5);
    fails("bigint", true);
  });

  it("double: floats from text (Python float syntax), ints", () => {
    ok("double", "3.5", 3.5);
    ok("double", " 1e3 ", 1000);
    ok("double", "0x10", 16);
    ok("double", "inf", Infinity);
    ok("double", 2, 2);
    fails("double", "zz");
    fails("double", "1.2.3");
    fails("double", true);
  });

  it("bool: str2bool and numeric truthiness", () => {
    for (const t of ["yes", "TRUE", "t", "Y", "1"]) ok("bool", t, true);
    for (const f of ["no", "False", "f", "N", "0"]) ok("bool", f, false);
    fails("bool", "maybe");
    fails("bool", " yes");
    ok("bool", 1, true);
    ok("bool", 0, false);
    ok("bool", 2.5, true);
  });

  it("timestamp: ISO text, Unix seconds (number or text), dates; not times", () => {
    ok("timestamp", "2024-01-15T10:00:00Z", micros(2024, 1, 15, 10));
    ok("timestamp", 1700000000, micros(2023, 11, 14, 22, 13, 20));
    ok("timestamp", 1700000000.5, micros(2023, 11, 14, 22, 13, 20) + 500000);
    ok("timestamp", "1700000000", micros(2023, 11, 14, 22, 13, 20));
    ok("timestamp", "2024/01/15 10:30", micros(2024, 1, 15, 10, 30));
    ok("timestamp", "2024-W03-2", micros(2024, 1, 16));
    fails("timestamp", "10:00:00");
    fails("timestamp", "yesterday");
    fails("timestamp", 1e20);
    fails("timestamp", true);
  });

  it("date and time", () => {
    ok("date", "2024-01-15", 19737);
    ok("date", "2024-01-15T23:00:00-02:00", 19738);
    ok("date", 86_400 * 3, 3);
    ok("date", new Date(Date.UTC(1970, 0, 2, 12)), 1);
    ok("time", "10:00:00", "10:00:00");
    ok("time", "10:00:00.25+01:00", "09:00:00.250000");
    fails("time", "2024-01-15T10:00:00");
  });

  it("json, decimal, wei, binary", () => {
    ok("json", '{"a": [1, 2]}', '{"a":[1,2]}');
    fails("json", "{nope");
    ok("decimal", " 1.23 ", "1.23");
    ok("decimal", "1_000.5e2", "1000.5e2");
    ok("decimal", 7, "7");
    ok("decimal", 0.1, "0.1");
    fails("decimal", "1,5");
    ok("wei", "0xff", "255");
    ok("wei", 10n ** 30n, "1000000000000000000000000000000");
    ok("binary", "0xdead", new Uint8Array([0xde, 0xad]));
    ok("binary", "aGk=", new Uint8Array([104, 105]));
    ok("binary", 258, new Uint8Array([2, 1]));
    fails("binary", "abc");
    fails("binary", "0xabc");
    fails("binary", -1);
  });

  it("formats floats as Python repr", () => {
    expect([0.1, 1e16, 1.5e-5, 123.456, -2.5, 1e-4, 1e22, NaN, -Infinity].map(pyFloatStr)).toEqual([
      "0.1", "1e+16", "1.5e-05", "123.456", "-2.5", "0.0001", "1e+22", "nan", "-inf",
    ]);
    expect(compactJson({ d: new Date(Date.UTC(2024, 0, 1)), n: [1.5, 2 ** 60, 3n], u: undefined })).toBe(
      '{"d":"2024-01-01T00:00:00Z","n":[1.5,1152921504606846976,3]}',
    );
  });
});

describe("§4.4 nulls", () => {
  it("NULL in a complete non-nullable column raises CannotCoerceNullException", () => {
    const s = schemaWith({ name: "nn", columns: hinted({ x: { data_type: "bigint", nullable: false } }) });
    s.name = "e20nn";
    let err: unknown;
    try {
      normalize(s, "nn", [{ x: 1 }, { x: null }]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CannotCoerceNullException);
    expect((err as Error).name).toBe("CannotCoerceNullException");
    expect((err as Error).message).toBe("In schema `e20nn`: Cannot coerce NULL in table `nn` column `x` which is not nullable");
  });

  it("NULL in a primary key that already has a type raises; the first NULL of an untyped key does not", () => {
    const s = schemaWith({ name: "t", columns: hinted({ id: { primary_key: true, nullable: false } }) });
    expect(() => normalize(s, "t", [{ id: 1 }, { id: null }])).toThrow(CannotCoerceNullException);
  });

  it("NULL into a dlt column (not_null default hint) raises even before the column exists", () => {
    const s = schemaWith({ name: "t" });
    expect(() => normalize(s, "t", [{ a: 1, _dlt_parent_id: null }])).toThrow(CannotCoerceNullException);
  });

  it("a hinted non-nullable column that never gets data fails the normalize (UnboundColumnException)", () => {
    const s = schemaWith({ name: "t", columns: hinted({ id: { primary_key: true, nullable: false } }) });
    expect(() => normalize(s, "t", [{ v: 1 }])).toThrow(UnboundColumnException);
  });

  it("a hinted nullable column without data only warns", () => {
    const s = schemaWith({ name: "t", columns: hinted({ c3: { precision: 32 } }) });
    const { warnings } = normalize(s, "t", [{ v: 1 }]);
    expect(warnings).toEqual([
      "In schema `test_schema`: The following columns in table `t` did not receive any data during this load:\n" +
        "  - c3\n\nThis can happen if you specify columns manually, for example, using the `merge_key`, " +
        "`primary_key` or `columns` argument but they do not exist in the data.\n",
    ]);
  });
});

describe("hinted columns", () => {
  it("complete hints keep their place first; incomplete ones take the position of their first data", () => {
    // dlt tests/pipeline/test_pipeline.py::test_preserve_fields_order_incomplete_columns
    const a = schemaWith({ name: "items", columns: hinted({ c3: { precision: 32 }, c2: { primary_key: true, nullable: false } }) });
    normalize(a, "items", [{ c1: 1, c2: 1, c3: 1 }]);
    expect(types(a, "items")).toEqual(["c1 bigint", "c2 bigint", "c3 bigint", "_dlt_load_id text", "_dlt_id text"]);
    expect(a.tables.items.columns.c2).toEqual({ name: "c2", data_type: "bigint", nullable: false, primary_key: true });
    expect(a.tables.items.columns.c3.precision).toBe(32);

    const b = schemaWith({
      name: "items2",
      columns: hinted({ c3: { precision: 32, data_type: "decimal" }, c1: { primary_key: true, nullable: false } }),
    });
    const { rows } = normalize(b, "items2", [{ c1: 1, c2: 1, c3: 1 }]);
    expect(types(b, "items2")).toEqual(["c3 decimal", "c1 bigint", "c2 bigint", "_dlt_load_id text", "_dlt_id text"]);
    expect(rows("items2")[0].c3).toBe("1");
  });

  it("a hinted timezone stays on the column; preferred types apply to new columns", () => {
    const s = schemaWith({ name: "t", columns: hinted({ ts: { timezone: false } }) });
    s.settings.preferred_types = { "re:_at$": "timestamp", amount: "decimal" };
    const { rows } = normalize(s, "t", [{ ts: "2024-01-01T01:00:00+01:00", created_at: 0, amount: 1.5 }]);
    expect(s.tables.t.columns.ts).toEqual({ name: "ts", data_type: "timestamp", nullable: true, timezone: false });
    expect(types(s, "t").slice(0, 3)).toEqual(["ts timestamp", "created_at timestamp", "amount decimal"]);
    expect(pick(rows("t"), "ts", "created_at", "amount")).toEqual([[micros(2024, 1, 1), 0, "1.5"]]);
  });
});
