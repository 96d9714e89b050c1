// One bound incremental: filters items by cursor as dlt's JSON incremental does
// (dlt/extract/incremental/transform.py) and writes last_value, start_value and the boundary
// hashes back into its state entry after every item.
import { canonicalJson, digest128 } from "../../utils/digest.ts";
import type { ItemStep, StepMeta } from "../resource.ts";
import { compareCursor, CursorTypeError, sameCursor, type LastValueFunc } from "./compare.ts";
import { lookupCursor, type CursorPath } from "./cursor.ts";
import {
  IncrementalCursorInvalidCoercion,
  IncrementalCursorPathHasValueNone,
  IncrementalCursorPathMissing,
  IncrementalPrimaryKeyMissing,
} from "./errors.ts";

/** `sources.<source>.resources.<resource>.incremental.<cursor_path>` */
export interface IncrementalColumnState {
  initial_value: unknown;
  last_value: unknown;
  unique_hashes: string[];
  start_value?: unknown;
}

export type OnCursorValueMissing = "raise" | "include" | "exclude";
export type RangeBound = "open" | "closed";

export interface TransformConfig {
  resourceName: string;
  cursor: CursorPath;
  lvf: LastValueFunc;
  endValue: unknown;
  /** Where the run starts: last_value at bind, lag applied. */
  startValue: unknown;
  state: IncrementalColumnState;
  /** undefined: hash the whole row; []: no boundary deduplication. */
  primaryKey: string | string[] | undefined;
  onMissing: OnCursorValueMissing;
  rangeStart: RangeBound;
  rangeEnd: RangeBound;
  lag: number | undefined;
  rowOrder: "asc" | "desc" | undefined;
  /** Only a resource's own generator is closed; a transformer's runs once per parent item. */
  mayClose: boolean;
  boundaryDeduplication: boolean;
}

const WITH_TABLE_NAME = Symbol.for("dlt.mark.with_table_name");

/** Items marked with dlt.mark.with_table_name carry the row inside. */
function rowOf(item: unknown): unknown {
  if (item && typeof item === "object" && WITH_TABLE_NAME in item) return (item as unknown as { item: unknown }).item;
  return item;
}

const NO_ROW = Symbol("no boundary row");

const isNone = (v: unknown) => v === null || v === undefined;

export class IncrementalTransform implements ItemStep {
  readonly kind = "incremental" as const;
  /** dlt's placement affinity 1: after user maps and filters, before the limit. */
  readonly affinity = 1;
  readonly config: TransformConfig;
  lastValue: unknown;
  startValue: unknown;
  start_out_of_range = false;
  end_out_of_range = false;
  /** Whether any item went through: until then `last_value` reads the (lagged) stored value. */
  seenItems = false;
  /** The stored last_value at bind: becomes the state's start_value once a row is kept. */
  private readonly storedLastValue: unknown;
  private readonly startHashes: Set<string>;
  private hashes: Set<string>;
  private hashList: string[];
  /** The row that set the current boundary, not hashed yet (see writeBack). */
  private boundaryRow: unknown = NO_ROW;

  constructor(config: TransformConfig) {
    this.config = config;
    this.startValue = config.startValue;
    this.lastValue = config.startValue;
    this.storedLastValue = config.state.last_value;
    this.startHashes = new Set(config.state.unique_hashes ?? []);
    this.hashes = new Set(this.startHashes);
    this.hashList = [...this.hashes];
  }

  apply = (item: unknown, meta: StepMeta): unknown[] | null => {
    const keep = this.filter(rowOf(item));
    this.writeBack(keep);
    const c = this.config;
    if (c.mayClose && ((c.rowOrder === "asc" && this.end_out_of_range) || (c.rowOrder === "desc" && this.start_out_of_range))) {
      meta.close = true;
    }
    return keep ? [item] : null;
  };

