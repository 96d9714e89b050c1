// Rows each load loaded, recorded when it ran. Counting `_dlt_load_id` in the tables later says
// how many of its rows survive (a later replace leaves zero), not what the load did.
import { createStore, get, set, type UseStore } from "idb-keyval";
import type { LoadInfo } from "../dlt/index.ts";

export type LoadRows = Record<string, Record<string, number>>;

/** Rows per load id and table, from the completed jobs of each package (a job's size is its rows). */
export function rowsLoaded(info: Pick<LoadInfo, "load_packages">): LoadRows {
  const out: LoadRows = {};
  for (const pkg of info.load_packages) {
    const rows: Record<string, number> = {};
    for (const job of pkg.jobs.completed_jobs) {
      const table = job.job_file_info.table_name;
      if (table.startsWith("_dlt_")) continue;
      rows[table] = (rows[table] ?? 0) + job.file_size;
    }
    out[pkg.load_id] = rows;
  }
  return out;
}

const KEY = "rows";
let store: UseStore | undefined;
const db = () => (store ??= createStore("pipebook-load-history", "loads"));

export async function recordLoadRows(rows: LoadRows): Promise<void> {
  if (typeof indexedDB === "undefined") return;
  const all = ((await get<LoadRows>(KEY, db())) ?? {}) as LoadRows;
  await set(KEY, { ...all, ...rows }, db());
}

export async function recordedLoadRows(): Promise<LoadRows> {
  if (typeof indexedDB === "undefined") return {};
  return ((await get<LoadRows>(KEY, db()).catch(() => undefined)) ?? {}) as LoadRows;
}
