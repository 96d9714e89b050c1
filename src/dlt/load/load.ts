// Load: one package into a destination in one transaction — migrate, truncate (replace), insert,
// merge follow-ups, `_dlt_version`, and `_dlt_loads` last. A failure rolls everything back.
// Destination-neutral: it speaks the JobClient interface; follow-up SQL needs an SqlClient.
import { isSqlClient, type JobClient } from "../destinations/client.ts";
import { LOADS_TABLE, Schema, VERSION_TABLE, isSystemTable } from "../schema/schema.ts";
import type { TReplaceStrategy, TTableSchema } from "../schema/types.ts";
import { uniqIdHex } from "../utils/digest.ts";
import { emptyJobs, jobFileInfo, type CreatedColumn, type LoadJobInfo, type LoadPackageInfo } from "../pipeline/load_info.ts";
import { mergeSql, probeStaged } from "./merge.ts";
import type { LoadPackage, NormalizedRow } from "./package.ts";
import { pageRows, readPage, type Page, type PageStore } from "../storage/pages.ts";

export interface LoadOptions {
  dataset: string;
  replaceStrategy?: TReplaceStrategy;
  raiseOnFailedJobs: boolean;
  /** where the package's spilled pages are */
  pages?: PageStore;
  onProgress?: (p: { table: string; rows: number; done: number; total: number }) => void;
}

/** A job that failed terminally inside the load transaction. */
export class JobFailure extends Error {
  constructor(
    readonly jobId: string,
    readonly table: string,
    readonly failedMessage: string,
  ) {
    super(failedMessage);
  }
}

interface Job {
  table: string;
  fileId: string;
  pages: Page<NormalizedRow>[];
  jobId: string;
}

export interface LoadResult {
  info: LoadPackageInfo;
}

function jobsOf(pkg: LoadPackage): Job[] {
  return Object.entries(pkg.normalized?.tables ?? {}).map(([table, pages]) => {
    const fileId = uniqIdHex(5);
    return { table, fileId, pages, jobId: jobFileInfo(table, fileId).job_id() };
  });
}

/** Thrown to roll a rehearsal back, carrying what the probe saw. */
class Rehearsed<T> extends Error {
  constructor(readonly result: T) {
    super("rehearsal rolled back");
  }
}

/**
 * The package's whole load, run inside a transaction that is always rolled back (a dry run):
 * `probe.before` runs first in the transaction, `probe.after` once the load SQL has run.
 * A job that would fail throws its JobFailure, as the real load would.
 */
export async function rehearsePackage<T>(
  client: JobClient,
  pkg: LoadPackage,
  options: LoadOptions,
  probe: { before(): Promise<void>; after(): Promise<T> },
): Promise<T> {
  const schema = Schema.fromStored(pkg.schema);
  const jobs = jobsOf(pkg);
  try {
    await client.transaction(async () => {
      await probe.before();
      await loadInTransaction(client, schema, pkg, jobs, new Map(), new Map(), options);
      throw new Rehearsed(await probe.after());
    });
  } catch (e) {
    if (e instanceof Rehearsed) return e.result as T;
    throw e;
  }
  throw new Error("A rehearsal must end in a rollback");
}