  private filter(row: unknown): boolean {
    const c = this.config;
    this.start_out_of_range = false;
    this.end_out_of_range = false;
    const found = lookupCursor(c.cursor, row);
    const value = found.found ? found.value : undefined;
    if (isNone(value)) {
      if (c.onMissing === "raise") {
        const Err = found.found ? IncrementalCursorPathHasValueNone : IncrementalCursorPathMissing;
        throw new Err(c.resourceName, c.cursor.text, row);
      }
      return c.onMissing === "include";
    }
    const lvf = c.lvf;

    if (!isNone(c.endValue)) {
      const beyond = this.guard(c.endValue, "end_value", value, () => {
        if (!sameCursor(lvf([value, c.endValue]), c.endValue)) return true;
        return c.rangeEnd === "open" && sameCursor(lvf([value]), c.endValue);
      });
      if (beyond) {
        this.end_out_of_range = true;
        return false;
      }
    }

    const last = this.lastValue;
    const newValue = this.guard(last, "start_value/initial_value", value, () =>
      isNone(last) ? lvf([value]) : lvf([value, last]),
    );
    if (isNone(last) || !sameCursor(last, newValue)) {
      // A new maximum (or minimum): the boundary moves, and only rows at it count from now on.
      this.lastValue = newValue;
      if (c.boundaryDeduplication) this.resetHashes(row);
      return true;
    }

    const start = this.startValue;
    const verdict = this.guard(start, "start_value/initial_value", value, () => {
      const processed = lvf([value]);
      if (c.rangeStart === "open" && sameCursor(processed, start)) return "out" as const;
      const lower = isNone(start) ? lvf([value]) : lvf([value, start]);
      if (sameCursor(lower, start)) {
        if (!sameCursor(processed, start)) return "out" as const;
        return "at-start" as const;
      }
      return sameCursor(processed, last) ? ("at-last" as const) : ("inside" as const);
    });
    if (verdict === "out") {
      this.start_out_of_range = true;
      return false;
    }
    let hash: string | undefined;
    if (verdict === "at-start" && c.boundaryDeduplication) {
      hash = this.hashOf(row);
      // Loaded by the previous run: its key was stored with the boundary.
      if (this.startHashes.has(hash)) {
        this.start_out_of_range = true;
        return false;
      }
    }
    if (c.boundaryDeduplication && (verdict === "at-last" || (verdict === "at-start" && sameCursor(start, last)))) {
      this.addHash(hash ?? this.hashOf(row));
    }
    return true;
  }

  /** Runs a comparison; values that cannot be compared become dlt's coercion error. */
  private guard<T>(bound: unknown, boundName: string, value: unknown, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof CursorTypeError)) throw e;
      throw new IncrementalCursorInvalidCoercion(this.config.resourceName, this.config.cursor.text, bound, boundName, value, e.message);
    }
  }

  private writeBack(kept: boolean): void {
    const { state, lag, lvf } = this.config;
    this.seenItems = true;
    // With a lag the window starts below the stored value, but the stored value never goes back.
    if (lag && !isNone(state.last_value) && !isNone(this.lastValue)) {
      this.lastValue = lvf([this.lastValue, state.last_value]);
    }
    state.last_value = this.lastValue;
    if (kept) state.start_value = this.storedLastValue;
    if (!this.config.boundaryDeduplication) {
      state.unique_hashes = [];
      return;
    }
    // Read lazily: with a rising cursor every row is a new boundary, and hashing each one (only
    // the last is kept) would cost more than the rest of extract.
    if (!Object.getOwnPropertyDescriptor(state, "unique_hashes")?.get) {
      Object.defineProperty(state, "unique_hashes", {
        get: () => this.boundaryHashes(),
        set: (v: string[]) => Object.defineProperty(state, "unique_hashes", { value: v, writable: true, enumerable: true, configurable: true }),
        enumerable: true,
        configurable: true,
      });
    }
  }

  /** The boundary's hashes, hashing the boundary row only when someone asks. */
  private boundaryHashes(): string[] {
    if (this.boundaryRow !== NO_ROW) {
      const first = this.hashOf(this.boundaryRow);
      this.boundaryRow = NO_ROW;
      this.hashes = new Set([first, ...this.hashList]);
      this.hashList = [...this.hashes];
    }
    return this.hashList;
  }

  private hashOf(row: unknown): string {
    return digest128(canonicalJson(this.keyOf(row)), 15);
  }

  private keyOf(row: unknown): unknown {
    const pk = this.config.primaryKey;
    if (pk === undefined) return row;
    const column = (name: string) => {
      if (row === null || typeof row !== "object" || !(name in row)) {
        throw new IncrementalPrimaryKeyMissing(this.config.resourceName, name, row);
      }
      return (row as Record<string, unknown>)[name];
    };
    return typeof pk === "string" ? column(pk) : pk.map(column);
  }

  private resetHashes(row: unknown): void {
    this.boundaryRow = row;
    this.hashes = new Set();
    this.hashList = [];
  }

  private addHash(hash: string): void {
    this.boundaryHashes();
    if (this.hashes.has(hash)) return;
    this.hashes.add(hash);
    this.hashList.push(hash);
  }
}

export { compareCursor };
