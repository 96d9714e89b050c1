// A data file added to the notebook becomes a source cell that reads it the dlt way:
// `dlt.sources.filesystem(...).pipe(dlt.sources.read_csv())`, named after the file.
import { normalizeTableIdentifier } from "../dlt/naming/snake_case.ts";

const READERS: Record<string, string> = {
  csv: "read_csv",
  tsv: "read_csv",
  jsonl: "read_jsonl",
  ndjson: "read_jsonl",
  json: "read_json",
  parquet: "read_parquet",
};

export const DATA_FILE_ACCEPT = Object.keys(READERS).map((e) => `.${e}`).join(",");

export function dataFileReader(name: string): string | undefined {
  return READERS[/\.([^.]+)$/.exec(name)?.[1]?.toLowerCase() ?? ""];
}

export const isDataFile = (name: string) => dataFileReader(name) !== undefined;

/** A name safe as one OPFS file name: no folders, no control characters. */
export function storedName(name: string): string {
  return name.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, "_").replace(/^\.+/, "").slice(-200) || "data";
}

const RESERVED = new Set(
  "break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await async of dlt check console pipeline load_info".split(
    " ",
  ),
);

/** The binding and resource name for a file: its stem in dlt's snake_case ("Sales 2024.csv" → sales_2024). */
export function dataFileBinding(name: string): string {
  let id = normalizeTableIdentifier(name.replace(/\.[^.]+$/, "")) || "data";
  if (/^\d/.test(id)) id = `_${id}`;
  return RESERVED.has(id) ? `${id}_data` : id;
}

/** The part of a data file's cell that names the file (to find the cell that reads it). */
export function readsFile(name: string, bucket = "opfs://files/"): string {
  return `.filesystem({ bucket_url: ${JSON.stringify(bucket)}, file_glob: ${JSON.stringify(globEscape(name))} })`;
}

export function dataFileCell(name: string, bucket = "opfs://files/"): string {
  const reader = dataFileReader(name) ?? "read_csv";
  const binding = dataFileBinding(name);
  return [
    `// ${name}, kept in this browser: read the dlt way (filesystem source + ${reader}). Press Load… to load it.`,
    `const ${binding} = dlt.sources`,
    `  ${readsFile(name, bucket)}`,
    `  .pipe(dlt.sources.${reader}())`,
    `  .with_name(${JSON.stringify(binding)});`,
  ].join("\n");
}

/** A file name as a glob matching only itself. */
function globEscape(name: string): string {
  return name.replace(/[*?[]/g, (c) => `[${c}]`);
}
