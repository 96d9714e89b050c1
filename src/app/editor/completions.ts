// Completion of the dlt API in code cells: dlt.<member>, nested namespaces, the snake_case
// option names of its calls, values of write_disposition, and the notebook's own bindings.
import type { Completion, CompletionContext, CompletionResult } from "@codemirror/autocomplete";

const fn = (label: string, detail: string, info: string): Completion => ({ label, type: "function", detail, info });
const ns = (label: string, info: string): Completion => ({ label, type: "namespace", info });

/** How a new column's type is decided: the same words as the README's design notes. */
export const TYPING_RULE =
  "Column types: a new column is typed from all its values in the load. Numbers make it bigint only when every one is a whole number within ±2^53; " +
  "any fraction, NaN, ±Infinity or larger number makes it double. A BigInt keeps it bigint (up to 64 bits; beyond that the load fails — hint decimal or wei). " +
  "Once a column exists, a value of another type goes to a variant column such as v__v_double, as in dlt. " +
  "Map → object, Set and typed arrays → lists, Uint8Array/ArrayBuffer → binary, Date → timestamp; a function, symbol or cycle fails the load naming its path.";

const TOP: Completion[] = [
  fn("pipeline", "({ pipeline_name, destination, dataset_name })", "Creates a pipeline: extract → normalize → load into a destination."),
  fn("resource", "(data | function*, { name, table_name, write_disposition, primary_key, ... })", `Wraps data or a generator as a resource: one table.\n\n${TYPING_RULE}`),
  fn("source", "(function, { name, max_table_nesting, root_key })", "Groups resources; call the result to build the source."),
  fn("transformer", "(function*(item), { data_from, ... })", "A resource fed by the items of another resource."),
  ns("destinations", "dlt.destinations.duckdb(): the notebook's own DuckDB"),
  ns("sources", "dlt.sources.incremental, dlt.sources.rest_api_source"),
  ns("mark", "dlt.mark.with_table_name(item, table)"),
  ns("current", "dlt.current.source_state(), dlt.current.resource_state()"),
];

const NESTED: Record<string, Completion[]> = {
  "dlt.destinations": [fn("duckdb", "(target?)", "No argument: the notebook's database, persisted in this browser.")],
  "dlt.sources": [
    fn("incremental", '("cursor_path", { initial_value, end_value, last_value_func, primary_key, row_order })', "Loads only new items, remembering the cursor in pipeline state."),
    fn("rest_api_source", "(config)", "A source built from a REST API description."),
    fn("rest_api_resources", "(config)", "The resources of a REST API description."),
  ],
  "dlt.mark": [fn("with_table_name", "(item, table_name)", "Sends one item to another table.")],
  "dlt.current": [
    fn("source_state", "()", "The running source's own state, kept between runs."),
    fn("resource_state", "(resource_name?)", "The running resource's own state, kept between runs."),
  ],
};

const METHODS: Completion[] = [
  ["run", "method", `await pipeline.run(data, { write_disposition, table_name, primary_key })\n\n${TYPING_RULE}`],
  ["extract", "method", "await pipeline.extract(data)"],
  ["normalize", "method", "await pipeline.normalize()"],
  ["load", "method", "await pipeline.load()"],
  ["query", "method", "await pipeline.query(sql) → rows"],
  ["drop", "method", "await pipeline.drop(): forgets local state"],
  ["sync_destination", "method", "await pipeline.sync_destination()"],
  ["add_map", "method", "resource.add_map(fn)"],
  ["add_filter", "method", "resource.add_filter(fn)"],
  ["add_yield_map", "method", "resource.add_yield_map(fn)"],
  ["add_limit", "method", "resource.add_limit(n)"],
  ["apply_hints", "method", "resource.apply_hints({ ... })"],
  ["with_name", "method", "resource.with_name(name)"],
  ["with_resources", "method", "source.with_resources(...names)"],
  ["raise_on_failed_jobs", "method", "load_info.raise_on_failed_jobs()"],
  ["resources", "property", "source.resources"],
  ["state", "property", "pipeline.state"],
  ["default_schema", "property", "pipeline.default_schema"],
  ["dataset_name", "property", "pipeline.dataset_name"],
  ["last_trace", "property", "pipeline.last_trace"],
  ["load_packages", "property", "load_info.load_packages"],
  ["has_failed_jobs", "property", "load_info.has_failed_jobs"],
  ["loads_ids", "property", "load_info.loads_ids"],
].map(([label, type, info]) => ({ label, type, info, boost: -1 }));

