// dlt.sources.incremental: a cursor over a resource's items, kept in pipeline state between runs
// (dlt/extract/incremental/__init__.py). Constructing one announces it to the extractor, so the
// lesson's default-parameter form is bound to state before the resource body reads `last_value`.
import { resourceState, type PipelineState } from "../pipeline/state.ts";
import { announceBinding, type DltResource, type ExtractContext, type ResourceBinding } from "./resource.ts";
import { applyLag, funcName, maxValue, minValue, resolveLastValueFunc, sameCursor, type LastValueFunc } from "./incremental/compare.ts";
import { compileCursorPath, type CursorPath } from "./incremental/cursor.ts";
import { IncrementalConfigError, IncrementalUnboundError } from "./incremental/errors.ts";
import {
  IncrementalTransform,
  type IncrementalColumnState,
  type OnCursorValueMissing,
  type RangeBound,
} from "./incremental/transform.ts";

export * from "./incremental/errors.ts";
export type { IncrementalColumnState, OnCursorValueMissing, RangeBound, LastValueFunc };

export interface IncrementalOptions {
  initial_value?: unknown;
  end_value?: unknown;
  last_value_func?: "max" | "min" | LastValueFunc;
  /** Key hashed for boundary deduplication; the resource's primary key when not given; [] turns it off. */
  primary_key?: string | string[] | null;
  row_order?: "asc" | "desc" | null;
  on_cursor_value_missing?: OnCursorValueMissing;
  range_start?: RangeBound;
  range_end?: RangeBound;
  lag?: number | null;
  /** Accepted for compatibility; there is no external scheduler in pipebook. */
  allow_external_schedulers?: boolean;
}

/** Transforms bound during one extract, by state object: a transformer binds once per parent item. */
const boundInExtract = new WeakMap<object, Map<string, IncrementalTransform>>();

export class Incremental implements ResourceBinding {
  readonly cursor_path: string;
  initial_value: unknown;
  end_value: unknown;
  readonly last_value_func: LastValueFunc;
  primary_key: string | string[] | undefined;
  row_order: "asc" | "desc" | undefined;
  on_cursor_value_missing: OnCursorValueMissing;
  range_start: RangeBound;
  range_end: RangeBound;
  lag: number | undefined;
  resource_name: string | undefined;
  private readonly cursor: CursorPath;
  private readonly options: IncrementalOptions;
  private current?: IncrementalTransform;

  constructor(cursor_path: string, options: IncrementalOptions | unknown = {}) {
    // `incremental("ts", 5)` is the Python positional form: the second argument is initial_value.
    const o: IncrementalOptions = isOptions(options) ? options : { initial_value: options };
    this.options = o;
    this.cursor_path = cursor_path;
    this.cursor = compileCursorPath(cursor_path);
    this.initial_value = o.initial_value ?? null;
    this.end_value = o.end_value ?? null;
    this.last_value_func = resolveLastValueFunc(o.last_value_func);
    this.primary_key = o.primary_key ?? undefined;
    this.row_order = o.row_order ?? undefined;
    this.on_cursor_value_missing = o.on_cursor_value_missing ?? "raise";
    this.range_start = o.range_start ?? "closed";
    this.range_end = o.range_end ?? "open";
    this.lag = o.lag ?? undefined;
    this.validate();
    announceBinding(this);
  }

  private validate(): void {
    const oneOf = (name: string, v: unknown, allowed: unknown[]) => {
      if (!allowed.includes(v)) {
        throw new IncrementalConfigError(`\`${name}\`=${JSON.stringify(v)} is not one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`);
      }
    };
    oneOf("on_cursor_value_missing", this.on_cursor_value_missing, ["raise", "include", "exclude"]);
    oneOf("range_start", this.range_start, ["open", "closed"]);
    oneOf("range_end", this.range_end, ["open", "closed"]);
    if (this.row_order !== undefined) oneOf("row_order", this.row_order, ["asc", "desc"]);
    if (this.end_value === null) return;
    if (this.initial_value === null) {
      throw new IncrementalConfigError(
        "Incremental `end_value` was specified without `initial_value`.`initial_value` is required when using `end_value`.",
      );
    }
    let ordered: boolean;
    try {
      ordered = sameCursor(this.last_value_func([this.end_value, this.initial_value]), this.end_value);
    } catch (e) {
      throw new IncrementalConfigError(
        `Incremental \`initial_value=${String(this.initial_value)}\` and \`end_value=${String(this.end_value)}\` are not comparable. Make sure they are of the same type and tz-awareness: ${(e as Error).message}`,
      );
    }
    if (!ordered) {
      const f = this.last_value_func;
      const adj = f === maxValue ? "higher" : f === minValue ? "lower" : undefined;
      throw new IncrementalConfigError(
        adj
          ? `Incremental \`initial_value=${String(this.initial_value)}\` is ${adj} than \`end_value=${String(this.end_value)}\`. 'end_value' must be ${adj} than \`initial_value\`.`
          : `Incremental \`initial_value=${String(this.initial_value)}\` is greater than \`end_value=${String(this.end_value)}\` as determined by the custom \`last_value_func\`. The result of \`${funcName(f)}([end_value, initial_value])\` must equal \`end_value\``,
      );
    }
  }

