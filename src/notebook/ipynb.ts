// Notebooks as Jupyter files (nbformat 4.5): code cells are TypeScript, SQL cells are code cells
// marked in their metadata, markdown stays markdown. Outputs can ride along so that GitHub and
// Jupyter show the results; reading them back gives stale previews, never live state.
import type { CellOutput, DisplayRow, LoadSummary, ResultMeta } from "./outputs.ts";
import { newId, type Cell, type Notebook } from "./model.ts";

export class NotebookFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotebookFileError";
  }
}

type Json = Record<string, unknown>;
type MultilineString = string | string[];

export interface IpynbCell {
  cell_type: "code" | "markdown" | "raw";
  id: string;
  metadata: Json;
  source: MultilineString;
  execution_count?: number | null;
  outputs?: Json[];
}

export interface Ipynb {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Json;
  cells: IpynbCell[];
}

const LOAD_MIME = "application/vnd.pipebook.load+json";
const RESULT_MIME = "application/vnd.pipebook.result+json";
const VALUE_MIME = "application/vnd.pipebook.value+json";
const CHECK_MIME = "application/vnd.pipebook.check+json";
const WARNING_MIME = "application/vnd.pipebook.warning+json";

/**
 * The plain-text form of a load: one line. Cells usually print LoadInfo themselves, so
 * nbconvert and GitHub would otherwise show it twice; the full text rides in the load MIME.
 */
export function loadLine(s: LoadSummary): string {
  const rows = s.tables.filter((t) => !t.name.startsWith("_dlt_")).reduce((a, t) => a + t.rows, 0);
  const failed = s.failedJobs.length ? `, ${s.failedJobs.length} failed job(s)` : "";
  return `Pipeline ${s.pipeline}: ${rows.toLocaleString("en")} row(s) loaded into ${s.dataset}${failed}`;
}

/** Jupyter's multiline strings: lines that keep their "\n", the last without. */
function lines(text: string): string[] {
  return text === "" ? [] : text.split(/(?<=\n)/);
}

function joined(source: unknown, where: string): string {
  if (typeof source === "string") return source;
  if (Array.isArray(source) && source.every((s) => typeof s === "string")) return source.join("");
  throw new NotebookFileError(`${where}: \`source\` must be a string or a list of strings`);
}

const isObject = (x: unknown): x is Json => !!x && typeof x === "object" && !Array.isArray(x);

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

