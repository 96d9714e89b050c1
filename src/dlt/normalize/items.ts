// The relational normalizer (reference §3.2–§3.6, §4): items of a root table → flat rows of the
// root and nested tables, typed against the schema, with variants and contracts applied.
// Follows the per-row sequence of dlt's JSON items normalizer: flatten → filter by earlier
// contract decisions → coerce (collecting new columns) → contract → schema update → write,
// parent row before its lists, so table/column order and ids come out as dlt's.
import { normalizePath, normalizeTableIdentifier } from "../naming/snake_case.ts";
import {
  C_DLT_ID,
  C_DLT_LIST_IDX,
  C_DLT_LOAD_ID,
  C_DLT_PARENT_ID,
  C_DLT_ROOT_ID,
  type Schema,
} from "../schema/schema.ts";
import type {
  TColumn,
  TDataType,
  TNormalizedValue,
  TSchemaContract,
  TSchemaContractMode,
  TTableSchema,
} from "../schema/types.ts";
import { FAIL, autodetectType, coerceValue, valueType } from "./coerce.ts";
import { type ContractDict, applyContract, isDltName, isEvolveAll, resolveContract } from "./contracts.ts";
import {
  ValueDoesNotFitException,
  CannotCoerceColumnException,
  CannotCoerceNullException,
  UnboundColumnException,
  UnboundColumnWithoutTypeException,
} from "./errors.ts";
import { keyHashRowId, nestedRowId, randomRowId, rowHashRowId } from "./row_ids.ts";
import { RowShape } from "./row_shape.ts";
import { SchemaHints } from "./schema_hints.ts";

export type NormalizedRow = Record<string, TNormalizedValue>;
type RawRow = Record<string, unknown>;
type RowIdKind = "random" | "key_hash" | "row_hash";

export interface ItemsNormalizerOptions {
  /** the load package id written to `_dlt_load_id` of root rows */
  loadId: string;
  /** run(schema_contract=...): replaces the contract of every data table for this normalize */
  contract?: TSchemaContract;
  /** max_table_nesting when the root table has no `"x-normalizer".max_nesting` (dlt: 1000) */
  maxNesting?: number;
}

/** Settings of the root table whose items are being normalized (one `add` call). */
interface RootContext {
  table: string;
  maxNesting: number;
  rowIdKind: RowIdKind;
  primaryKey: string[];
  /** column of root rows handed down to all nested rows as `_dlt_root_id`, or null */
  rootKeySource: string | null;
}

/** Per-table caches of this normalizer: normalized names and the contract. */
interface TableInfo {
  /** raw key → column name, for keys at the top level of the table's rows */
  keyNames: Map<string, string>;
  /** flattened prefix → raw key → column name, for keys of nested dicts */
  nestedNames: Map<string, Map<string, string>>;
  /** column path of a list → nested table name */
  childTables: Map<string, string>;
  contract: ContractDict | null;
  /** the shape of the table's plain root rows once one was seen; false: none, or rows keep missing it */
  shape: RowShape | null | false;
  /** counts changes to the table's columns, which invalidate its typed row shape */
  columnChanges: number;
}

const DEFAULT_MAX_NESTING = 1000;
const KEY_BASED_STRATEGIES = ["delete-insert", "upsert", "insert-only"];
const NO_COLUMNS: Record<string, TColumn> = Object.freeze({}) as Record<string, TColumn>;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function isDict(v: unknown): v is RawRow {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array);
}

// Lookups by data-derived names must not see Object.prototype members (a key `constructor`
// would otherwise find a function): schema entries are always objects.
function tableOf(schema: Schema, name: string): TTableSchema | undefined {
  const t = schema.tables[name];
  return typeof t === "object" ? t : undefined;
}

function columnOf(columns: Record<string, TColumn>, name: string): TColumn | undefined {
  const c = columns[name];
  return typeof c === "object" ? c : undefined;
}

/** dlt replaces empty and blank keys by `_empty`; all other keys are normalized as paths. */
function normalizeKey(key: string): string {
  return key.trim() === "" ? "_empty" : normalizePath(key);
}

