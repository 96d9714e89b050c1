// Notebooks in and out of the browser: download as .ipynb, open a file (picker or drop), open a
// same-origin URL (`?notebook=`). Reading never runs anything; a bad file changes nothing.
import { ipynbText, NotebookFileError, readIpynb, type OpenedNotebook } from "../notebook/ipynb.ts";
import type { Notebook } from "../notebook/model.ts";
import { saveBlob } from "./downloads.ts";

const MAX_BYTES = 64 * 1024 * 1024;

export function fileName(title: string): string {
  const base = title.trim().replace(/[\\/:*?"<>|\u0000-\u001f]+/g, " ").replace(/\s+/g, " ").trim() || "notebook";
  return `${base.slice(0, 120)}.ipynb`;
}

/** A shell word for a file name: double quotes, unless the name holds what they would expand. */
function shellQuote(name: string): string {
  return /[$`\\!"]/.test(name) ? `'${name.replace(/'/g, "'\\''")}'` : `"${name}"`;
}

/**
 * The command that runs a notebook, downloaded as its .ipynb file, headless in Node from a
 * checkout of pipebook: `npx pipebook run "Title.ipynb" --destination ./title.duckdb`.
 */
export function headlessCommand(title: string): string {
  const file = fileName(title);
  const db = file.replace(/\.ipynb$/, "").toLowerCase().replace(/[^a-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "") || "notebook";
  return `npx pipebook run ${shellQuote(file)} --destination ./${db}.duckdb`;
}

export function downloadNotebook(nb: Notebook, options: { outputs?: boolean } = {}): void {
  saveBlob(new Blob([ipynbText(nb, options)], { type: "application/x-ipynb+json" }), fileName(nb.title));
}

export async function readNotebookFile(file: File): Promise<OpenedNotebook> {
  if (file.size > MAX_BYTES) throw new NotebookFileError(`${file.name} is ${(file.size / 1e6).toFixed(0)} MB: too large for a notebook file`);
  const title = file.name.replace(/\.ipynb$/i, "") || "Opened notebook";
  try {
    return readIpynb(await file.text(), title);
  } catch (e) {
    if (e instanceof NotebookFileError) throw new NotebookFileError(`${file.name}: ${e.message}`);
    throw e;
  }
}

/** `?notebook=<url>`: only from this app's own origin, so a link can't pull in a stranger's file. */
export async function fetchNotebook(param: string): Promise<OpenedNotebook> {
  let url: URL;
  try {
    url = new URL(param, location.href);
  } catch {
    throw new NotebookFileError(`?notebook=${param} is not a URL`);
  }
  if (url.origin !== location.origin) {
    throw new NotebookFileError(`?notebook= opens files from ${location.origin} only, not ${url.origin}. Download the file and open it instead.`);
  }
  const res = await fetch(url, { cache: "no-cache", headers: { accept: "application/x-ipynb+json, application/json" } });
  // A single-page server answers a missing file with its index page: that is a 404 too.
  const isPage = /text\/html/i.test(res.headers.get("content-type") ?? "");
  if (res.status === 404 || (res.ok && isPage)) throw new NotebookFileError(`Could not open ${url.pathname}: not found (404).`);
  if (!res.ok) throw new NotebookFileError(`Could not open ${url.pathname}: the server answered ${res.status} ${res.statusText}`.trim());
  const title = decodeURIComponent(url.pathname.split("/").pop() ?? "").replace(/\.ipynb$/i, "") || "Opened notebook";
  try {
    return readIpynb(await res.text(), title);
  } catch (e) {
    if (e instanceof NotebookFileError) throw new NotebookFileError(`${url.pathname}: ${e.message}`);
    throw e;
  }
}
