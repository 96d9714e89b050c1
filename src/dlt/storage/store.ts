// Where a pipeline keeps its local working state between runs (dlt's pipelines_dir): state,
// schemas and pending packages. One small interface; memory here, disk and IndexedDB elsewhere.
import type { StoredSchema } from "../schema/schema.ts";
import type { LoadPackage } from "../load/package.ts";
import type { PipelineState } from "../pipeline/state.ts";

export interface PipelineSnapshot {
  state: PipelineState;
  schemas: StoredSchema[];
  /** Extracted or normalized packages not loaded yet, oldest first. */
  pending: LoadPackage[];
}

export interface PipelineStore {
  load(pipelineName: string): Promise<PipelineSnapshot | undefined>;
  save(pipelineName: string, snapshot: PipelineSnapshot): Promise<void>;
  drop(pipelineName: string): Promise<void>;
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
    return s ? structuredClone(s) : undefined;
  }

  async save(name: string, snapshot: PipelineSnapshot): Promise<void> {
    this.pipelines.set(name, structuredClone(snapshot));
  }

  async drop(name: string): Promise<void> {
    this.pipelines.delete(name);
  }
}

type StoreFactory = (pipelinesDir: string | undefined) => PipelineStore;
let factory: StoreFactory = (dir) => new MemoryStore(dir ?? "memory");

/** The runtime (Node, browser worker) decides where pipelines live by default. */
export function setPipelineStoreFactory(f: StoreFactory): void {
  factory = f;
}

export function storeFor(pipelinesDir: string | undefined): PipelineStore {
  return factory(pipelinesDir);
}