/**
 * Normalizes items into typed rows, evolving `schema` as dlt does.
 *
 * The schema is mutated in place (new tables, columns, variants, `"x-normalizer"` marks), also
 * when an error is thrown half-way: callers pass a clone and discard it on failure.
 */
export class ItemsNormalizer {
  private readonly schema: Schema;
  private readonly loadId: string;
  private readonly contractOverride: TSchemaContract | undefined;
  private readonly defaultMaxNesting: number;
  private readonly hints: SchemaHints;

  private readonly infos = new Map<string, TableInfo>();
  private readonly out = new Map<string, NormalizedRow[]>();
  /** rows handed out by takeRows, per table */
  private readonly taken = new Map<string, number>();
  private readonly nullOnly = new Map<string, Set<string>>();
  private readonly filteredTables = new Set<string>();
  private readonly filteredColumns = new Map<string, Map<string, TSchemaContractMode>>();
  private readonly variantNames = new Map<string, Map<TDataType, string>>();
  private warningList: string[] = [];
  /**
   * Columns this normalize created as `bigint` from JS numbers alone, per table. JS has one
   * number type, so `1` may be the `1.0` of a float column: the first non-integral (or beyond
   * ±2^53) number in the package turns such a column into `double` instead of a variant.
   */
  private readonly provisional = new Map<string, Set<string>>();
  private dirty = false;
  private ctx!: RootContext;

  // Results of the last flatten / slow coercion, handed back through fields to avoid a tuple
  // allocation per row.
  private lists: [string, unknown[]][] | null = null;
  private newColumns: Record<string, TColumn> | null = null;
  private slotName = "";
  private slotColumn: TColumn | null = null;
  private slotValue: TNormalizedValue = null;

  constructor(schema: Schema, options: ItemsNormalizerOptions) {
    this.schema = schema;
    this.loadId = options.loadId;
    this.contractOverride = options.contract;
    this.defaultMaxNesting = options.maxNesting ?? DEFAULT_MAX_NESTING;
    this.hints = new SchemaHints(schema.settings);
  }

  /**
   * Normalizes `items` of the root table `rootTable` (its hints — columns, keys, write
   * disposition, merge strategy, `"x-normalizer"`, `schema_contract` — already in the schema).
   * Non-dict items become `{value: item}`.
   */
  add(rootTable: string, items: Iterable<unknown>): void {
    this.dirty = true;
    this.ctx = this.rootContext(normalizeTableIdentifier(rootTable));
    const table = this.ctx.table;
    const maxNesting = this.ctx.maxNesting;
    for (const item of items) {
      this.normalizeRow(isDict(item) ? item : { value: item }, null, table, "", "", 0, maxNesting, true, true);
    }
  }

  /**
   * dlt's handling of a root table that received no items but must exist (replace with no
   * data): when the table has not seen data yet, its dlt columns are added. Writes no rows.
   */
  addEmpty(rootTable: string): void {
    const table = normalizeTableIdentifier(rootTable);
    const t = tableOf(this.schema, table);
    if (!t || t["x-normalizer"]?.["seen-data"]) return;
    this.dirty = true;
    this.ctx = this.rootContext(table);
    this.normalizeRow({}, null, table, "", "", 0, this.ctx.maxNesting, true, false);
  }

  /** Rows per table (column name → loader value; NULLs omitted), tables in first-written order. */
  tables(): Map<string, NormalizedRow[]> {
    this.finish();
    return this.out;
  }

  rowCounts(): Record<string, number> {
    this.finish();
    const counts: Record<string, number> = {};
    for (const [table, rows] of this.out) counts[table] = rows.length + (this.taken.get(table) ?? 0);
    return counts;
  }

  /**
   * The rows written since the last call, per table, handed over: the normalizer keeps only their
   * count. Lets a large package be normalized page by page; `finish` still covers every row.
   */
  takeRows(): Map<string, NormalizedRow[]> {
    const rows = new Map<string, NormalizedRow[]>();
    for (const [table, list] of this.out) {
      if (list.length === 0) continue;
      rows.set(table, list);
      this.taken.set(table, (this.taken.get(table) ?? 0) + list.length);
      this.out.set(table, []);
    }
    return rows;
  }

  /** dlt's end-of-normalize warnings (null-only columns, hinted columns without data). */
  warnings(): string[] {
    this.finish();
    return [...this.warningList];
  }

