// Pipelines on disk (Node): <pipelines_dir>/<pipeline>/{state.json, schemas.json, pending.json}.
// Each file is written to a temporary name and renamed, so a crash leaves the old or the new one.
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
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
    return { state: raw as PipelineSnapshot["state"], schemas, pending };
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
