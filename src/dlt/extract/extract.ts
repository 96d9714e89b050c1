// Extract: evaluates the resources of one source, runs their item steps in dlt's order
// (user maps/filters → incremental → limit), and collects raw items per table.
import { DictValidationException, ResourceExtractionError } from "../errors.ts";
import type { PipelineState } from "../pipeline/state.ts";
import { setRunningResource } from "./current.ts";
import { setReadProgressListener } from "./read_progress.ts";
import { normalizeTableIdentifier } from "../naming/snake_case.ts";
import { DataValidationError } from "../normalize/errors.ts";
import { expandContract } from "../normalize/contracts.ts";
import type { Schema } from "../schema/schema.ts";
import type { TTableSchema } from "../schema/types.ts";
import { toPlainData } from "./plain_data.ts";
import { PageWriter, type Page, type PageStore } from "../storage/pages.ts";
import { mergeHintsIntoSchema, tableFromHints, type SourceDefaults } from "./hints.ts";
import {
  DltResource,
  isAsyncIterable,
  type ExtractContext,
  type ItemStep,
  type ResourceBinding,
  type StepMeta,
} from "./resource.ts";

export interface ExtractedResource {
  name: string;
  write_disposition: string;
  /** Root tables the resource wrote to in this extract. */
  tables: string[];
}

export interface ExtractResult {
  /** Raw items per normalized root table, in the order they were yielded, in pages. */
  tables: Record<string, Page[]>;
  resources: ExtractedResource[];
  /** Root tables of replace resources that must be emptied even though they got no rows. */
  emptyReplaceTables: string[];
}

export interface ExtractProgress {
  resource: string;
  items: number;
  /** a reader's position in the file it reads (filesystem readers) */
  file?: string;
  bytes?: number;
  total_bytes?: number;
}

export interface ExtractOptions {
  schema: Schema;
  sourceName: string;
  defaults: SourceDefaults;
  state: Record<string, unknown>;
  onProgress?: (p: ExtractProgress) => void;
  signal?: AbortSignal;
  /** the package being extracted: large ones spill their pages to `pages` */
  loadId: string;
  pages?: PageStore;
}

const WITH_TABLE_NAME = Symbol.for("dlt.mark.with_table_name");

interface MarkedItem {
  [WITH_TABLE_NAME]: string;
  item: unknown;
}

/** dlt.mark.with_table_name(item, name): send one yielded item to another table. */
export function withTableName(item: unknown, tableName: string): MarkedItem {
  return { [WITH_TABLE_NAME]: tableName, item };
}

function isMarked(x: unknown): x is MarkedItem {
  return !!x && typeof x === "object" && WITH_TABLE_NAME in (x as object);
}

