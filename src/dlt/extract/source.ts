// dlt.source: a function returning resources, all sharing one schema named after the source.
import { InvalidResourceArgument } from "../errors.ts";
import type { TSchemaContract } from "../schema/types.ts";
import { DltResource, resource as makeResource } from "./resource.ts";

export interface SourceOptions {
  name?: string;
  max_table_nesting?: number;
  root_key?: boolean;
  schema_contract?: TSchemaContract;
  section?: string;
}

/** `source.resources`: name → resource, plus `.selected`. */
export type ResourceDict = Record<string, DltResource> & { readonly selected: Record<string, DltResource> };

function resourceDict(list: DltResource[]): ResourceDict {
  const dict = {} as Record<string, DltResource>;
  for (const r of list) dict[r.name] = r;
  Object.defineProperty(dict, "selected", {
    enumerable: false,
    get: () => Object.fromEntries(Object.entries(dict).filter(([, r]) => r.selected)),
  });
  return dict as ResourceDict;
}

export class DltSource {
  readonly name: string;
  readonly schemaName: string;
  max_table_nesting?: number;
  root_key?: boolean;
  schema_contract?: TSchemaContract;
  private list: DltResource[];
  [resourceName: string]: unknown;

  constructor(name: string, resources: DltResource[], options: SourceOptions = {}) {
    this.name = name;
    this.schemaName = name;
    this.max_table_nesting = options.max_table_nesting;
    this.root_key = options.root_key;
    this.schema_contract = options.schema_contract;
    this.list = resources;
    for (const r of resources) {
      if (!(r.name in this)) Object.defineProperty(this, r.name, { get: () => this.resources[r.name], enumerable: false, configurable: true });
    }
  }

  get resources(): ResourceDict {
    return resourceDict(this.list);
  }

  /** A copy in which only the named resources are selected. */
  with_resources(...names: string[]): DltSource {
    const missing = names.filter((n) => !this.list.some((r) => r.name === n));
    if (missing.length) throw new InvalidResourceArgument(`Resources ${missing.join(", ")} are not in source ${this.name}`);
    const copy = this.clone();
    for (const r of copy.list) r.selected = names.includes(r.name);
    return copy;
  }

  add_limit(max_items: number, options: { max_time?: number; count_rows?: boolean } = {}): this {
    for (const r of this.list) if (!r.isTransformer) r.add_limit(max_items, options);
    return this;
  }

  /** The resources in evaluation order: parents before the transformers they feed. */
  allResources(): DltResource[] {
    return [...this.list];
  }

  clone(): DltSource {
    const byOld = new Map<DltResource, DltResource>();
    const copies = this.list.map((r) => {
      const c = r.clone();
      byOld.set(r, c);
      return c;
    });
    for (const c of copies) if (c.parent && byOld.has(c.parent)) c.parent = byOld.get(c.parent);
    return new DltSource(this.name, copies, {
      max_table_nesting: this.max_table_nesting,
      root_key: this.root_key,
      schema_contract: this.schema_contract,
    });
  }

  toString(): string {
    return `DltSource(${this.name}: ${this.list.map((r) => r.name).join(", ")})`;
  }
}

function collectResources(value: unknown, sourceName: string): DltResource[] {
  if (value instanceof DltSource) return value.allResources();
  if (value instanceof DltResource) return [value];
  if (Array.isArray(value)) return value.flatMap((v) => collectResources(v, sourceName));
  if (value && typeof value === "object" && Symbol.iterator in value) {
    return Array.from(value as Iterable<unknown>).flatMap((v) => collectResources(v, sourceName));
  }
  if (typeof value === "function") return [makeResource(value)];
  throw new InvalidResourceArgument(
    `Source ${sourceName} must return a resource, a list of resources or a source, not ${value === null ? "null" : typeof value}`,
  );
}

/** `@dlt.source def f(...)` → `dlt.source(function f(...) {...})`; calling the result builds the source. */
export function source<A extends unknown[]>(
  fn: (...args: A) => unknown,
  options: SourceOptions = {},
): (...args: A) => DltSource {
  const name = options.name ?? fn.name;
  if (!name) throw new InvalidResourceArgument("A source needs a name: pass a named function or the `name` option");
  const make = (...args: A): DltSource => {
    const resources = collectResources(fn(...args), name);
    // A transformer whose parent is in the source is fed by that same (possibly deselected) resource.
    for (const r of resources) {
      if (!r.parent) continue;
      const inSource = resources.find((p) => p === r.parent || p.name === r.parent!.name);
      if (inSource) r.parent = inSource;
    }
    return new DltSource(name, resources, options);
  };
  Object.defineProperty(make, "name", { value: name });
  return make;
}