  /**
   * Completes the normalize: verifies tables that received rows (a hinted non-nullable column
   * that never got data raises UnboundColumnException) and marks them `"seen-data"`. Called by
   * the accessors; safe to call repeatedly.
   */
  finish(): void {
    if (!this.dirty) return;
    this.dirty = false;
    const warnings: string[] = [];
    for (const table of this.out.keys()) {
      const t = tableOf(this.schema, table);
      if (!t) continue;
      const nullOnly = [...(this.nullOnly.get(table) ?? [])]
        .sort()
        .filter((c) => columnOf(t.columns, c)?.data_type === undefined);
      const unbound: TColumn[] = [];
      for (const col of Object.values(t.columns)) {
        if (col.data_type !== undefined) continue;
        if (col.nullable === false) throw new UnboundColumnException(this.schema.name, table, [col]);
        if (!nullOnly.includes(col.name)) unbound.push(col);
      }
      if (nullOnly.length) warnings.push(new UnboundColumnWithoutTypeException(this.schema.name, table, nullOnly).message);
      if (unbound.length) warnings.push(new UnboundColumnException(this.schema.name, table, unbound).message);
      const x = { ...(t["x-normalizer"] ?? {}) };
      delete x["evolve-columns-once"];
      x["seen-data"] = true;
      t["x-normalizer"] = x;
    }
    this.warningList = warnings;
  }

  // ---------------------------------------------------------------- relational structure

  private rootContext(table: string): RootContext {
    const t = tableOf(this.schema, table);
    let rowIdKind: RowIdKind = "random";
    const strategy = t?.write_disposition === "merge" ? (t["x-merge-strategy"] ?? "delete-insert") : undefined;
    if (strategy === "upsert" || strategy === "insert-only") rowIdKind = "key_hash";
    else if (strategy === "scd2") {
      // dlt hashes the row only when `_dlt_id` is the row-version column; with none, ids stay random.
      const versionColumn = t && Object.values(t.columns).find((c) => c["x-row-version"])?.name;
      if (versionColumn === C_DLT_ID) rowIdKind = "row_hash";
    }
    const primaryKey = t ? Object.values(t.columns).filter((c) => c.primary_key).map((c) => c.name) : [];
    let rootKeySource: string | null = null;
    if (t && this.requiresRootKey(t, strategy)) {
      rootKeySource = Object.values(t.columns).find((c) => c.row_key)?.name ?? C_DLT_ID;
    }
    return {
      table,
      maxNesting: t?.["x-normalizer"]?.max_nesting ?? this.defaultMaxNesting,
      rowIdKind,
      primaryKey,
      rootKeySource,
    };
  }

  /** §3.6: key-based merge strategies and `root_key=True` propagate, or an existing root key column. */
  private requiresRootKey(root: TTableSchema, strategy: string | undefined): boolean {
    const propagation = root["x-normalizer"]?.root_key as boolean | undefined | null;
    const mergeRequires = isDltName(root.name)
      ? false
      : propagation === undefined || propagation === null
        ? strategy !== undefined && KEY_BASED_STRATEGIES.includes(strategy)
        : propagation;
    if (mergeRequires) return true;
    return this.schema
      .tableChain(root.name)
      .slice(1)
      .some((t) => Object.values(t.columns).some((c) => c.root_key));
  }

  private info(table: string): TableInfo {
    let info = this.infos.get(table);
    if (info === undefined) {
      info = { keyNames: new Map(), nestedNames: new Map(), childTables: new Map(), contract: null, shape: null, columnChanges: 0 };
      this.infos.set(table, info);
    }
    return info;
  }

  /** Tables defined in the schema without a parent are roots; everything else is nested. */
  private isNestedTable(table: string): boolean {
    const t = tableOf(this.schema, table);
    return t ? !!t.parent : true;
  }

  /** A dict/list stays a json value when nesting is exhausted or the column is typed json. */
  private keepsJson(table: string, column: string, level: number): boolean {
    if (level <= 0) return true;
    const t = tableOf(this.schema, table);
    const col = t && columnOf(t.columns, column);
    const type = col?.data_type ?? this.hints.preferredType(column);
    return type === "json";
  }