export async function loadPackage(client: JobClient, pkg: LoadPackage, options: LoadOptions): Promise<LoadResult> {
  const schema = Schema.fromStored(pkg.schema);
  const jobs = jobsOf(pkg);
  const failed = new Map<string, JobFailure>();
  const followUps = new Map<string, string>();
  const started = new Date();
  let created: CreatedColumn[] = [];

  for (;;) {
    try {
      created = await client.transaction(() => loadInTransaction(client, schema, pkg, jobs, failed, followUps, options));
      break;
    } catch (e) {
      if (!(e instanceof JobFailure)) throw e;
      failed.set(e.jobId, e);
      if (options.raiseOnFailedJobs) throw e;
      // Retry the package without the failed job: the rest still loads, as dlt does with
      // raise_on_failed_jobs=false.
    }
  }

  const jobInfo = (job: Job, state: "completed_jobs" | "failed_jobs"): LoadJobInfo => ({
    state,
    file_path: `${pkg.load_id}/${state}/${job.table}.${job.fileId}.0.arrow`,
    file_size: pageRows(job.pages),
    created_at: started,
    elapsed: (Date.now() - started.getTime()) / 1000,
    job_file_info: jobFileInfo(job.table, job.fileId),
    failed_message: failed.get(job.jobId)?.failedMessage ?? null,
  });
  const jobsInfo = emptyJobs();
  for (const job of jobs) {
    const state = failed.has(job.jobId) ? "failed_jobs" : "completed_jobs";
    jobsInfo[state].push(jobInfo(job, state));
  }
  return {
    info: {
      load_id: pkg.load_id,
      package_path: pkg.load_id,
      state: "loaded",
      schema_name: pkg.schema_name,
      schema_update: pkg.schema_update ?? {},
      ...(pkg.schema_diff ? { schema_diff: pkg.schema_diff } : {}),
      created_columns: created,
      completed_at: new Date(),
      jobs: jobsInfo,
    },
  };
}

function replaceStrategyOf(root: TTableSchema, options: LoadOptions): TReplaceStrategy {
  return root["x-replace-strategy"] ?? options.replaceStrategy ?? "truncate-and-insert";
}

/**
 * Where a table's rows go first: the final table, or staging for merge/insert-from-staging.
 * Only SQL destinations have staging: elsewhere replace deletes then writes, and merge appends
 * (as dlt's filesystem destination does without a table format).
 */
function usesStaging(client: JobClient, root: TTableSchema, options: LoadOptions): boolean {
  if (!isSqlClient(client)) return false;
  if (root.write_disposition === "merge") return true;
  return root.write_disposition === "replace" && replaceStrategyOf(root, options) === "insert-from-staging";
}

/** The columns `migrate` added to `storage` (it records what it creates there), typed by the schema. */
function createdColumns(schema: Schema, before: Map<string, string[]>, after: Map<string, string[]>): CreatedColumn[] {
  const out: CreatedColumn[] = [];
  for (const [table, columns] of after) {
    const had = new Set(before.get(table) ?? []);
    for (const column of columns) {
      if (!had.has(column)) out.push({ table, column, data_type: schema.getTable(table)?.columns[column]?.data_type ?? "" });
    }
  }
  return out;
}

