// dlt.resource / dlt.transformer: a named, lazily evaluated stream of items plus table hints.
// A resource made from a function is callable like the decorated Python function:
// `users(5)` returns a copy bound to those arguments.
import { InvalidResourceArgument, ResourceNameMissing } from "../errors.ts";
import { validateWriteDispositionHint } from "./hints.ts";
import type { TTableHints } from "../schema/types.ts";

export type ItemStepKind = "map" | "filter" | "yield_map" | "incremental";

/** One per-item step. Steps run in order of `affinity` (dlt's placement affinity), then insertion. */
export interface ItemStep {
  kind: ItemStepKind;
  affinity: number;
  /**
   * Receives one item (never a page: pages are split before steps run) and returns the items it
   * becomes. `close` asks the generator to stop after this item (incremental row_order).
   */
  apply(item: unknown, meta: StepMeta): unknown[] | null;
}

export interface StepMeta {
  /** Set by a step to stop the generator (dlt closes it). */
  close: boolean;
  /** The table the item goes to (when it is known before the steps). */
  tableName?: string;
}

export interface LimitSpec {
  max_items: number | null;
  max_time?: number | null;
  count_rows?: boolean;
}

/** Something that can bind to a resource at the start of extract (incremental, state). */
export interface ResourceBinding {
  /** Called before the resource is evaluated; may return a step to add (e.g. an incremental filter). */
  bind(resource: DltResource, context: ExtractContext): ItemStep | undefined;
  /** A copy whose initial value is a plain argument given in place of this default. */
  withInitialValue?(value: unknown): ResourceBinding;
}

export interface ExtractContext {
  sourceName: string;
  /** The whole pipeline state; resources find theirs at sources.<source>.resources.<name>. */
  state: Record<string, unknown>;
  /** The write disposition the resource runs with (after run() overrides). */
  writeDisposition: string;
}

export type ResourceData =
  | Iterable<unknown>
  | AsyncIterable<unknown>
  | ((...args: any[]) => unknown)
  | unknown;

export interface ResourceOptions extends TTableHints {
  name?: string;
  selected?: boolean;
  incremental?: ResourceBinding;
  data_from?: DltResource;
  standalone?: boolean;
}

type TableNameFn = (item: any) => string;

export interface DltResource {
  (...args: unknown[]): DltResource;
}

export class DltResource {
  declare readonly name: string;
  /** Table hints with un-normalized names, as the user gave them. */
  hints!: TTableHints;
  selected!: boolean;
  /** For transformers: the resource whose items feed this one. */
  parent?: DltResource;
  /** A binding such as an incremental given as a hint (`incremental=` or apply_hints). */
  incrementalHint?: ResourceBinding;
  steps!: ItemStep[];
  limit?: LimitSpec;
  /** The function (generator, async generator, plain) or the data. */
  protected source!: unknown;
  protected boundArgs!: unknown[] | undefined;
  readonly isTransformer!: boolean;

  /**
   * Evaluates the resource: an iterable (sync or async) of what it yields. Bindings passed as
   * arguments or created by default parameters are handed to `onBinding` before the body runs.
   */
  /**
   * The resource's items. Plain list data is items one by one, as in dlt; `itemwise: false` lets
   * the extractor take a list of rows as one page where that changes nothing (no add_limit
   * counting items, no transformer fed item by item).
   */
  evaluate(onBinding?: (b: ResourceBinding) => void, item?: unknown, itemwise = true): Iterable<unknown> | AsyncIterable<unknown> {
    const src = this.source;
    if (Array.isArray(src) && itemwise) return src;
    if (typeof src !== "function") return asIterable(src);
    const args = this.isTransformer ? [item, ...(this.boundArgs ?? [])] : [...(this.boundArgs ?? [])];
    if (onBinding) {
      replaceIncrementalDefaults(src as (...a: unknown[]) => unknown, args, this.isTransformer ? 1 : 0);
      for (const a of args) if (isBinding(a)) onBinding(a);
    }
    bindingListener = onBinding ?? null;
    try {
      return asIterable((src as (...a: unknown[]) => unknown)(...args));
    } finally {
      bindingListener = null;
    }
  }

  /** The name dlt's errors give the resource's code: its function, or the kind of data. */
  get func_name(): string {
    const src = this.source;
    if (typeof src === "function") return src.name || "<anonymous>";
    if (Array.isArray(src)) return "list";
    return (src as object | null)?.constructor?.name ?? typeof src;
  }