  private normalizeRow(
    dict: RawRow, extend: RawRow | null, table: string, parentTable: string, parentRowId: string,
    pos: number, level: number, isRoot: boolean, write: boolean,
  ): void {
    const info = this.info(table);
    if (!isRoot && !this.isNestedTable(table)) isRoot = true;
    const shape = info.shape;
    let row: RawRow | null = null;
    let lists: [string, unknown[]][] | null = null;
    let coerced = false;
    if (extend === null && isRoot && shape && shape.fits(dict)) {
      if (table === this.ctx.table && this.ctx.rowIdKind === "random") {
        // key and row hashes read the uncoerced row, so only random ids take coerced rows
        const cols = tableOf(this.schema, table)?.columns;
        row = (cols && shape.typedMaker(cols, info.columnChanges)?.(dict, this.loadId)) ?? null;
        coerced = row !== null;
      }
      row ??= shape.make(dict, this.loadId);
    } else {
      if (shape && !shape.missed()) info.shape = false;
      row = this.flatten(info, table, dict, level);
      lists = this.lists;
      this.lists = null;
      if (extend !== null) for (const k in extend) row[k] = extend[k];
      if (isRoot) {
        row[C_DLT_LOAD_ID] = this.loadId;
        if (shape === null) info.shape = (lists === null && extend === null && RowShape.of(info.keyNames, dict, row)) || false;
      }
    }
    let rowId = row[C_DLT_ID] as string;
    if (!rowId) rowId = this.addRowId(table, dict, row, parentRowId, pos, isRoot);
    // Nested rows get the root key, read before coercion; a row without nested lists needs none.
    const source = this.ctx.rootKeySource;
    if (lists !== null && source !== null && isRoot && table === this.ctx.table && Object.hasOwn(row, source)) {
      extend = { ...extend, [C_DLT_ROOT_ID]: row[source] };
    }
    if (!this.processRow(info, table, parentTable, row, write, coerced)) return;
    if (lists === null) return;
    for (const [column, seq] of lists) {
      let child = info.childTables.get(column);
      if (child === undefined) {
        child = `${table}__${column}`;
        info.childTables.set(column, child);
      }
      this.normalizeList(seq, extend, child, table, rowId, level - 1, write);
    }
  }

  private normalizeList(
    seq: unknown[], extend: RawRow | null, table: string, parentTable: string, parentRowId: string,
    level: number, write: boolean,
  ): void {
    const isRoot = !this.isNestedTable(table);
    for (let idx = 0; idx < seq.length; idx++) {
      const v = seq[idx];
      if (isDict(v)) {
        this.normalizeRow(v, extend, table, parentTable, parentRowId, idx, level, false, write);
      } else if (Array.isArray(v)) {
        // a list in a list gets an intermediate row in `table`, its items go to `table__list`
        this.normalizeRow({ list: v }, extend, table, parentTable, parentRowId, idx, level - 1, false, write);
      } else {
        const row: RawRow = { value: v === undefined ? null : v };
        if (extend !== null) for (const k in extend) row[k] = extend[k];
        this.addRowId(table, row, row, parentRowId, idx, isRoot);
        this.processRow(this.info(table), table, parentTable, row, write);
      }
    }
  }

  /**
   * One dict → one flat row. Scalars of a level come before the columns of its nested dicts,
   * and nested dicts are expanded last-in-first-out, as dlt's explicit stack does. Lists
   * (unless kept as json) are left in `this.lists` for nested tables.
   */
  private flatten(info: TableInfo, table: string, dict: RawRow, level: number): RawRow {
    const row: RawRow = {};
    let lists: [string, unknown[]][] | null = null;
    let stack: unknown[] | null = null;
    let current = dict;
    let currentLevel = level;
    let prefix = "";
    let names = info.keyNames;
    for (;;) {
      for (const k in current) {
        const v = current[k];
        if (v === undefined) continue;
        let name = names.get(k);
        if (name === undefined) {
          const norm = normalizeKey(k);
          name = prefix === "" ? norm : norm === "" ? prefix : `${prefix}__${norm}`;
          names.set(k, name);
        }
        if (typeof v === "object" && v !== null) {
          if (Array.isArray(v)) {
            if (!this.keepsJson(table, name, currentLevel)) {
              lists ??= [];
              const dup = lists.findIndex((l) => l[0] === name);
              if (dup >= 0) lists[dup][1] = v;
              else lists.push([name, v]);
              continue;
            }
          } else if (!(v instanceof Date) && !(v instanceof Uint8Array)) {
            if (!this.keepsJson(table, name, currentLevel)) {
              (stack ??= []).push(v, currentLevel - 1, name);
              continue;
            }
          }
        }
        row[name] = v;
      }
      if (stack === null || stack.length === 0) break;
      prefix = stack.pop() as string;
      currentLevel = stack.pop() as number;
      current = stack.pop() as RawRow;
      let nested = info.nestedNames.get(prefix);
      if (nested === undefined) {
        nested = new Map();
        info.nestedNames.set(prefix, nested);
      }
      names = nested;
    }
    this.lists = lists;
    return row;
  }