async function loadInTransaction(
  client: JobClient,
  schema: Schema,
  pkg: LoadPackage,
  jobs: Job[],
  failed: Map<string, JobFailure>,
  followUps: Map<string, string>,
  options: LoadOptions,
): Promise<CreatedColumn[]> {
  const dataset = options.dataset;
  const staging = `${dataset}_staging`;
  const inPackage = new Set(jobs.map((j) => j.table));
  const toMigrate = Object.values(schema.tables).filter(
    (t) => isSystemTable(t.name) || inPackage.has(t.name) || Schema.hasSeenData(t),
  );
  // Root tables this package touches, with their whole chains.
  const roots = new Map<string, TTableSchema>();
  for (const t of [...inPackage, ...pkg.extracted.empty_replace_tables]) {
    if (!schema.getTable(t)) continue;
    const root = schema.rootTable(t);
    roots.set(root.name, root);
  }
  // Every table this load may create, alter, empty or drop: the destination is asked about those only.
  const touched = [
    ...toMigrate.map((t) => t.name),
    ...[...roots.values()].flatMap((r) => schema.tableChain(r.name).map((t) => t.name)),
    ...(pkg.refresh ? [...pkg.refresh.drop_tables, ...pkg.refresh.truncate_tables, VERSION_TABLE] : []),
  ];
  const storage = await client.storageColumns(dataset, touched);
  if (pkg.refresh) {
    const dropped = pkg.refresh.drop_tables.filter((t) => storage.has(t));
    await client.dropTables(dataset, dropped);
    for (const t of dropped) storage.delete(t);
    await client.truncateTables(dataset, pkg.refresh.truncate_tables.filter((t) => storage.has(t)));
    if (pkg.refresh.drop_schema_history && storage.has(VERSION_TABLE)) await client.deleteSchemaHistory(dataset, schema.name);
  }
  const before = new Map([...storage].map(([t, cols]) => [t, [...cols]]));
  await client.migrate(dataset, toMigrate, storage);
  const created = createdColumns(schema, before, storage);

  for (const root of roots.values()) {
    if (root.write_disposition === "merge" && !isSqlClient(client)) {
      console.warn(`Falling back to \`append\` on \`${root.name}\`: the destination supports no merge strategy.`);
    }
    const chain = schema.tableChain(root.name);
    if (usesStaging(client, root, options)) {
      for (const t of chain) if (Schema.completeColumns(t).length) await client.recreateStagingTable(staging, t);
    } else if (root.write_disposition === "replace") {
      await client.truncateTables(dataset, [...chain].reverse().map((t) => t.name).filter((t) => storage.has(t)));
    }
  }

  let done = 0;
  for (const job of jobs) {
    if (failed.has(job.jobId)) continue;
    const table = schema.getTable(job.table)!;
    const root = schema.rootTable(job.table);
    const target = usesStaging(client, root, options) ? staging : dataset;
    let rows = 0;
    // A page that cannot be read back is the package's failure, not the job's.
    let unreadable: { error: unknown } | undefined;
    async function* pages() {
      for (const page of job.pages) {
        let pageRows: NormalizedRow[];
        try {
          pageRows = await readPage(options.pages, page);
        } catch (error) {
          unreadable = { error };
          throw error;
        }
        rows += pageRows.length;
        yield pageRows;
      }
    }
    try {
      await client.loadRows(target, table, pages(), pkg.load_id);
    } catch (e) {
      if (unreadable) throw unreadable.error;
      throw new JobFailure(job.jobId, job.table, errorMessage(e));
    }
    done += 1;
    options.onProgress?.({ table: job.table, rows, done, total: jobs.length });
  }

  for (const root of roots.values()) {
    if (!usesStaging(client, root, options)) continue;
    if (!isSqlClient(client)) throw new Error(`${root.write_disposition} through a staging dataset needs an SQL destination`);
    const d = client.dialect;
    const chain = schema.tableChain(root.name).filter((t) => Schema.completeColumns(t).length);
    const statements =
      root.write_disposition === "merge"
        ? mergeSql(
            await probeStaged({ chain, dataset, staging, loadId: pkg.load_id, schemaName: schema.name, dialect: d }, (sql) =>
              client.rows(sql),
            ),
          )
        : chain.flatMap((t) => {
            const cols = Schema.completeColumns(t).map((c) => d.quoteIdent(c.name)).join(", ");
            return [
              `DELETE FROM ${d.qualified(dataset, t.name)} WHERE 1=1`,
              `INSERT INTO ${d.qualified(dataset, t.name)} (${cols}) SELECT ${cols} FROM ${d.qualified(staging, t.name)}`,
            ];
          });
    if (!followUps.has(root.name)) followUps.set(root.name, `${root.name}.${uniqIdHex(5)}.sql`);
    const jobId = followUps.get(root.name)!;
    if (failed.has(jobId)) continue;
    try {
      for (const sql of statements) await client.execute(sql);
    } catch (e) {
      throw new JobFailure(jobId, root.name, errorMessage(e));
    }
  }

  if (!(await client.schemaVersionStored(dataset, schema.name, schema.version_hash))) {
    await client.storeSchemaVersion(dataset, schema.toStored());
  }
  await client.completeLoad(dataset, pkg.load_id, schema.name, schema.version_hash);
  return created;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
