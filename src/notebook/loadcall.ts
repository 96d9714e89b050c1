// The Load dialog writes the same `pipeline.run(...)` call a person would write by hand.
import type { DefinedSourceInfo } from "./outputs.ts";

export type MergeStrategy = "delete-insert" | "upsert" | "scd2";

export interface LoadChoice {
  source: DefinedSourceInfo;
  pipelineName: string;
  datasetName: string;
  tableName?: string;
  disposition: "replace" | "append" | "merge";
  primaryKey?: string;
  mergeKey?: string;
  strategy?: MergeStrategy;
}

const str = (s: string) => JSON.stringify(s);

function keyList(text: string | undefined): string | undefined {
  const keys = (text ?? "").split(",").map((k) => k.trim()).filter(Boolean);
  if (!keys.length) return undefined;
  return keys.length === 1 ? str(keys[0]) : `[${keys.map(str).join(", ")}]`;
}

/** The pipeline a Load writes, and the arguments of its run. */
function loadParts(c: LoadChoice): { pipeline: string[]; args: string; opts: string[] } {
  // A source factory is called to build the source; resources are passed as they are.
  const data = c.source.kind === "source" ? `${c.source.name}()` : c.source.name;
  const opts: string[] = [];
  if (c.tableName?.trim()) opts.push(`table_name: ${str(c.tableName.trim())}`);
  if (c.disposition === "merge" && c.strategy && c.strategy !== "delete-insert") {
    opts.push(`write_disposition: { disposition: "merge", strategy: ${str(c.strategy)} }`);
  } else {
    opts.push(`write_disposition: ${str(c.disposition)}`);
  }
  if (c.disposition === "merge") {
    const pk = keyList(c.primaryKey);
    const mk = keyList(c.mergeKey);
    if (pk) opts.push(`primary_key: ${pk}`);
    if (mk) opts.push(`merge_key: ${mk}`);
  }
  const pipeline = [
    `const pipeline = dlt.pipeline({`,
    `  pipeline_name: ${str(c.pipelineName)},`,
    `  destination: dlt.destinations.duckdb(),`,
    `  dataset_name: ${str(c.datasetName)},`,
    `});`,
  ];
  return { pipeline, args: data, opts };
}

export function loadCall(c: LoadChoice): string {
  const { pipeline, args, opts } = loadParts(c);
  return [...pipeline, `const load_info = await pipeline.run(${args}, { ${opts.join(", ")} });`, `console.log(String(load_info));`].join("\n");
}

/** The same load as a dry run: one expression (it binds no names in the session) giving the report. */
export function previewCall(c: LoadChoice): string {
  const { pipeline, args, opts } = loadParts(c);
  const body = [...pipeline, `return (await pipeline.run(${args}, { ${[...opts, "dry_run: true"].join(", ")} })).dry_run;`];
  return ["await (async () => {", ...body.map((l) => `  ${l}`), "})()"].join("\n");
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Does this cell's code pass `name` (or `name()`) to a pipeline's run? */
export function loadsResource(source: string, name: string): boolean {
  return new RegExp(`\\.run\\(\\s*${escapeRe(name)}\\s*(\\(|,|\\))`).test(source);
}

/**
 * Where the Load dialog's cell goes: after the last cell that already loads the same resource
 * (below the defining cell), else right after the defining cell. Repeated loads then read top to
 * bottom in the order they ran, and Run all replays them in that order.
 */
export function loadCellAfter(cells: ReadonlyArray<{ id: string; source: string }>, definingId: string, name: string): string {
  const at = cells.findIndex((c) => c.id === definingId);
  let after = definingId;
  for (const c of cells.slice(at + 1)) if (loadsResource(c.source, name)) after = c.id;
  return after;
}