  private addRowId(table: string, dict: RawRow, row: RawRow, parentRowId: string, pos: number, isRoot: boolean): string {
    let id: string;
    if (!isRoot) {
      id = nestedRowId(parentRowId, table, pos);
      row[C_DLT_PARENT_ID] = parentRowId;
      row[C_DLT_LIST_IDX] = pos;
    } else {
      const kind = table === this.ctx.table ? this.ctx.rowIdKind : this.rootContext(table).rowIdKind;
      if (kind === "key_hash") {
        const pk = table === this.ctx.table ? this.ctx.primaryKey : this.rootContext(table).primaryKey;
        id = keyHashRowId(row, pk);
      } else if (kind === "row_hash") id = rowHashRowId(dict);
      else id = randomRowId();
    }
    row[C_DLT_ID] = id;
    return id;
  }

  // ---------------------------------------------------------------- typing and contracts

  /** Contract filters, coercion (unless `coerced`), schema update and write of one row; false stops descent. */
  private processRow(info: TableInfo, table: string, parentTable: string, row: RawRow, write: boolean, coerced = false): boolean {
    if (this.filteredTables.size !== 0 && this.filteredTables.has(table)) return false;
    let filtered = this.filteredColumns.size !== 0 ? this.filteredColumns.get(table) : undefined;
    if (filtered !== undefined && !filterColumns(filtered, row)) return false;

    const out = coerced ? (row as NormalizedRow) : this.coerceRow(table, row);
    const newColumns = this.newColumns;
    if (newColumns !== null) {
      this.newColumns = null;
      info.contract ??= resolveContract(
        this.schema,
        tableOf(this.schema, table) ? table : parentTable || table,
        this.contractOverride,
      );
      if (!isEvolveAll(info.contract)) {
        const { filters, tableAllowed } = applyContract(this.schema, info.contract, table, newColumns, out);
        for (const f of filters) {
          if (f.entity === "tables") this.filteredTables.add(f.name);
          else {
            if (filtered === undefined) {
              filtered = new Map();
              this.filteredColumns.set(table, filtered);
            }
            filtered.set(f.name, f.mode);
          }
        }
        if (!tableAllowed) return false;
        this.updateSchema(table, parentTable, newColumns);
        if (filtered !== undefined && filters.length !== 0 && !filterColumns(filtered, out)) return false;
      } else {
        this.updateSchema(table, parentTable, newColumns);
      }
    }
    if (write) {
      let rows = this.out.get(table);
      if (rows === undefined) {
        rows = [];
        this.out.set(table, rows);
      }
      rows.push(out);
    }
    return true;
  }

