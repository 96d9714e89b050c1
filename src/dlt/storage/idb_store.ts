// Pipelines in the browser: IndexedDB through idb-keyval, one entry per pipeline and part.
// Values are structured-cloned by IndexedDB, so Dates and typed arrays survive as they are.
import { createStore, del, delMany, get, keys, set, setMany, type UseStore } from "idb-keyval";
import type { PageStore } from "./pages.ts";
import type { PipelineSnapshot, PipelineStore } from "./store.ts";
import { storedPackage } from "./store.ts";

export class IdbStore implements PipelineStore {
  private readonly db: UseStore;

  constructor(dir = "pipebook-pipelines") {
    this.db = createStore(dir, "pipelines");
  }

  async load(name: string): Promise<PipelineSnapshot | undefined> {
    const state = await get(`${name}/state`, this.db);
    if (!state) return undefined;
    return { state, schemas: (await get(`${name}/schemas`, this.db)) ?? [], pending: (await get(`${name}/pending`, this.db)) ?? [] };
  }

  async save(name: string, snapshot: PipelineSnapshot): Promise<void> {
    // One transaction: state, schemas and packages change together or not at all.
    const entries: Array<[string, unknown]> = [
      [`${name}/state`, snapshot.state],
      [`${name}/schemas`, snapshot.schemas],
    ];
    if (snapshot.pending) entries.push([`${name}/pending`, snapshot.pending.map(storedPackage)]);
    await setMany(entries, this.db);
  }

  async drop(name: string): Promise<void> {
    await Promise.all(["state", "schemas", "pending"].map((k) => del(`${name}/${k}`, this.db)));
    await this.dropPages(`${name}/pages/`);
  }

  pages(name: string): PageStore {
    const db = this.db;
    const prefix = `${name}/pages/`;
    return {
      write: (key, rows) => set(prefix + key, rows, db),
      read: async (key) => {
        const rows = await get(prefix + key, db);
        if (!Array.isArray(rows)) throw new Error(`A page of pipeline ${name} is missing from IndexedDB (${key})`);
        return rows;
      },
      dropPackage: (loadId) => this.dropPages(`${prefix}${loadId}/`),
    };
  }

  private async dropPages(prefix: string): Promise<void> {
    const all = (await keys(this.db)).filter((k) => typeof k === "string" && k.startsWith(prefix));
    if (all.length) await delMany(all, this.db);
  }
}