function htmlTable(columns: string[], rows: DisplayRow[], note?: string): string {
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = rows.map((r) => `<tr>${r.map((v) => `<td>${v === null ? "<em>NULL</em>" : escapeHtml(v)}</td>`).join("")}</tr>`).join("");
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${note ? `<p>${escapeHtml(note)}</p>` : ""}`;
}

function plainTable(columns: string[], rows: DisplayRow[]): string {
  return [columns.join("\t"), ...rows.map((r) => r.map((v) => v ?? "NULL").join("\t"))].join("\n");
}

function outputToJupyter(o: CellOutput, count: number | null): Json | undefined {
  switch (o.type) {
    case "stream":
      return { output_type: "stream", name: o.name, text: lines(o.text) };
    case "error":
      return { output_type: "error", ename: o.name, evalue: o.message, traceback: [o.line ? `${o.name} at line ${o.line}: ${o.message}` : `${o.name}: ${o.message}`] };
    case "info":
      return { output_type: "display_data", data: { "text/plain": lines(o.text) }, metadata: {} };
    case "check":
      return { output_type: "display_data", data: { "text/plain": [`✓ ${o.text}`], [CHECK_MIME]: { text: o.text } }, metadata: {} };
    case "warning":
      return { output_type: "display_data", data: { "text/plain": lines(`Warning: ${o.text}`), [WARNING_MIME]: { text: o.text } }, metadata: {} };
    case "load":
      return { output_type: "display_data", data: { "text/plain": [loadLine(o.summary)], [LOAD_MIME]: { ...o.summary, loadInfo: o.text } }, metadata: {} };
    case "value": {
      const data: Json = { "text/plain": lines(o.text) };
      if (o.table) {
        data["text/html"] = lines(htmlTable(o.table.columns, o.table.rows));
        data[VALUE_MIME] = o.table;
      }
      return { output_type: "execute_result", execution_count: count, data, metadata: {} };
    }
    case "result": {
      const r = o.result;
      const names = r.columns.map((c) => c.name);
      const note = r.rowCount > r.head.length ? `First ${r.head.length} of ${r.rowCount} rows` : `${r.rowCount} rows`;
      return {
        output_type: "execute_result",
        execution_count: count,
        data: { "text/plain": lines(plainTable(names, r.head)), "text/html": lines(htmlTable(names, r.head, note)), [RESULT_MIME]: r },
        metadata: {},
      };
    }
  }
}

/** A notebook as an nbformat 4.5 document; `outputs: false` leaves results out. */
export function toIpynb(nb: Notebook, options: { outputs?: boolean } = {}): Ipynb {
  const withOutputs = options.outputs ?? true;
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "pipebook", display_name: "TypeScript (pipebook)", language: "typescript" },
      language_info: { name: "typescript", file_extension: ".ts", mimetype: "text/typescript" },
      pipebook: { title: nb.title, format: 1 },
    },
    cells: nb.cells.map((c): IpynbCell => {
      const id = /^[A-Za-z0-9_-]{1,64}$/.test(c.id) ? c.id : newId();
      if (c.kind === "markdown") return { cell_type: "markdown", id, metadata: {}, source: lines(c.source) };
      const count = withOutputs ? (c.runCount ?? null) : null;
      const outputs = withOutputs ? c.outputs.map((o) => outputToJupyter(o, count)).filter((o): o is Json => !!o) : [];
      const pipebook = c.kind === "sql" ? { kind: "sql" } : { kind: "code", language: c.language ?? "ts" };
      return { cell_type: "code", id, metadata: { pipebook }, source: lines(c.source), execution_count: count, outputs };
    }),
  };
}

export function ipynbText(nb: Notebook, options: { outputs?: boolean } = {}): string {
  return JSON.stringify(toIpynb(nb, options), null, 1) + "\n";
}

/** An output whose shape pipebook cannot trust: it is dropped, and the reader is told. */
class BadOutput extends Error {}

function text(data: Json, mime: string): string | undefined {
  const v = data[mime];
  if (v === undefined) return undefined;
  try {
    return joined(v, mime);
  } catch {
    throw new BadOutput(`\`${mime}\` is not text`);
  }
}

const isString = (x: unknown): x is string => typeof x === "string";
const isCount = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x) && x >= 0;
const listOf = (x: unknown, ok: (v: unknown) => boolean): boolean => Array.isArray(x) && x.every((v) => ok(v));
const isRow = (v: unknown): boolean => listOf(v, (c) => c === null || typeof c === "string");
const withKeys = (v: unknown, keys: Record<string, (x: unknown) => boolean>): boolean =>
  isObject(v) && Object.entries(keys).every(([k, ok]) => ok(v[k]));

/** pipebook's own mime payloads are checked to the last field: the app, autosave and Download use them as typed. */
function loadSummary(v: unknown): LoadSummary {
  const ok = withKeys(v, {
    pipeline: isString,
    dataset: isString,
    tables: (x) => listOf(x, (t) => withKeys(t, { name: isString, rows: isCount })),
    newColumns: (x) => listOf(x, (t) => withKeys(t, { table: isString, column: isString, type: isString })),
    failedJobs: (x) => listOf(x, (t) => withKeys(t, { table: isString, message: isString })),
    loadIds: (x) => listOf(x, isString),
  });
  if (!ok) throw new BadOutput(`its load summary (\`${LOAD_MIME}\`) is malformed`);
  return v as unknown as LoadSummary;
}