  /**
   * A copy starting at `value`: a plain value passed for a resource's incremental parameter
   * (`some_data(4242)`) replaces the default's initial value, as dlt does.
   */
  withInitialValue(value: unknown): Incremental {
    return new Incremental(this.cursor_path, { ...this.options, initial_value: value });
  }

  /** Value of last_value when this run started (lag applied); initial_value before binding. */
  get start_value(): unknown {
    return this.current ? this.current.startValue : this.initial_value;
  }

  /** The current cursor value: moves while the resource yields. */
  get last_value(): unknown {
    if (this.current) return this.current.seenItems ? this.current.lastValue : this.current.startValue;
    if (this.end_value !== null) return this.initial_value;
    throw new IncrementalUnboundError(this.cursor_path);
  }

  /** Set when the last item seen was below the start of the range (dlt's flag). */
  get start_out_of_range(): boolean {
    return this.current?.start_out_of_range ?? false;
  }

  get end_out_of_range(): boolean {
    return this.current?.end_out_of_range ?? false;
  }

  /** The state entry this incremental reads and writes, when bound. */
  get_state(): IncrementalColumnState {
    if (!this.current) throw new IncrementalUnboundError(this.cursor_path);
    return this.current.config.state;
  }

  /** Binds to `sources.<source>.resources.<resource>.incremental.<cursor_path>` for this extract. */
  bind(resource: DltResource, context: ExtractContext): IncrementalTransform {
    this.resource_name = resource.name;
    const key = `${context.sourceName}\u0000${resource.name}\u0000${this.cursor_path}`;
    let bound = boundInExtract.get(context.state);
    if (!bound) boundInExtract.set(context.state, (bound = new Map()));
    const existing = bound.get(key);
    if (existing) return (this.current = existing);

    if (this.cursor.field !== undefined) {
      // tableFromHints marks this column `incremental: true`, after the key columns, as dlt does.
      resource.hints.incremental_cursor = this.cursor.field;
    }
    const stateless = this.end_value !== null;
    const state = stateless ? this.freshState() : this.storedState(context);
    const lvf = this.last_value_func;
    const builtin = lvf === maxValue || lvf === minValue;
    if (this.lag && !builtin && state.last_value !== null) {
      console.warn(`Lag on ${resource.name} is only supported for max or min last_value_func. Provided: <function ${funcName(lvf)}>`);
    }
    const lagging = !!this.lag && !stateless && builtin && state.last_value !== null;
    const startValue = lagging ? applyLag(this.lag!, state.last_value, lvf, this.initial_value) : state.last_value;
    const hinted = resource.hints.primary_key;
    const primaryKey = this.primary_key !== undefined ? this.primary_key : hinted === undefined || hinted === null || hinted === "" ? undefined : hinted;
    const transform = new IncrementalTransform({
      resourceName: resource.name,
      cursor: this.cursor,
      lvf,
      endValue: this.end_value,
      startValue,
      state,
      primaryKey,
      onMissing: this.on_cursor_value_missing,
      rangeStart: this.range_start,
      rangeEnd: this.range_end,
      lag: lagging ? this.lag : undefined,
      rowOrder: this.row_order,
      mayClose: !resource.isTransformer && !resource.parent,
      boundaryDeduplication: !(
        this.range_start === "open" ||
        stateless ||
        (!!this.lag && (lvf === maxValue || lvf === minValue)) ||
        (Array.isArray(primaryKey) && primaryKey.length === 0)
      ),
    });
    bound.set(key, transform);
    return (this.current = transform);
  }

  private freshState(): IncrementalColumnState {
    return { initial_value: this.initial_value, last_value: this.initial_value, unique_hashes: [], start_value: this.initial_value };
  }

  private storedState(context: ExtractContext): IncrementalColumnState {
    const res = resourceState(context.state as unknown as PipelineState, context.sourceName, this.resource_name!);
    const all = (res.incremental ??= {}) as Record<string, IncrementalColumnState>;
    const entry = (all[this.cursor_path] ??= {} as IncrementalColumnState);
    if (Object.keys(entry).length === 0) Object.assign(entry, this.freshState());
    return entry;
  }

  toString(): string {
    const parts = [`cursor_path=${JSON.stringify(this.cursor_path)}`, `initial_value=${String(this.initial_value)}`];
    if (this.end_value !== null) parts.push(`end_value=${String(this.end_value)}`);
    if (this.resource_name) parts.push(`resource_name=${JSON.stringify(this.resource_name)}`);
    return `dlt.sources.incremental(${parts.join(", ")})`;
  }
}

function isOptions(x: unknown): x is IncrementalOptions {
  return !!x && typeof x === "object" && !(x instanceof Date) && !Array.isArray(x);
}

export function incremental(cursor_path: string, options: IncrementalOptions | unknown = {}): Incremental {
  return new Incremental(cursor_path, options);
}
