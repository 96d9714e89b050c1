// "Erase all local data": notebooks, pipeline state (any IndexedDB database of this origin),
// and the DuckDB file in OPFS. The runtime must be terminated first so OPFS handles are free.
import { clearNotebooks } from "../notebook/store.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve) => {
    const req = indexedDB.deleteDatabase(name);
    // "blocked" means another connection is still open: it completes once this page unloads.
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
  });
}

async function clearOpfs(): Promise<void> {
  if (!navigator.storage?.getDirectory) return;
  const root = await navigator.storage.getDirectory();
  for (let attempt = 0; attempt < 15; attempt++) {
    try {
      const names: string[] = [];
      for await (const name of (root as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
      for (const name of names) await root.removeEntry(name, { recursive: true });
      return;
    } catch {
      // DuckDB's worker releases its access handles a moment after termination.
      await sleep(200);
    }
  }
}

export async function eraseAllLocalData(): Promise<void> {
  await clearNotebooks();
  const dbs = (await indexedDB.databases?.()) ?? [];
  await Promise.all(dbs.filter((d) => d.name).map((d) => deleteDatabase(d.name!)));
  await clearOpfs();
  localStorage.clear();
}
