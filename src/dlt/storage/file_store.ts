// Pipelines on disk (Node): <pipelines_dir>/<pipeline>/{state.json, schemas.json, pending.json},
// and the pages of large pending packages in packages/<load_id>/.
// Each file is written to a temporary name and renamed, so a crash leaves the old or the new one.
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { deserialize, serialize } from "node:v8";
import type { PageStore } from "./pages.ts";
import type { PipelineSnapshot, PipelineStore } from "./store.ts";
import { storedPackage } from "./store.ts";
import { parseTagged, stringifyTagged } from "./tagged_json.ts";

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return parseTagged(await readFile(path, "utf8")) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new Error(`Cannot read pipeline file ${path}: ${(e as Error).message}`);
  }
}

async function writeJson(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, stringifyTagged(value));
  await rename(tmp, path);
}


export class FileStore implements PipelineStore {
  constructor(private readonly dir: string) {}

  private path(name: string, file?: string): string {
    return file ? join(this.dir, name, file) : join(this.dir, name);
  }

  async load(name: string): Promise<PipelineSnapshot | undefined> {
    const raw = await readJson<unknown>(this.path(name, "state.json"));
    if (raw === undefined) return undefined;
    const schemas = (await readJson<PipelineSnapshot["schemas"]>(this.path(name, "schemas.json"))) ?? [];
    const pending = (await readJson<PipelineSnapshot["pending"]>(this.path(name, "pending.json"))) ?? [];
    await this.forgetOrphanPages(name, new Set(pending.map((p) => p.load_id)));
    return { state: raw as PipelineSnapshot["state"], schemas, pending };
  }

  /** Pages of a package that never became pending (a crash mid-extract) or was loaded before a crash. */
  private async forgetOrphanPages(name: string, pending: Set<string>): Promise<void> {
    let dirs: string[];
    try {
      dirs = await readdir(this.path(name, "packages"));
    } catch {
      return;
    }
    for (const d of dirs) if (!pending.has(d)) await rm(join(this.path(name, "packages"), d), { recursive: true, force: true });
  }

  pages(name: string): PageStore {
    const root = this.path(name, "packages");
    const file = (key: string) => join(root, `${key}.page`);
    return {
      // The V8 serializer keeps every value a page can hold (BigInt, Date, bytes, NaN, -0) and is
      // faster than JSON both ways. A page is written before the package that names it.
      async write(key, rows) {
        await mkdir(join(file(key), ".."), { recursive: true });
        await writeFile(file(key), serialize(rows));
      },
      async read(key) {
        return deserialize(await readFile(file(key))) as unknown[];
      },
      async dropPackage(loadId) {
        await rm(join(root, loadId), { recursive: true, force: true });
      },
    };
  }

  async save(name: string, snapshot: PipelineSnapshot): Promise<void> {
    await mkdir(this.path(name), { recursive: true });
    // Pending packages first: state never claims more than the packages that carry it.
    if (snapshot.pending) await writeJson(this.path(name, "pending.json"), snapshot.pending.map(storedPackage));
    await writeJson(this.path(name, "schemas.json"), snapshot.schemas);
    await writeJson(this.path(name, "state.json"), snapshot.state);
  }

  async drop(name: string): Promise<void> {
    await rm(this.path(name), { recursive: true, force: true });
  }
}
