// Plain root rows of a table's usual shape — flat, every key its own column name — are built by
// generated object literals: V8 allocates each row once, in its final size, instead of growing
// a fresh object key by key (the largest cost of a flat load). Once the table's columns are all
// typed, a second literal also coerces, so such a row skips the general flatten and coercion.
// Any row that doesn't fit takes the general path, which stays the single source of truth: the
// generated code only accepts values the general path would keep, or coerce the same way.
import { C_DLT_ID, C_DLT_LOAD_ID } from "../schema/schema.ts";
import type { TColumn, TNormalizedValue } from "../schema/types.ts";
import { FAIL, coerceValue, valueType } from "./coerce.ts";
import { isoToTimestampMicros } from "./temporal.ts";

type RawRow = Record<string, unknown>;
type Make = (dict: RawRow, loadId: string) => RawRow;
/** null: a value needs the general path (a NULL, a variant, a new column's inference, ...) */
type MakeTyped = (dict: RawRow, loadId: string) => Record<string, TNormalizedValue> | null;

export class RowShape {
  /** off: every row takes the general path (tests compare both) */
  static enabled = true;
  private hits = 0;
  private misses = 0;
  private typed: MakeTyped | null = null;
  /** the columns object, and its change count, the typed maker was made for */
  private typedColumns: Record<string, TColumn> | null = null;
  private typedFor = -1;

  private constructor(
    readonly keys: string[],
    /** the row as flatten would give it, uncoerced, with `_dlt_load_id` and an empty `_dlt_id` */
    readonly make: Make,
  ) {}

  /**
   * The shape of `dict`, flattened into `row`, when it is plain: every key its own column name,
   * no dlt column given, values flat. Null when not, or when code can't be generated here (a
   * CSP without eval): the table's rows then take the general path.
   */
  static of(names: Map<string, string>, dict: RawRow, row: RawRow): RowShape | null {
    if (!RowShape.enabled) return null;
    const keys: string[] = [];
    for (const k in dict) {
      const v = dict[k];
      if (names.get(k) !== k || v === undefined || !isFlatValue(v) || k === "__proto__" || k === C_DLT_ID || k === C_DLT_LOAD_ID) return null;
      keys.push(k);
    }
    // the flattened row must be exactly these keys plus the load id, in this order
    let i = 0;
    for (const k in row) if (k !== (i < keys.length ? keys[i++] : C_DLT_LOAD_ID)) return null;
    const make = compile<Make>(["d", "loadId"], `return ${literal(keys, (k) => `d[${JSON.stringify(k)}]`)};`);
    return make && new RowShape(keys, make);
  }

  /** `dict` has exactly this shape's keys, in order, with flat values. */
  fits(dict: RawRow): boolean {
    const keys = this.keys;
    let i = 0;
    for (const k in dict) {
      if (k !== keys[i++]) return false;
      const v = dict[k];
      if (v === undefined || !isFlatValue(v)) return false;
    }
    if (i !== keys.length) return false;
    this.hits++;
    return true;
  }

  /** false once most rows miss the shape: rows of varying shapes don't pay for the check for long. */
  missed(): boolean {
    return ++this.misses < 1000 || this.misses <= this.hits;
  }

  /**
   * The maker that also coerces, for the table's `columns` as they are after `columnChanges`; null
   * while a key has no typed column (its first values still decide the type).
   */
  typedMaker(columns: Record<string, TColumn>, columnChanges: number): MakeTyped | null {
    if (this.typedFor === columnChanges && this.typedColumns === columns) return this.typed;
    this.typedFor = columnChanges;
    this.typedColumns = columns;
    this.typed = null;
    const checks: string[] = [];
    for (let i = 0; i < this.keys.length; i++) {
      const col = Object.hasOwn(columns, this.keys[i]) ? columns[this.keys[i]] : undefined;
      const type = col?.data_type;
      if (type === undefined) return null;
      const v = `v${i}`;
      const read = `const ${v} = d[${JSON.stringify(this.keys[i])}];`;
      switch (type) {
        case "text":
          checks.push(`${read} if (typeof ${v} !== "string") return null;`);
          break;
        case "double":
          checks.push(`${read} if (typeof ${v} !== "number") return null;`);
          break;
        case "bool":
          checks.push(`${read} if (typeof ${v} !== "boolean") return null;`);
          break;
        case "bigint":
          // BigInts, and numbers that may turn a provisional column into double, go the long way
          checks.push(`${read} if (typeof ${v} !== "number" || !Number.isSafeInteger(${v})) return null;`);
          break;
        case "timestamp":
          // the common ISO text directly; anything else (a Date, a number, other text) the long way
          checks.push(`${read} if (typeof ${v} !== "string") return null; const t${i} = iso(${v}); if (t${i} !== t${i}) return null;`);
          break;
        default:
          checks.push(
            `let ${v} = d[${JSON.stringify(this.keys[i])}]; if (${v} === null) return null; ` +
              `${v} = coerce(${JSON.stringify(type)}, valueType(${v}), ${v}); if (${v} === FAIL) return null;`,
          );
      }
    }
    const value = (k: string, i: number) => (columns[k].data_type === "timestamp" ? `t${i}` : `v${i}`);
    const body = `return function (d, loadId) { ${checks.join("\n")} return ${literal(this.keys, value)}; };`;
    const factory = compile<(...helpers: unknown[]) => MakeTyped>(["coerce", "valueType", "FAIL", "iso"], body);
    this.typed = factory && factory(coerceValue, valueType, FAIL, isoToTimestampMicros);
    return this.typed;
  }
}

/** A scalar value a flat row takes as it is (dicts and lists go to columns and tables of their own). */
function isFlatValue(v: unknown): boolean {
  return typeof v !== "object" || v === null || v instanceof Date || v instanceof Uint8Array;
}

function literal(keys: string[], value: (key: string, i: number) => string): string {
  const fields = keys.map((k, i) => `${JSON.stringify(k)}: ${value(k, i)}`);
  fields.push(`${JSON.stringify(C_DLT_LOAD_ID)}: loadId`, `${JSON.stringify(C_DLT_ID)}: ""`);
  return `{${fields.join(", ")}}`;
}

function compile<F>(params: string[], body: string): F | null {
  try {
    return new Function(...params, body) as F;
  } catch {
    return null;
  }
}