function resultMeta(v: unknown): ResultMeta {
  const ok =
    withKeys(v, {
      id: isString,
      columns: (x) => listOf(x, (c) => withKeys(c, { name: isString, type: isString, numeric: (b) => typeof b === "boolean" })),
      rowCount: isCount,
      head: (x) => listOf(x, isRow),
      elapsedMs: isCount,
      paged: (b) => typeof b === "boolean",
    }) && (v as unknown as ResultMeta).head.every((r) => r.length === (v as unknown as ResultMeta).columns.length);
  if (!ok) throw new BadOutput(`its query result (\`${RESULT_MIME}\`) is malformed`);
  return v as unknown as ResultMeta;
}

function valueTable(v: unknown): { columns: string[]; rows: DisplayRow[]; total: number } {
  const ok =
    withKeys(v, { columns: (x) => listOf(x, isString), rows: (x) => listOf(x, isRow), total: isCount }) &&
    (v as { columns: string[]; rows: DisplayRow[] }).rows.every((r) => r.length === (v as { columns: string[] }).columns.length);
  if (!ok) throw new BadOutput(`its value table (\`${VALUE_MIME}\`) is malformed`);
  return v as { columns: string[]; rows: DisplayRow[]; total: number };
}

/** One Jupyter output as pipebook shows it; undefined for kinds it does not show; BadOutput for broken ones. */
function outputFromJupyter(o: unknown): CellOutput | undefined {
  if (!isObject(o)) throw new BadOutput("it is not an object");
  if (o.data !== undefined && !isObject(o.data)) throw new BadOutput("its `data` is not an object");
  const data = isObject(o.data) ? o.data : {};
  switch (o.output_type) {
    case "stream": {
      let streamed: string;
      try {
        streamed = joined(o.text ?? "", "stream output");
      } catch {
        throw new BadOutput("its stream `text` is not text");
      }
      return { type: "stream", name: o.name === "stderr" ? "stderr" : "stdout", text: streamed.replace(/\n$/, "") };
    }
    case "error":
      return { type: "error", name: String(o.ename ?? "Error"), message: String(o.evalue ?? "") };
    case "execute_result":
    case "display_data": {
      if (data[CHECK_MIME] !== undefined) {
        const check = data[CHECK_MIME];
        if (!isObject(check) || !isString(check.text)) throw new BadOutput(`its check (\`${CHECK_MIME}\`) is malformed`);
        return { type: "check", text: check.text };
      }
      if (data[WARNING_MIME] !== undefined) {
        const warning = data[WARNING_MIME];
        if (!isObject(warning) || !isString(warning.text)) throw new BadOutput(`its warning (\`${WARNING_MIME}\`) is malformed`);
        return { type: "warning", text: warning.text };
      }
      if (data[LOAD_MIME] !== undefined) {
        const raw = data[LOAD_MIME];
        const { loadInfo, ...summary } = isObject(raw) ? raw : { loadInfo: undefined };
        // Files written before the one-line plain text kept LoadInfo there.
        const full = typeof loadInfo === "string" ? loadInfo : (text(data, "text/plain") ?? "");
        return { type: "load", text: full, summary: loadSummary(isObject(raw) ? summary : raw) };
      }
      if (data[RESULT_MIME] !== undefined) return { type: "result", result: resultMeta(data[RESULT_MIME]), stale: true };
      const plain = text(data, "text/plain");
      if (data[VALUE_MIME] !== undefined) return { type: "value", text: plain ?? "", table: valueTable(data[VALUE_MIME]) };
      if (plain === undefined) return undefined;
      return o.output_type === "execute_result" ? { type: "value", text: plain } : { type: "info", text: plain };
    }
  }
  return undefined;
}

/** At most this many dropped outputs are listed one by one; the rest are counted. */
const MAX_LISTED_WARNINGS = 10;

/** A notebook read from a file or link, and what could not be read of it (outputs dropped). */
export interface OpenedNotebook {
  notebook: Notebook;
  warnings: string[];
}

function readOutputs(raw: Json, where: string, warnings: string[]): CellOutput[] {
  if (raw.outputs === undefined || raw.outputs === null) return [];
  if (!Array.isArray(raw.outputs)) {
    warnings.push(`${where}: its \`outputs\` is not a list and was dropped`);
    return [];
  }
  const out: CellOutput[] = [];
  raw.outputs.forEach((o, j) => {
    try {
      const output = outputFromJupyter(o);
      if (output) out.push(output);
    } catch (e) {
      if (!(e instanceof BadOutput)) throw e;
      warnings.push(`${where}, output ${j + 1}: dropped because ${e.message}`);
    }
  });
  return out;
}

