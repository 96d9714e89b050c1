// A data file dropped on the page or picked with "Add data file…": kept in this browser (OPFS,
// by the runtime worker) and read by a new source cell, ready for Load….
import { dataFileCell, readsFile, storedName } from "../notebook/datafile.ts";
import type { NotebookController } from "./notebook.svelte.ts";
import type { Runtime } from "./runtime.svelte.ts";

export type FileMessage = { kind: "error" | "notice"; text: string };

export async function addDataFile(file: File, runtime: Runtime, nb: NotebookController): Promise<FileMessage> {
  if (nb.readOnly || !nb.nb) return { kind: "error", text: `${file.name} was not added: this tab is read-only while another tab uses the database. Nothing was changed.` };
  const name = storedName(file.name);
  try {
    const api = await runtime.api();
    await api.addDataFile(name, file);
    const source = dataFileCell(name);
    // A new version of a file already read by a cell replaces it: that cell reads the new data.
    const reader = nb.nb.cells.find((c) => c.kind === "code" && c.source.includes(readsFile(name)));
    if (reader) {
      nb.selected = reader.id;
      return { kind: "notice", text: `Replaced ${name} with the new file. The cell that reads it now reads the new data; run its load again to load it.` };
    }
    const added = nb.add("code", nb.selected, source);
    const cell = nb.cell(added.id);
    if (cell) cell.sources = (await api.analyze(source, "ts")).sources;
    const mb = file.size / 1e6;
    const size = mb >= 1 ? `${mb.toFixed(1)} MB` : `${Math.max(1, Math.round(file.size / 1e3))} kB`;
    return { kind: "notice", text: `Added ${name} (${size}), kept in this browser. The new cell reads it; press Load… on it to load it into a dataset.` };
  } catch (e) {
    return { kind: "error", text: `Could not add ${file.name}: ${(e as Error).message ?? e}. Nothing was changed.` };
  }
}