  /**
   * Fits the row into the table's columns. Values of complete columns are coerced in place;
   * new, incomplete and variant columns go through the slow path and are collected in
   * `this.newColumns`. NULLs are dropped (after the nullability check).
   *
   * `row` is the normalizer's own flattened object, so coerced values are written back into it:
   * a second object per row (and its property stores) is made only once a key changes — a NULL
   * dropped or a value moved to a variant column — from the keys before it, already final.
   */
  private coerceRow(table: string, row: RawRow): NormalizedRow {
    const cols = tableOf(this.schema, table)?.columns ?? NO_COLUMNS;
    let out: NormalizedRow | null = null;
    let newColumns: Record<string, TColumn> | null = null;
    for (const k in row) {
      const v = row[k];
      if (v === null || v === undefined) {
        this.coerceNull(cols, table, k);
        out ??= keysBefore(row, k);
        continue;
      }
      const col = columnOf(cols, k);
      if (col !== undefined) {
        const type = col.data_type;
        if (type !== undefined) {
          switch (typeof v) {
            case "string":
              if (type === "text") {
                if (out !== null) out[k] = v;
                continue;
              }
              break;
            case "number":
              if (type === "double" || (type === "bigint" && Number.isInteger(v) && v <= MAX_SAFE && v >= -MAX_SAFE)) {
                if (out !== null) out[k] = v;
                continue;
              }
              break;
            case "boolean":
              if (type === "bool") {
                if (out !== null) out[k] = v;
                continue;
              }
              break;
          }
          const from = valueType(v);
          if (this.provisional.size !== 0 && type === "bigint" && this.settleProvisional(table, k, v, from)) {
            if (out !== null) out[k] = v as number;
            continue;
          }
          const coerced = coerceValue(type, from, v);
          if (coerced !== FAIL) {
            // A BigInt (given, or parsed from text) can't become a double later.
            if (typeof coerced === "bigint" && this.provisional.size !== 0) this.provisional.get(table)?.delete(k);
            if (out !== null) out[k] = coerced;
            else row[k] = coerced;
            continue;
          }
          if (from === type) throw new ValueDoesNotFitException(this.schema.name, table, k, type, v);
          this.coerceToVariant(cols, table, k, from, v, false);
        } else this.coerceNewValue(cols, table, k, v, false);
      } else this.coerceNewValue(cols, table, k, v, false);
      if (out === null && this.slotName === k) row[k] = this.slotValue;
      else (out ??= keysBefore(row, k))[this.slotName] = this.slotValue;
      if (this.slotColumn !== null) (newColumns ??= {})[this.slotName] = this.slotColumn;
    }
    this.newColumns = newColumns;
    return out ?? (row as NormalizedRow);
  }

  private coerceNull(cols: Record<string, TColumn>, table: string, column: string): void {
    const col = columnOf(cols, column);
    if (col !== undefined && col.data_type !== undefined) {
      if (col.nullable === false) throw new CannotCoerceNullException(this.schema.name, table, column);
      return;
    }
    if (col === undefined && this.hints.matches("not_null", column)) {
      throw new CannotCoerceNullException(this.schema.name, table, column);
    }
    let names = this.nullOnly.get(table);
    if (names === undefined) {
      names = new Set();
      this.nullOnly.set(table, names);
    }
    names.add(column);
  }

  /**
   * A value for a new or incomplete column, or one its column cannot take (→ variant
   * `<col>__v_<type>`, which is never varianted again). Result in the slot fields.
   */
  private coerceNewValue(cols: Record<string, TColumn>, table: string, column: string, v: unknown, isVariant: boolean): void {
    let existing = columnOf(cols, column);
    let incomplete: TColumn | undefined;
    if (existing !== undefined && existing.data_type === undefined) {
      incomplete = existing;
      existing = undefined;
    }
    const from = valueType(v);
    const preferred = isVariant ? undefined : this.hints.preferredType(column);
    const type = existing !== undefined ? existing.data_type! : this.inferType(v, from, preferred);
    const coerced = coerceValue(type, from, v);
    if (coerced === FAIL) {
      if (from === type) throw new ValueDoesNotFitException(this.schema.name, table, column, type, v);
      this.coerceToVariant(cols, table, column, from, v, isVariant);
      return;
    }
    let column_: TColumn | null = null;
    if (existing === undefined) {
      const inferred = this.inferColumn(column, type, isVariant);
      column_ = incomplete !== undefined ? { ...inferred, ...incomplete } : inferred;
      if (type === "bigint" && typeof v === "number" && !isVariant && preferred === undefined && column_.data_type === "bigint") {
        let names = this.provisional.get(table);
        if (names === undefined) this.provisional.set(table, (names = new Set()));
        names.add(column);
      }
    }
    this.slotName = column;
    this.slotColumn = column_;
    this.slotValue = coerced;
  }