/** Option names, snake_case as in dlt; completed as `name: `. */
export const OPTION_NAMES: Array<[string, string]> = [
  ["pipeline_name", "dlt.pipeline"],
  ["destination", "dlt.pipeline"],
  ["dataset_name", "dlt.pipeline"],
  ["dev_mode", "dlt.pipeline"],
  ["pipelines_dir", "dlt.pipeline"],
  ["progress", "dlt.pipeline"],
  ["write_disposition", "run / resource"],
  ["primary_key", "run / resource"],
  ["merge_key", "run / resource"],
  ["table_name", "run / resource"],
  ["columns", "run / resource"],
  ["schema_contract", "run / resource"],
  ["refresh", "run"],
  ["name", "resource / source"],
  ["max_table_nesting", "resource / source"],
  ["selected", "resource"],
  ["incremental", "resource"],
  ["data_from", "transformer"],
  ["root_key", "source"],
  ["initial_value", "incremental"],
  ["end_value", "incremental"],
  ["last_value_func", "incremental"],
  ["row_order", "incremental"],
  ["on_cursor_value_missing", "incremental"],
  ["range_start", "incremental"],
  ["range_end", "incremental"],
  ["lag", "incremental"],
  ["data_type", "column"],
  ["nullable", "column"],
  ["precision", "column"],
  ["scale", "column"],
  ["timezone", "column"],
  ["dedup_sort", "column"],
  ["hard_delete", "column"],
  ["disposition", "write_disposition"],
  ["strategy", "write_disposition"],
];

const VALUES: Record<string, string[]> = {
  write_disposition: ["replace", "append", "merge", "skip"],
  disposition: ["replace", "append", "merge", "skip"],
  strategy: ["delete-insert", "upsert", "scd2", "truncate-and-insert", "insert-from-staging"],
  data_type: ["text", "bigint", "double", "bool", "timestamp", "date", "time", "decimal", "json", "binary", "wei"],
  last_value_func: ["max", "min"],
  row_order: ["asc", "desc"],
  on_cursor_value_missing: ["raise", "include", "exclude"],
  refresh: ["drop_sources", "drop_resources", "drop_data"],
};

/**
 * Is the cursor where an option name goes: `dlt.pipeline({ pipe|`? Read from the text, since
 * half-typed code (no closing brace yet) does not parse as an object: find the innermost open
 * bracket; a `{` that follows `(`, `,`, `[` or `:` opens an object literal, not a block.
 */
function insideObjectLiteral(ctx: CompletionContext): boolean {
  const text = ctx.state.sliceDoc(Math.max(0, ctx.pos - 4000), ctx.pos);
  let depth = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    const ch = text[i];
    if (ch === "}" || ch === ")" || ch === "]") depth++;
    else if (ch === "{" || ch === "(" || ch === "[") {
      if (depth > 0) {
        depth--;
        continue;
      }
      if (ch !== "{") return false;
      const before = text.slice(0, i).trimEnd();
      return /[(,[:]$/.test(before);
    }
  }
  return false;
}

export function dltCompletionSource(names: () => string[]) {
  return (ctx: CompletionContext): CompletionResult | null => {
    const value = ctx.matchBefore(/(\w+)\s*:\s*["']([\w-]*)$/);
    if (value) {
      const [, key, partial] = /(\w+)\s*:\s*["']([\w-]*)$/.exec(value.text)!;
      const list = VALUES[key];
      if (list) return { from: ctx.pos - partial.length, options: list.map((v) => ({ label: v, type: "enum" })), validFor: /^[\w-]*$/ };
    }
    const member = ctx.matchBefore(/\bdlt(?:\.\w+)*\.\w*$/);
    if (member) {
      const parts = member.text.split(".");
      const partial = parts.pop()!;
      const list = parts.join(".") === "dlt" ? TOP : NESTED[parts.join(".")];
      if (list) return { from: ctx.pos - partial.length, options: list, validFor: /^\w*$/ };
    }
    const dotted = ctx.matchBefore(/\.\w*$/);
    if (dotted) return { from: dotted.from + 1, options: METHODS, validFor: /^\w*$/ };
    const word = ctx.matchBefore(/\w+$/);
    if (!word && !ctx.explicit) return null;
    const from = word ? word.from : ctx.pos;
    if (insideObjectLiteral(ctx)) {
      return {
        from,
        options: OPTION_NAMES.map(([label, detail]) => ({ label, detail, type: "property", apply: `${label}: ` })),
        validFor: /^\w*$/,
      };
    }
    return {
      from,
      options: [
        { label: "dlt", type: "namespace", info: "pipebook's dlt: pipeline, resource, source, ...", boost: 2 },
        fn("check", "(condition, what)", "Verifies a step's outcome: shows ✓ what, or fails the cell saying what was expected."),
        ...names().map((n) => ({ label: n, type: "variable" })),
      ],
      validFor: /^\w*$/,
    };
  };
}