  get table_name(): string | TableNameFn {
    return this.hints.table_name ?? this.name;
  }

  get write_disposition() {
    return this.hints.write_disposition ?? "append";
  }

  add_map(fn: (item: any) => unknown, insert_at?: number): this {
    return this.addStep({ kind: "map", affinity: 0, apply: (item) => [fn(item)] }, insert_at);
  }

  add_filter(fn: (item: any) => unknown, insert_at?: number): this {
    return this.addStep({ kind: "filter", affinity: 0, apply: (item) => (fn(item) ? [item] : null) }, insert_at);
  }

  add_yield_map(fn: (item: any) => Iterable<unknown>, insert_at?: number): this {
    return this.addStep({ kind: "yield_map", affinity: 0, apply: (item) => Array.from(fn(item)) }, insert_at);
  }

  /** Stops after `max_items` yields (pages), or rows with count_rows; always applied last. */
  add_limit(max_items: number | null | { max_items?: number | null; max_time?: number; count_rows?: boolean }, options: { max_time?: number; count_rows?: boolean } = {}): this {
    const spec = typeof max_items === "object" && max_items !== null ? max_items : { max_items, ...options };
    if (this.isTransformer) {
      console.warn(`Setting add_limit to a transformer ${this.name} has no effect. Set the limit on the top level resource.`);
      return this;
    }
    const n = spec.max_items ?? null;
    this.limit = n === null || n < 0 ? undefined : { max_items: n, max_time: spec.max_time ?? null, count_rows: !!spec.count_rows };
    return this;
  }

  apply_hints(hints: ResourceOptions): this {
    const { incremental, selected, name, data_from, standalone, ...tableHints } = hints;
    void name; void data_from; void standalone;
    validateWriteDispositionHint(tableHints.write_disposition);
    for (const [k, v] of Object.entries(tableHints)) if (v !== undefined) (this.hints as Record<string, unknown>)[k] = v;
    if (incremental !== undefined) this.incrementalHint = incremental;
    if (selected !== undefined) this.selected = selected;
    return this;
  }

  with_name(newName: string): DltResource {
    const copy = this.clone();
    Object.defineProperty(copy, "name", { value: newName, configurable: true });
    return copy;
  }

  /** `parent | transformer` in Python; here `parent.pipe(transformer)`. */
  pipe(transformer: DltResource): DltResource {
    if (!transformer.isTransformer) throw new InvalidResourceArgument(`${transformer.name} is not a transformer`);
    const copy = transformer.clone();
    copy.parent = this;
    return copy;
  }

  clone(): DltResource {
    const copy = makeResource(this.source, this.name, this.isTransformer);
    copy.hints = structuredCloneHints(this.hints);
    copy.selected = this.selected;
    copy.parent = this.parent;
    copy.incrementalHint = this.incrementalHint;
    copy.steps = [...this.steps];
    copy.limit = this.limit ? { ...this.limit } : undefined;
    copy.boundArgs = this.boundArgs;
    return copy;
  }

  /** Binds arguments: what calling the Python-decorated function does. */
  bind(args: unknown[]): DltResource {
    const copy = this.clone();
    copy.boundArgs = args;
    return copy;
  }

  private addStep(step: ItemStep, insertAt?: number): this {
    if (insertAt === undefined) this.steps.push(step);
    else this.steps.splice(insertAt, 0, step);
    return this;
  }

  toString(): string {
    return `DltResource(${this.name})`;
  }
}

function structuredCloneHints(h: DltResource["hints"]): DltResource["hints"] {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(h)) {
    out[k] = typeof v === "function" || v === null || typeof v !== "object" ? v : structuredClone(v);
  }
  return out as DltResource["hints"];
}

function makeResource(source: unknown, name: string, isTransformer: boolean): DltResource {
  const callable = function (this: unknown, ...args: unknown[]) {
    return (callable as unknown as DltResource).bind(args);
  } as unknown as DltResource;
  Object.setPrototypeOf(callable, DltResource.prototype);
  Object.defineProperty(callable, "name", { value: name, configurable: true, enumerable: true });
  const r = callable as unknown as Record<string, unknown>;
  r.source = source;
  r.hints = {};
  r.selected = true;
  r.steps = [];
  r.boundArgs = undefined;
  r.isTransformer = isTransformer;
  return callable;
}

