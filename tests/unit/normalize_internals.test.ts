// Building blocks of the normalizer checked against independent references: the hand-written
// ISO parser against known instants, the fast shake_128 against @noble/hashes (via digest128).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { digest128Short } from "../../src/dlt/normalize/fast_digest.ts";
import { ItemsNormalizer } from "../../src/dlt/normalize/index.ts";
import { nestedRowId, randomRowId } from "../../src/dlt/normalize/row_ids.ts";
import { RowShape } from "../../src/dlt/normalize/row_shape.ts";
import { Schema } from "../../src/dlt/schema/schema.ts";
import {
  civilFromDays,
  daysFromCivil,
  formatIsoMicros,
  parseIsoLike,
  pyFloat,
} from "../../src/dlt/normalize/temporal.ts";
import { digest128 } from "../../src/dlt/utils/digest.ts";

describe("fast shake_128 row ids", () => {
  it("matches dlt's verified nested ids", () => {
    expect(nestedRowId("hVIfoBu1SR0iIw", "users__pets", 0)).toBe("5BasYlzMUxYdOg");
    expect(nestedRowId("hVIfoBu1SR0iIw", "users__pets", 1)).toBe("J+bgg0i7pQ/kUg");
    expect(nestedRowId("z5jIxXIbUnmbKw", "ups__kids", 0)).toBe("MLWFOonzK0aNQQ");
  });

  it("equals digest128 for any string, at the block boundary and beyond", () => {
    for (const n of [0, 1, 135, 136, 166, 167, 168, 169, 400]) {
      const s = "x".repeat(n);
      expect(digest128Short(s)).toBe(digest128(s));
    }
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => digest128Short(s) === digest128(s)), { numRuns: 500 });
    fc.assert(fc.property(fc.string({ unit: "grapheme", maxLength: 40 }), (s) => digest128Short(s) === digest128(s)));
  });

  it("random root ids are 14 base64 chars from 10 random bytes", () => {
    const ids = Array.from({ length: 10_000 }, randomRowId);
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9+/]{13}[AQgw]$/);
      expect(atob(id + "==")).toHaveLength(10);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("ISO-like parsing", () => {
  const utc = (...p: number[]) => Date.UTC(p[0], p[1] - 1, ...p.slice(2)) * 1000;

  it.each([
    ["2024-01-15T10:00:00Z", { kind: "datetime", micros: utc(2024, 1, 15, 10) }],
    ["2024-01-15T10:00:00.5+05:30", { kind: "datetime", micros: utc(2024, 1, 15, 4, 30) + 500_000 }],
    ["2024-01-15T10:00:00-0200", { kind: "datetime", micros: utc(2024, 1, 15, 12) }],
    ["2024-01-15T10:00:00+02", { kind: "datetime", micros: utc(2024, 1, 15, 8) }],
    ["2024-01-15T10", { kind: "datetime", micros: utc(2024, 1, 15, 10) }],
    ["2024-015T10:00", { kind: "datetime", micros: utc(2024, 1, 15, 10) }],
    ["2024-W03-1T10:00:00", { kind: "datetime", micros: utc(2024, 1, 15, 10) }],
    ["2024/01/15 10:00:00.25", { kind: "datetime", micros: utc(2024, 1, 15, 10) + 250_000 }],
    ["1999-12-31", { kind: "date", days: daysFromCivil(1999, 12, 31) }],
    ["2024-060", { kind: "date", days: daysFromCivil(2024, 2, 29) }],
    ["2020-W53", { kind: "date", days: daysFromCivil(2020, 12, 28) }],
    ["10:30", { kind: "time", micros: (10 * 3600 + 30 * 60) * 1e6 }],
    ["202401", { kind: "time", micros: (20 * 3600 + 24 * 60 + 1) * 1e6 }],
  ])("%s", (text, expected) => {
    expect(parseIsoLike(text)).toEqual(expected);
  });

  it.each(["", "abc", "2024-13-01", "2024-02-30", "2021-W53", "2024-01-15T10:00:00+25:00", "2024-01-15X10:00",
    "2024-01-15T10:00:60", "2024-01-15T10:00:00.1234567890Z", "15.01.2024", "2024-1-5T10:00"])(
    "%s is not a date/time",
    (text) => expect(parseIsoLike(text)).toBeNull(),
  );

  // Microseconds since the epoch stay exact as JS numbers until ~2255 (2^53 µs); beyond that the
  // loader representation (TNormalizedValue: number) is itself approximate.
  it("agrees with Date for ISO instants (years 1..2255)", () => {
    fc.assert(
      fc.property(fc.date({ min: new Date("0001-01-01T00:00:00Z"), max: new Date("2255-12-31T23:59:59Z"), noInvalidDate: true }), (d) => {
        const iso = d.toISOString();
        const parsed = parseIsoLike(iso);
        return parsed?.kind === "datetime" && parsed.micros === d.getTime() * 1000 &&
          formatIsoMicros(parsed.micros) === iso.slice(0, 19) + (d.getUTCMilliseconds() ? `.${iso.slice(20, 23)}000` : "");
      }),
    );
  });

  it("civil ↔ days round-trips", () => {
    fc.assert(fc.property(fc.integer({ min: -719_162, max: 2_932_896 }), (days) => {
      const [y, m, d] = civilFromDays(days);
      return daysFromCivil(y, m, d) === days;
    }));
  });

  it("reads numbers as Python's float() does", () => {
    expect(["1", " 2.5 ", "1e3", "-.5", "1_000.0", "inf", "-Infinity", "nan"].map(pyFloat)).toEqual([
      1, 2.5, 1000, -0.5, 1000, Infinity, -Infinity, NaN,
    ]);
    expect(["", "1__0", "0x10", "1e", ".", "abc", "1,5"].map(pyFloat)).toEqual([null, null, null, null, null, null, null]);
  });
});