/**
 * A notebook from the text of a .ipynb file. Anything that is not an nbformat 4 notebook is
 * refused with a message that says what is wrong; code never runs here.
 */
export function fromIpynb(textOrJson: string | unknown, fallbackTitle = "Opened notebook"): Notebook {
  return readIpynb(textOrJson, fallbackTitle).notebook;
}

/**
 * As fromIpynb, with the list of what was dropped: outputs whose shape is broken are left out
 * (the cells stay), so that a notebook opens and later saves and downloads cleanly.
 */
export function readIpynb(textOrJson: string | unknown, fallbackTitle = "Opened notebook"): OpenedNotebook {
  const warnings: string[] = [];
  let doc: unknown = textOrJson;
  if (typeof textOrJson === "string") {
    try {
      doc = JSON.parse(textOrJson);
    } catch (e) {
      throw new NotebookFileError(`Not a notebook file: it is not valid JSON (${(e as Error).message})`);
    }
  }
  if (!isObject(doc)) throw new NotebookFileError("Not a notebook file: expected a JSON object with `nbformat` and `cells`");
  if (doc.nbformat !== 4) {
    throw new NotebookFileError(
      doc.nbformat === undefined ? "Not a notebook file: `nbformat` is missing" : `Unsupported notebook format ${JSON.stringify(doc.nbformat)}: pipebook opens nbformat 4`,
    );
  }
  if (!Array.isArray(doc.cells)) throw new NotebookFileError("Not a notebook file: `cells` must be a list");
  const meta = isObject(doc.metadata) ? doc.metadata : {};
  const pb = isObject(meta.pipebook) ? meta.pipebook : {};
  const kernelLanguage = isObject(meta.kernelspec) ? meta.kernelspec.language : undefined;
  const cells: Cell[] = doc.cells.map((raw, i): Cell => {
    const where = `cell ${i + 1}`;
    if (!isObject(raw)) throw new NotebookFileError(`${where} is not an object`);
    const source = joined(raw.source ?? "", where);
    const id = typeof raw.id === "string" && /^[A-Za-z0-9_-]{1,64}$/.test(raw.id) ? raw.id : newId();
    const cm = isObject(raw.metadata) && isObject(raw.metadata.pipebook) ? raw.metadata.pipebook : {};
    switch (raw.cell_type) {
      case "markdown":
      case "raw":
        return { id, kind: "markdown", source, outputs: [] };
      case "code": {
        const outputs = readOutputs(raw, where[0].toUpperCase() + where.slice(1), warnings);
        const runCount = typeof raw.execution_count === "number" ? raw.execution_count : undefined;
        if (cm.kind === "sql") return { id, kind: "sql", source, outputs, runCount };
        const language = cm.language === "js" || kernelLanguage === "javascript" ? "js" : "ts";
        return { id, kind: "code", language, source, outputs, runCount };
      }
      default:
        throw new NotebookFileError(`${where} has an unknown cell_type ${JSON.stringify(raw.cell_type)} (expected code, markdown or raw)`);
    }
  });
  // Ids must be unique within a notebook.
  const seen = new Set<string>();
  for (const c of cells) {
    if (seen.has(c.id)) c.id = newId();
    seen.add(c.id);
  }
  const now = Date.now();
  const title = typeof pb.title === "string" && pb.title.trim() ? pb.title : fallbackTitle;
  if (warnings.length > MAX_LISTED_WARNINGS) {
    const more = warnings.length - MAX_LISTED_WARNINGS;
    warnings.splice(MAX_LISTED_WARNINGS, more, `… and ${more} more output${more === 1 ? "" : "s"} dropped`);
  }
  return { notebook: { id: newId(), title, cells, createdAt: now, updatedAt: now }, warnings };
}