export async function extractResources(resources: DltResource[], options: ExtractOptions): Promise<ExtractResult> {
  const { schema } = options;
  const extracted = new PageWriter<unknown>(options.pages, options.loadId, "e");
  const written = new Map<DltResource, Set<string>>();
  const children = new Map<DltResource, DltResource[]>();
  for (const r of resources) {
    if (r.parent) {
      const list = children.get(r.parent) ?? [];
      list.push(r);
      children.set(r.parent, list);
    }
  }
  // A resource runs when it is selected or feeds a selected transformer (directly or not).
  const needed = (r: DltResource): boolean => r.selected || (children.get(r) ?? []).some(needed);
  const roots = new Set<DltResource>();
  for (const r of resources) {
    let top = r;
    while (top.parent) top = top.parent;
    if (needed(top)) roots.add(top);
  }

  const tableOf = new Map<DltResource, (item: unknown) => string>();
  // Tables a `tables` contract (discard_row / discard_value) keeps out: their items are dropped.
  const discarded = new Set<string>();
  const hintedBy = new Map<string, DltResource>();
  const ensureTable = (r: DltResource, rawName: string, item: unknown): string => {
    const name = normalizeTableIdentifier(rawName);
    if (discarded.has(name)) return name;
    if (!written.get(r)?.has(name)) {
      // dlt computes a table's hints once per extract: the first resource writing to it sets
      // them (its `resource`, columns, disposition); another resource only adds rows.
      const first = hintedBy.get(name);
      if (first === undefined || first === r) {
        const partial = tableFromHints(rawName, r.name, r.hints, options.defaults);
        if (!admitTable(schema, partial, item)) {
          discarded.add(name);
          return name;
        }
        mergeHintsIntoSchema(schema, partial);
        hintedBy.set(name, r);
      }
      if (!written.has(r)) written.set(r, new Set());
      written.get(r)!.add(name);
    }
    return name;
  };
  for (const r of resources) {
    const tn = r.hints.table_name;
    if (typeof tn === "function") tableOf.set(r, (item) => ensureTable(r, String(tn(item)), item));
    else {
      const fixed = tn ?? r.name;
      let resolved: string | undefined;
      tableOf.set(r, (item) => (resolved ??= ensureTable(r, fixed, item)));
    }
  }

  const emit = (r: DltResource, items: unknown[]) => {
    const resolve = tableOf.get(r)!;
    for (const raw of items) {
      const marked = isMarked(raw);
      const item = marked ? raw.item : raw;
      const name = marked ? ensureTable(r, raw[WITH_TABLE_NAME], item) : resolve(raw);
      if (!discarded.has(name)) extracted.push(name, toPlainData(item));
    }
  };

  let produced = 0;
  let running = "";
  setReadProgressListener((p) => options.onProgress?.({ resource: running, items: produced, ...p }));
  const run = async (r: DltResource, parentItem?: unknown, hasParentItem = false): Promise<void> => {
    const steps: ItemStep[] = [...r.steps];
    const context: ExtractContext = {
      sourceName: options.sourceName,
      state: options.state,
      writeDisposition: writeDispositionName(r),
    };
    const bindStep = (b: ResourceBinding) => {
      const step = b.bind(r, context);
      if (step && !steps.includes(step)) steps.push(step);
    };
    if (r.incrementalHint) bindStep(r.incrementalHint);
    // dlt.current reads the state of whichever resource's code runs next.
    const enter = () => (running = r.name, setRunningResource({ state: options.state as unknown as PipelineState, sourceName: options.sourceName, resourceName: r.name }));
    enter();
    let iterable: Iterable<unknown> | AsyncIterable<unknown>;
    const limit = r.isTransformer ? undefined : r.limit;
    const kids = (children.get(r) ?? []).filter(needed);
    try {
      iterable = hasParentItem ? r.evaluate(bindStep, parentItem) : r.evaluate(bindStep, undefined, !!limit || kids.length > 0);
    } catch (e) {
      throw new ResourceExtractionError(r.name, e, "generator", r.func_name);
    }
    steps.sort((a, b) => a.affinity - b.affinity);

    const started = Date.now();
    let count = 0;

    const handle = async (value: unknown): Promise<boolean> => {
      const isPage = Array.isArray(value);
      const meta: StepMeta = { close: false };
      // A bare `yield` (Python's None) is dropped before any step sees it, as dlt does.
      const none = value === undefined || value === null;
      let out = none ? [] : isPage ? (value as unknown[]) : [value];
      if (steps.length && !none) out = applySteps(r, steps, out, meta);
      if (out.length > 0 || (isPage && steps.length === 0)) {
        if (r.selected) {
          emit(r, out);
          await extracted.settle();
        }
        produced += out.length;
        for (const kid of kids) {
          const fed = isPage || out.length !== 1 ? out : out[0];
          await run(kid, fed, true);
        }
        count += limit?.count_rows ? out.length : 1;
      }
      options.onProgress?.({ resource: r.name, items: produced });
      if (options.signal?.aborted) throw options.signal.reason ?? new Error("Extraction aborted");
      if (meta.close) return false;
      if (limit) {
        if (limit.max_items !== null && count >= limit.max_items) return false;
        if (limit.max_time && (Date.now() - started) / 1000 >= limit.max_time) return false;
      }
      return true;
    };

    if (limit && limit.max_items === 0) return;
    try {
      if (isAsyncIterable(iterable)) {
        for await (const value of iterable) {
          const more = await handle(value);
          enter();
          if (!more) break;
        }
      } else {
        for (const value of iterable as Iterable<unknown>) {
          const v = value instanceof Promise ? await value : value;
          const more = await handle(v);
          enter();
          if (!more) break;
        }
      }
    } catch (e) {
      // A contract violation is the step's own error in dlt, not the resource's.
      if (e instanceof ResourceExtractionError || e instanceof DataValidationError || e instanceof DictValidationException) throw e;
      throw new ResourceExtractionError(r.name, e, "generator", r.func_name);
    }
  };

  try {
    for (const root of roots) await run(root);
  } finally {
    setRunningResource(undefined);
    setReadProgressListener(undefined);
  }

  const resourcesOut: ExtractedResource[] = [];
  const emptyReplaceTables: string[] = [];
  for (const r of resources) {
    if (!r.selected) continue;
    const wd = writeDispositionName(r);
    const names = [...(written.get(r) ?? [])];
    resourcesOut.push({ name: r.name, write_disposition: wd, tables: names });
    if (wd === "replace") {
      // An empty replace still empties every table of the resource that has seen data.
      for (const t of Object.values(schema.tables)) {
        if (t.resource === r.name && !t.parent && !names.includes(t.name) && t["x-normalizer"]?.["seen-data"]) {
          emptyReplaceTables.push(t.name);
        }
      }
      if (names.length === 0 && typeof r.hints.table_name !== "function") {
        const name = normalizeTableIdentifier(String(r.hints.table_name ?? r.name));
        if (schema.getTable(name)?.["x-normalizer"]?.["seen-data"] && !emptyReplaceTables.includes(name)) {
          emptyReplaceTables.push(name);
        }
      }
    }
  }
  // Tables that received nothing are not part of the package.
  return { tables: await extracted.finish("follow"), resources: resourcesOut, emptyReplaceTables };
}

