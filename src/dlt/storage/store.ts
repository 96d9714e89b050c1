// Where a pipeline keeps its local working state between runs (dlt's pipelines_dir): state,
// schemas and pending packages. One small interface; files in Node, IndexedDB in the browser,
// memory where neither is wanted.
import type { StoredSchema } from "../schema/schema.ts";
import type { LoadPackage } from "../load/package.ts";
import type { PipelineState } from "../pipeline/state.ts";
import type { PageStore } from "./pages.ts";

export interface PipelineSnapshot {
  state: PipelineState;
  schemas: StoredSchema[];
  /**
   * Packages not loaded yet, oldest first, as extracted (normalized rows are not stored: a
   * package found here after a restart is normalized again). Absent: unchanged since last save.
   */
  pending?: LoadPackage[];
}

export interface PipelineStore {
  load(pipelineName: string): Promise<PipelineSnapshot | undefined>;
  save(pipelineName: string, snapshot: PipelineSnapshot): Promise<void>;
  drop(pipelineName: string): Promise<void>;
  /** Where the pipeline's large packages keep their pages; none: packages stay in memory. */
  pages?(pipelineName: string): PageStore;
}

/** A pending package as stored: its extracted items, to be normalized again after a restart. */
export function storedPackage(p: LoadPackage): LoadPackage {
  if (p.state === "extracted") return p;
  const { normalized: _n, schema_update: _u, ...rest } = p;
  void _n;
  void _u;
  return { ...rest, state: "extracted" };
}

const memory = new Map<string, Map<string, PipelineSnapshot>>();

/** Keeps pipelines for the life of the process (or worker), keyed by pipelines_dir. */
export class MemoryStore implements PipelineStore {
  private readonly pipelines: Map<string, PipelineSnapshot>;

  constructor(dir = "memory") {
    if (!memory.has(dir)) memory.set(dir, new Map());
    this.pipelines = memory.get(dir)!;
  }

  async load(name: string): Promise<PipelineSnapshot | undefined> {
    const s = this.pipelines.get(name);
    // Packages are never changed in place once stored, so only state and schemas need copies.
    return s ? { state: structuredClone(s.state), schemas: structuredClone(s.schemas), pending: [...(s.pending ?? [])] } : undefined;
  }

  async save(name: string, snapshot: PipelineSnapshot): Promise<void> {
    const pending = snapshot.pending?.map(storedPackage) ?? this.pipelines.get(name)?.pending ?? [];
    this.pipelines.set(name, { state: structuredClone(snapshot.state), schemas: structuredClone(snapshot.schemas), pending });
  }

  async drop(name: string): Promise<void> {
    this.pipelines.delete(name);
  }
}

const isNode = typeof process !== "undefined" && !!process.versions?.node;

type StoreFactory = (pipelinesDir: string | undefined) => PipelineStore;
let factory: StoreFactory | undefined;

/** The runtime (the browser worker) decides where pipelines live by default. */
export function setPipelineStoreFactory(f: StoreFactory | undefined): void {
  factory = f;
}

/** Node's default pipelines_dir, as API.md pins it (PIPEBOOK_PIPELINES_DIR moves it, e.g. for tests). */
export const NODE_PIPELINES_DIR = ".pipebook/pipelines";
let nodeDir: string | undefined;

/** Moves Node's default pipelines_dir for this process (`pipebook run --pipelines-dir`); undefined restores it. */
export function setDefaultPipelinesDir(dir: string | undefined): void {
  nodeDir = dir;
}

/** Where a Node pipeline without pipelines_dir keeps its state. */
export function defaultPipelinesDir(): string {
  return nodeDir ?? ((isNode && process.env.PIPEBOOK_PIPELINES_DIR) || NODE_PIPELINES_DIR);
}

export function storeFor(pipelinesDir: string | undefined): PipelineStore {
  if (factory) return factory(pipelinesDir);
  if (pipelinesDir === ":memory:" || !isNode) return new MemoryStore(pipelinesDir ?? "memory");
  return new LazyFileStore(pipelinesDir ?? defaultPipelinesDir());
}

/** The file store, loaded on first use so that browser bundles never see node:fs. */
class LazyFileStore implements PipelineStore {
  private store?: Promise<PipelineStore>;

  constructor(private readonly dir: string) {}

  private get(): Promise<PipelineStore> {
    const mod = "./file_store.ts";
    this.store ??= (import(/* @vite-ignore */ mod) as Promise<typeof import("./file_store.ts")>).then((m) => new m.FileStore(this.dir));
    return this.store;
  }

  async load(name: string) {
    return (await this.get()).load(name);
  }

  async save(name: string, snapshot: PipelineSnapshot) {
    return (await this.get()).save(name, snapshot);
  }

  async drop(name: string) {
    return (await this.get()).drop(name);
  }

  pages(name: string): PageStore {
    const pages = this.get().then((s) => s.pages!(name));
    return {
      write: async (key, rows) => (await pages).write(key, rows),
      read: async (key) => (await pages).read(key),
      dropPackage: async (loadId) => (await pages).dropPackage(loadId),
    };
  }
}