function isIterable(x: unknown): x is Iterable<unknown> {
  return x != null && typeof (x as Iterable<unknown>)[Symbol.iterator] === "function";
}

function isAsyncIterable(x: unknown): x is AsyncIterable<unknown> {
  return x != null && typeof (x as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function";
}

/**
 * What a resource yields, as an iterable. An array is one page (dlt treats a yielded list as a
 * batch of rows), unless it holds pages itself (`[[...], [...]]`): then each is a page. A string
 * or a single object is one item; a Promise resolves to its value.
 */
function asIterable(value: unknown): Iterable<unknown> | AsyncIterable<unknown> {
  if (Array.isArray(value)) return value.some(Array.isArray) ? value : [value];
  if (typeof value === "string") return [value];
  if (isAsyncIterable(value)) return value;
  if (isIterable(value)) return value;
  if (value instanceof Promise) {
    return (async function* () {
      const v = await value;
      if (v === undefined) return;
      yield* asIterable(v) as AsyncIterable<unknown>;
    })();
  }
  if (value === undefined) return [];
  return [value];
}

function isBinding(x: unknown): x is ResourceBinding {
  return !!x && typeof x === "object" && typeof (x as ResourceBinding).bind === "function";
}

let bindingListener: ((b: ResourceBinding) => void) | null = null;

const GENERATOR_FUNCTIONS = new Set(["GeneratorFunction", "AsyncGeneratorFunction"]);
// Extra arguments in a probe are `null`, so that defaults of parameters after the given ones
// are not evaluated; more parameters than this would be unusual for a resource.
const PROBE_ARITY = 32;

/**
 * dlt passes a plain value given for an incremental parameter (`some_data(4242)`) to the
 * function as a copy of the default incremental with that initial value. JavaScript never
 * evaluates a default that was given, so each given argument's default is found by calling the
 * generator function with only that argument left out: that evaluates the parameter defaults
 * without running the body. Plain functions would run their body, so they are not probed.
 */
function replaceIncrementalDefaults(fn: (...a: unknown[]) => unknown, args: unknown[], first: number): void {
  if (!GENERATOR_FUNCTIONS.has(fn.constructor?.name)) return;
  for (let i = first; i < args.length; i++) {
    if (args[i] === undefined || isBinding(args[i])) continue;
    const probe = Array.from<unknown, unknown>({ length: Math.max(args.length, PROBE_ARITY) }, (_, j) => (j < args.length && args[j] !== undefined ? args[j] : null));
    probe[i] = undefined;
    const announced: ResourceBinding[] = [];
    const previous = bindingListener;
    bindingListener = (b) => announced.push(b);
    try {
      fn(...probe);
    } catch {
      continue; // a default that throws is the body's business when it really runs
    } finally {
      bindingListener = previous;
    }
    const fallback = announced.length === 1 ? announced[0] : undefined;
    if (fallback?.withInitialValue) args[i] = fallback.withInitialValue(args[i]);
  }
}

/**
 * Called by a binding (an incremental) when it is constructed. While a resource function is being
 * called, this hands it to the extractor, which binds it to state at once: that is how the lesson's
 * `function* load_events(last_timestamp = dlt.sources.incremental(...))` default parameter gets
 * its stored cursor before the body reads `last_timestamp.last_value`.
 */
export function announceBinding(binding: ResourceBinding): void {
  bindingListener?.(binding);
}

export function resource(data: ResourceData, options: ResourceOptions = {}): DltResource {
  if (data instanceof DltResource) return data.clone().apply_hints(options);
  const fnName = typeof data === "function" ? (data as Function).name : "";
  const name = options.name ?? fnName;
  if (!name) throw new ResourceNameMissing();
  const r = makeResource(data, name, false);
  r.apply_hints(options);
  if (options.selected === undefined) r.selected = true;
  return r;
}

export function transformer(fn: (item: any, ...args: any[]) => unknown, options: ResourceOptions = {}): DltResource {
  const name = options.name ?? fn.name;
  if (!name) throw new ResourceNameMissing();
  const r = makeResource(fn, name, true);
  r.apply_hints(options);
  if (options.data_from) r.parent = options.data_from;
  return r;
}

export { isAsyncIterable, isIterable };