/**
 * The extractor's contract check on a table a resource writes to (dlt checks root tables at
 * extract): a new table under `tables: freeze` fails here, under discard_* it is left out; a new
 * table may always get its first columns, whatever the `columns` mode.
 */
function admitTable(schema: Schema, partial: TTableSchema, item: unknown): boolean {
  if (!schema.isNewTable(partial.name)) return true;
  const contract = expandContract(partial.schema_contract ?? schema.getTable(partial.name)?.schema_contract ?? schema.settings.schema_contract);
  if (contract.columns !== "evolve") partial["x-normalizer"] = { ...partial["x-normalizer"], "evolve-columns-once": true };
  if (contract.tables === "evolve") return true;
  if (contract.tables === "freeze") {
    throw new DataValidationError({
      schema_name: schema.name,
      table_name: partial.name,
      column_name: null,
      schema_entity: "tables",
      contract_mode: "freeze",
      table_schema: null,
      schema_contract: contract,
      data_item: item !== null && typeof item === "object" ? (item as Record<string, unknown>) : { value: item },
      extended_info: `Can't add table \`${partial.name}\` because \`tables\` are frozen.`,
    });
  }
  return false;
}

function writeDispositionName(r: DltResource): string {
  const wd = r.hints.write_disposition ?? "append";
  return typeof wd === "string" ? wd : wd.disposition;
}

function applySteps(r: DltResource, steps: ItemStep[], items: unknown[], meta: StepMeta): unknown[] {
  let current = items;
  for (const step of steps) {
    const next: unknown[] = [];
    for (const item of current) {
      let res: unknown[] | null;
      try {
        res = step.apply(item, meta);
      } catch (e) {
        throw new ResourceExtractionError(r.name, e, step.kind);
      }
      // `close` stops the generator only after this page: dlt filters the whole page first.
      if (res) for (const x of res) next.push(x);
    }
    current = next;
  }
  return current;
}