describe("rows of one shape", () => {
  // Plain rows of a table's usual shape are built by a generated literal; any other row takes the
  // general path. Whatever the mix, each row keeps its own keys, in its own order, dlt columns last.
  const KEYS = ["a", "b", "c", "d"] as const;
  const value: Record<string, fc.Arbitrary<unknown>> = { a: fc.string(), b: fc.boolean(), c: fc.string(), d: fc.constantFrom("x", "y") };
  const dict = fc
    .shuffledSubarray([...KEYS], { minLength: 1 })
    .chain((keys) =>
      fc.tuple(...keys.map((k) => fc.option(value[k], { nil: undefined, freq: 6 }))).map((vals) =>
        Object.fromEntries(keys.map((k, i) => [k, vals[i] === undefined && i % 2 ? null : vals[i]])),
      ),
    );

  it("keeps every row's keys, order and values", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof({ weight: 1, arbitrary: dict }, { weight: 3, arbitrary: fc.constant({ a: "s", b: true, c: "t", d: "x" }) }), { maxLength: 60 }), (items) => {
        const n = new ItemsNormalizer(new Schema("s"), { loadId: "L1" });
        n.add("t", items);
        const rows = n.tables().get("t") ?? [];
        expect(rows).toHaveLength(items.length);
        rows.forEach((row, i) => {
          const kept = Object.entries(items[i]).filter(([, v]) => v !== null && v !== undefined);
          expect(Object.keys(row)).toEqual([...kept.map(([k]) => k), "_dlt_load_id", "_dlt_id"]);
          for (const [k, v] of kept) expect(row[k]).toBe(v);
          expect(row._dlt_load_id).toBe("L1");
          expect(row._dlt_id).toMatch(/^[A-Za-z0-9+/]{14}$/);
        });
      }),
      { numRuns: 300 },
    );
  });

  it("a dlt column or a nested value in a row of the usual shape takes the general path", () => {
    const n = new ItemsNormalizer(new Schema("s"), { loadId: "L1" });
    n.add("t", [{ a: "1", b: true }, { a: "2", b: false }, { a: "3", b: { x: 1 } }, { a: "4", _dlt_id: "mine" }, { a: "5", b: true }]);
    const rows = n.tables().get("t")!;
    expect(rows[2]).toMatchObject({ a: "3", b__x: 1 });
    expect(rows[3]._dlt_id).toBe("mine");
    expect(Object.keys(rows[4])).toEqual(["a", "b", "_dlt_load_id", "_dlt_id"]);
  });

  it("gives the same rows and schema as the general path, whatever the values", () => {
    const anyValue = fc.oneof(
      fc.string({ maxLength: 3 }), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null),
      fc.constantFrom("2024-03-01T10:00:00Z", "2024-03-01", "12", "1.5", "true"), fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }),
      fc.date({ noInvalidDate: true }), fc.uint8Array({ maxLength: 4 }),
    );
    const row = fc.record({ a: anyValue, b: anyValue, c: anyValue }, { requiredKeys: ["a", "b", "c"] });
    const usual = fc.record({ a: fc.constant("2024-03-01T10:00:00Z"), b: fc.integer(), c: fc.string({ maxLength: 2 }) });
    const normalizeAll = (items: unknown[], shapes: boolean) => {
      RowShape.enabled = shapes;
      try {
        const schema = new Schema("s");
        const n = new ItemsNormalizer(schema, { loadId: "L1" });
        try {
          for (let i = 0; i < items.length; i += 7) n.add("t", items.slice(i, i + 7));
        } catch (e) {
          return { error: String(e) };
        }
        const rows = (n.tables().get("t") ?? []).map(({ _dlt_id, ...rest }) => rest);
        return { rows, columns: schema.tables.t?.columns };
      } finally {
        RowShape.enabled = true;
      }
    };
    fc.assert(
      fc.property(fc.array(fc.oneof({ weight: 3, arbitrary: usual }, { weight: 1, arbitrary: row }), { maxLength: 40 }), (items) => {
        expect(normalizeAll(items, true)).toEqual(normalizeAll(items, false));
      }),
      { numRuns: 400 },
    );
  });
});