  /** `v` does not fit `column`: it goes to `<column>__v_<type>`, unless that is a variant already. */
  private coerceToVariant(
    cols: Record<string, TColumn>, table: string, column: string, from: TDataType, v: unknown, isVariant: boolean,
  ): void {
    if (isVariant) {
      throw new CannotCoerceColumnException(this.schema.name, table, column, from, columnOf(cols, column)?.data_type, v);
    }
    let variant = this.variantName(column, from);
    if (from === "json") {
      // columns varianted before `complex` was renamed to `json` keep receiving the values
      const legacy = `${column}__v_complex`;
      if (columnOf(cols, legacy)?.variant) variant = legacy;
    }
    this.coerceNewValue(cols, table, variant, v, true);
  }

  private variantName(column: string, type: TDataType): string {
    let byType = this.variantNames.get(column);
    if (byType === undefined) {
      byType = new Map();
      this.variantNames.set(column, byType);
    }
    let name = byType.get(type);
    if (name === undefined) {
      name = `${column}__v_${type}`;
      byType.set(type, name);
    }
    return name;
  }

  /** Type of a new column: detections, then the value's own type; a preferred type wins. */
  private inferType(v: unknown, from: TDataType, preferred: TDataType | undefined): TDataType {
    return preferred ?? autodetectType(this.hints.detections, v) ?? from;
  }

  /**
   * `v` of type `from` reaches `table.column`, a bigint column. When this normalize created the
   * column from JS numbers alone: a `double` number turns it into a double column (true: store
   * the number as it is), a BigInt settles it as bigint for good.
   */
  private settleProvisional(table: string, column: string, v: unknown, from: TDataType): boolean {
    const names = this.provisional.get(table);
    if (names === undefined || !names.has(column)) return false;
    if (typeof v === "bigint") names.delete(column);
    if (from === "double") {
      const t = tableOf(this.schema, table);
      const col = t && columnOf(t.columns, column);
      names.delete(column);
      if (!col || col.data_type !== "bigint") return false;
      t.columns[column] = { ...col, data_type: "double" };
      this.info(table).columnChanges++;
      return true;
    }
    return false;
  }

  /** A new column as dlt infers it: nullable unless hinted not_null, plus matching default hints. */
  private inferColumn(name: string, type: TDataType, isVariant: boolean): TColumn {
    const col: TColumn = { name, data_type: type, nullable: !this.hints.matches("not_null", name) };
    for (const hint of this.hints.columnHints) {
      if (this.hints.matches(hint, name)) col[hint] = true;
    }
    if (isVariant) col.variant = true;
    return col;
  }

  /**
   * Adds new columns (or a new nested table) to the schema. A hinted incomplete column that
   * gets its type moves to the position of its first data, as in dlt (`merge_columns`).
   */
  private updateSchema(table: string, parentTable: string, newColumns: Record<string, TColumn>): void {
    this.info(table).columnChanges++;
    const existing = tableOf(this.schema, table);
    if (existing === undefined) {
      const created: TTableSchema = { name: table, columns: {} };
      if (parentTable) created.parent = parentTable;
      for (const name in newColumns) created.columns[name] = newColumns[name];
      this.schema.tables[table] = created;
      return;
    }
    const columns = existing.columns;
    for (const name in newColumns) {
      const col = newColumns[name];
      const prior = columnOf(columns, name);
      if (prior === undefined) columns[name] = col;
      else {
        if (prior.data_type === undefined && col.data_type !== undefined) delete columns[name];
        columns[name] = { ...prior, ...col };
      }
    }
  }
}

/** A new object with the keys of `row` that come before `key`, and their values. */
function keysBefore(row: RawRow, key: string): NormalizedRow {
  const out: NormalizedRow = {};
  for (const k in row) {
    if (k === key) break;
    out[k] = row[k] as TNormalizedValue;
  }
  return out;
}

/** Applies remembered contract decisions to a row; false when the row is to be discarded. */
function filterColumns(filtered: Map<string, TSchemaContractMode>, row: RawRow): boolean {
  for (const [name, mode] of filtered) {
    if (!Object.hasOwn(row, name)) continue;
    if (mode === "discard_row") return false;
    if (mode === "discard_value") delete row[name];
  }
  return true;
}
