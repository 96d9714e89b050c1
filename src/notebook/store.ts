// Notebooks in IndexedDB (idb-keyval), one key per notebook. Everything stays in this browser.
import { createStore, del, get, set, values, clear } from "idb-keyval";
import { persistableOutputs, type Notebook } from "./model.ts";

const store = () => createStore("pipebook-notebooks", "notebooks");
const LAST_KEY = "pipebook:last-notebook";

export interface NotebookEntry {
  id: string;
  title: string;
  updatedAt: number;
  cells: number;
}

export async function listNotebooks(): Promise<NotebookEntry[]> {
  const all = (await values<Notebook>(store())) ?? [];
  return all
    .map((n) => ({ id: n.id, title: n.title, updatedAt: n.updatedAt, cells: n.cells.length }))
    .sort((a, b) => b.updatedAt - a.updatedAt);
}

export async function loadNotebook(id: string): Promise<Notebook | undefined> {
  return get<Notebook>(id, store());
}

export async function saveNotebook(nb: Notebook): Promise<void> {
  // $state proxies can't be structured-cloned: store a plain copy.
  const plain = JSON.parse(JSON.stringify(nb)) as Notebook;
  plain.cells = plain.cells.map((c) => ({ ...c, outputs: persistableOutputs(c.outputs) }));
  await set(nb.id, plain, store());
  localStorage.setItem(LAST_KEY, nb.id);
}

export async function deleteNotebook(id: string): Promise<void> {
  await del(id, store());
}

export function lastNotebookId(): string | null {
  return localStorage.getItem(LAST_KEY);
}

export async function clearNotebooks(): Promise<void> {
  await clear(store());
  localStorage.removeItem(LAST_KEY);
}
