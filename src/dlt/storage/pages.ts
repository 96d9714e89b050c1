// A package's rows, kept in pages. Small packages stay in memory; once a package holds more than
// the memory budget, its closed pages go to the pipeline's store (files in Node, IndexedDB in the
// browser) and are read back one at a time, so loading N rows holds a bounded number of them
// (dlt's buffered writers flush items to files for the same reason).

/** Rows of one table of a package: in memory (`rows`) or in the page store (`key`). */
export interface Page<T = unknown> {
  count: number;
  rows?: T[];
  key?: string;
}

/** Where pages that don't fit in memory go. Keys are unique within a pipeline. */
export interface PageStore {
  write(key: string, rows: unknown[]): Promise<void>;
  read(key: string): Promise<unknown[]>;
  /** Forgets every page of the package `loadId` (keys start with `<loadId>/`). */
  dropPackage(loadId: string): Promise<void>;
}

/** Rows per page: large enough that a page's overhead (a file, a key) is small against its rows. */
export const PAGE_ROWS = 10_000;

const DEFAULT_BUDGET_MB = 64;
let budgetOverride: number | undefined;

/**
 * Heap bytes (estimated from sampled rows) a package stage may hold before it spills pages:
 * extract and normalize each get this much. PIPEBOOK_PACKAGE_MEMORY_MB moves it in Node.
 */
export function packageMemoryBudget(): number {
  if (budgetOverride !== undefined) return budgetOverride;
  const env = typeof process !== "undefined" ? Number(process.env?.PIPEBOOK_PACKAGE_MEMORY_MB) : NaN;
  return (Number.isFinite(env) && env >= 0 ? env : DEFAULT_BUDGET_MB) * 1024 * 1024;
}

/** Sets the budget in bytes for this process (tests spill small packages); undefined restores it. */
export function setPackageMemoryBudget(bytes: number | undefined): void {
  budgetOverride = bytes;
}

/** The rows of a page, from memory or from the store. */
export async function readPage<T>(store: PageStore | undefined, page: Page<T>): Promise<T[]> {
  if (page.rows) return page.rows;
  if (!store || page.key === undefined) throw new Error(`A page of ${page.count} rows was spilled, but the pipeline has no page store to read it from`);
  return (await store.read(page.key)) as T[];
}

export function pageRows(pages: Page[]): number {
  let n = 0;
  for (const p of pages) n += p.count;
  return n;
}

/**
 * Collects one package stage's rows per table into pages. `push` is synchronous (it runs per
 * item); `settle` spills when the budget is exceeded and must be awaited between batches.
 */
export class PageWriter<T> {
  private readonly open = new Map<string, T[]>();
  private readonly pages = new Map<string, Page<T>[]>();
  /** closed pages still in memory, oldest first, with their estimated bytes */
  private inMemory: { page: Page<T>; bytes: number }[] = [];
  private held = 0;
  private seq = 0;
  private spilled = false;

  /** `prefix` tells the stages apart: keys are `<loadId>/<prefix><n>`. */
  constructor(
    private readonly store: PageStore | undefined,
    private readonly loadId: string,
    private readonly prefix: string,
    private readonly budget = packageMemoryBudget(),
  ) {}

  push(table: string, row: T): void {
    let rows = this.open.get(table);
    if (rows === undefined) {
      rows = [];
      this.open.set(table, rows);
      if (!this.pages.has(table)) this.pages.set(table, []);
    }
    rows.push(row);
    if (rows.length >= PAGE_ROWS) this.close(table, rows);
  }

  pushAll(table: string, rows: T[]): void {
    for (let i = 0; i < rows.length; i++) this.push(table, rows[i]);
  }

  /** Tables that got rows, in first-written order. */
  tables(): string[] {
    return [...this.pages.keys()];
  }

  private close(table: string, rows: T[]): void {
    const page: Page<T> = { count: rows.length, rows };
    this.pages.get(table)!.push(page);
    this.open.delete(table);
    if (this.store) {
      const bytes = estimateBytes(rows);
      this.inMemory.push({ page, bytes });
      this.held += bytes;
    }
  }

  /**
   * Writes the oldest closed pages held in memory to the store until the rest fits the budget.
   * Only the excess goes: every page written is read back later, so spilling more than needed
   * costs time (serializing, I/O) without lowering the bound on memory.
   */
  async settle(): Promise<void> {
    while (this.held > this.budget && this.inMemory.length !== 0) await this.spillOldest();
  }

  private async spillOldest(): Promise<void> {
    const { page, bytes } = this.inMemory.shift()!;
    const key = `${this.loadId}/${this.prefix}${this.seq++}`;
    await this.store!.write(key, page.rows!);
    page.key = key;
    delete page.rows;
    this.held -= bytes;
    this.spilled = true;
  }

  /**
   * Closes the last pages and returns every table's pages. `tail: "follow"` sends the pages still
   * in memory after the rest once the package has outgrown the budget: extracted items stay with
   * the pending package while it is normalized and loaded, so a tail kept in memory would sit
   * beside the normalized rows. Normalized rows keep theirs (`"keep"`): load reads them next.
   */
  async finish(tail: "keep" | "follow"): Promise<Record<string, Page<T>[]>> {
    for (const [table, rows] of [...this.open]) this.close(table, rows);
    await this.settle();
    if (tail === "follow" && this.spilled) while (this.inMemory.length !== 0) await this.spillOldest();
    return Object.fromEntries(this.pages);
  }
}

/** Rough bytes of `rows`, from a few rows spread over the page: cheap next to the rows' own cost. */
function estimateBytes(rows: unknown[]): number {
  const n = rows.length;
  if (n === 0) return 0;
  const samples = Math.min(n, 16);
  let bytes = 0;
  for (let i = 0; i < samples; i++) bytes += sizeOf(rows[Math.floor((i * n) / samples)], 0);
  return (bytes / samples) * n;
}

const TWO_BYTE = /[^\u0000-\u00ff]/;

/**
 * Heap bytes a value takes beyond the 8-byte slot that holds it, as V8 lays values out: small
 * integers, booleans and null live in the slot; other numbers are boxed; strings take a header
 * and one byte per character (two where one is beyond Latin-1); an object's keys live in its
 * shared hidden class, so each property costs a slot. Measured within ~15% on flat and
 * normalized rows: overestimating spills packages that fit in memory, which costs time.
 */
function sizeOf(v: unknown, depth: number): number {
  switch (typeof v) {
    case "string":
      return 16 + (TWO_BYTE.test(v) ? 2 : 1) * v.length;
    case "number":
      return (v as number) === ((v as number) | 0) && Math.abs(v as number) < 2 ** 30 ? 0 : 16;
    case "bigint":
      return 24;
    case "object": {
      if (v === null) return 0;
      if (depth > 8) return 64;
      if (ArrayBuffer.isView(v)) return 64 + v.byteLength;
      if (v instanceof Date) return 40;
      let bytes = 24;
      if (Array.isArray(v)) for (const x of v) bytes += 8 + sizeOf(x, depth + 1);
      else for (const k in v as Record<string, unknown>) bytes += 8 + sizeOf((v as Record<string, unknown>)[k], depth + 1);
      return bytes;
    }
    default:
      return 0;
  }
}
