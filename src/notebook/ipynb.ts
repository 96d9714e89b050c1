// Notebooks as Jupyter files (nbformat 4.5): code cells are TypeScript, SQL cells are code cells
// marked in their metadata, markdown stays markdown. Outputs can ride along so that GitHub and
// Jupyter show the results; reading them back gives stale previews, never live state.
import type { CellOutput, DisplayRow, LoadSummary, ResultMeta } from "../worker/api.ts";
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

function text(data: Json, mime: string): string | undefined {
  const v = data[mime];
  return v === undefined ? undefined : joined(v, mime);
}

function outputFromJupyter(o: unknown): CellOutput | undefined {
  if (!isObject(o)) return undefined;
  const data = isObject(o.data) ? o.data : {};
  switch (o.output_type) {
    case "stream":
      return { type: "stream", name: o.name === "stderr" ? "stderr" : "stdout", text: joined(o.text ?? "", "stream output").replace(/\n$/, "") };
    case "error":
      return { type: "error", name: String(o.ename ?? "Error"), message: String(o.evalue ?? "") };
    case "execute_result":
    case "display_data": {
      if (isObject(data[CHECK_MIME])) return { type: "check", text: String(data[CHECK_MIME].text) };
      if (isObject(data[WARNING_MIME])) return { type: "warning", text: String(data[WARNING_MIME].text) };
      if (isObject(data[LOAD_MIME])) {
        const { loadInfo, ...summary } = data[LOAD_MIME];
        // Files written before the one-line plain text kept LoadInfo there.
        const full = typeof loadInfo === "string" ? loadInfo : (text(data, "text/plain") ?? "");
        return { type: "load", text: full, summary: summary as unknown as LoadSummary };
      }
      if (isObject(data[RESULT_MIME])) return { type: "result", result: data[RESULT_MIME] as unknown as ResultMeta, stale: true };
      const plain = text(data, "text/plain");
      if (isObject(data[VALUE_MIME])) return { type: "value", text: plain ?? "", table: data[VALUE_MIME] as never };
      if (plain === undefined) return undefined;
      return o.output_type === "execute_result" ? { type: "value", text: plain } : { type: "info", text: plain };
    }
  }
  return undefined;
}

/**
 * A notebook from the text of a .ipynb file. Anything that is not an nbformat 4 notebook is
 * refused with a message that says what is wrong; code never runs here.
 */
export function fromIpynb(textOrJson: string | unknown, fallbackTitle = "Opened notebook"): Notebook {
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
        const outputs = (Array.isArray(raw.outputs) ? raw.outputs : []).map(outputFromJupyter).filter((o): o is CellOutput => !!o);
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
  return { id: newId(), title, cells, createdAt: now, updatedAt: now };
}
