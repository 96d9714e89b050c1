// dlt.pipeline: run() = extract → normalize → load, with state, schemas and pending packages
// kept in a local store between runs (dlt/pipeline/pipeline.py).
import { isDestination, isSqlClient, type Destination, type JobClient, type ResultRow } from "../destinations/client.ts";
import { duckdb } from "../destinations/duckdb/factory.ts";
import {
  LoadClientJobFailed,
  NormalizeJobFailed,
  PipelineConfigError,
  PipelineStepFailed,
  type TPipelineStep,
} from "../errors.ts";
import { extractResources } from "../extract/extract.ts";
import type { SourceDefaults } from "../extract/hints.ts";
import { DltResource, resource as makeResource, type ResourceOptions } from "../extract/resource.ts";
import { DltSource } from "../extract/source.ts";
import { JobFailure, loadPackage, type LoadOptions } from "../load/load.ts";
import { addSchemaDiff, emptyReport, rehearseCounts } from "../load/dry_run.ts";
import { DataValidationError } from "../normalize/errors.ts";
import { DryRunInfo } from "./dry_run_info.ts";
import { newLoadId, type LoadPackage } from "../load/package.ts";
import { ItemsNormalizer } from "../normalize/index.ts";
import { LOADS_TABLE, STATE_TABLE, Schema, VERSION_TABLE, stateTableSchema } from "../schema/schema.ts";
import type { TColumnSchema, TSchemaContract, TWriteDispositionConfig } from "../schema/types.ts";
import { storeFor, type PipelineStore } from "../storage/store.ts";
import { PageWriter, readPage, type PageStore } from "../storage/pages.ts";
import type { NormalizedRow } from "../load/package.ts";
import { destinationDatasetName, validatePipelineName } from "./names.ts";
import { diffSchemas, mergeDiffs } from "../schema/diff.ts";
import { uniqIdHex } from "../utils/digest.ts";
import {
  ExtractInfo,
  LoadInfo,
  NormalizeInfo,
  emptyJobs,
  type LoadPackageInfo,
} from "./load_info.ts";
import {
  STATE_ENGINE_VERSION,
  bumpStateVersion,
  decodeState,
  encodeState,
  newState,
  type PipelineState,
} from "./state.ts";

export interface ProgressEvent {
  step: "extract" | "normalize" | "load";
  resource?: string;
  table?: string;
  /** extract: items so far; normalize/load: rows */
  items?: number;
  done?: number;
  total?: number;
  /** extract from files: the file being read, and how far (bytes of total_bytes) */
  file?: string;
  bytes?: number;
  total_bytes?: number;
}

export interface PipelineOptions {
  pipeline_name?: string;
  destination?: Destination | "duckdb";
  dataset_name?: string;
  dev_mode?: boolean;
  pipelines_dir?: string;
  /** dlt's `load.raise_on_failed_jobs` (default true): a failed job aborts the package and raises. */
  raise_on_failed_jobs?: boolean;
  /** Applied to every run of this pipeline object unless run() says otherwise. */
  refresh?: RunOptions["refresh"];
  /** With no usable local state, run() takes state and schemas from the destination (default true). */
  restore_from_destination?: boolean;
  progress?: (event: ProgressEvent) => void;
}

export interface RunOptions {
  table_name?: string;
  write_disposition?: TWriteDispositionConfig;
  primary_key?: string | string[];
  merge_key?: string | string[];
  columns?: Record<string, TColumnSchema> | TColumnSchema[];
  schema_contract?: TSchemaContract;
  refresh?: "drop_sources" | "drop_resources" | "drop_data";
  /** pipebook's own: rehearse the run and report what it would do, changing nothing */
  dry_run?: boolean;
}

export interface PipelineTrace {
  started_at: Date;
  finished_at?: Date;
  steps: Array<{ step: TPipelineStep | "run"; started_at: Date; finished_at: Date; step_info?: unknown; step_exception?: string }>;
  last_extract_info?: ExtractInfo;
  last_normalize_info?: NormalizeInfo;
  last_load_info?: LoadInfo;
}

interface SourceGroup {
  schemaName: string;
  resources: DltResource[];
  defaults: SourceDefaults;
}

function devModeSuffix(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, "0");
  // pendulum's "hh" is a 12-hour clock; dlt's suffix uses it.
  const h12 = d.getHours() % 12 === 0 ? 12 : d.getHours() % 12;
  return `_${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}${p(h12)}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

export class Pipeline {
  readonly pipeline_name: string;
  readonly destination: Destination;
  readonly dataset_name: string;
  /** dataset_name normalized by the naming convention: the schema the destination uses (as dlt). */
  private readonly datasetAtDestination: string;
  readonly dev_mode: boolean;
  readonly pipelines_dir?: string;
  raise_on_failed_jobs: boolean;
  refresh?: RunOptions["refresh"];
  restore_from_destination: boolean;
  progress?: (event: ProgressEvent) => void;
  last_trace?: PipelineTrace;

  private readonly store: PipelineStore;
  /** where packages too large for memory keep their pages (none: they stay in memory) */
  private readonly pages?: PageStore;
  private loading?: Promise<void>;
  private _state: PipelineState;
  private _schemas = new Map<string, Schema>();
  private pending: LoadPackage[] = [];

  constructor(options: PipelineOptions = {}) {
    this.pipeline_name = validatePipelineName(options.pipeline_name ?? "dlt_pipeline");
    const dest = options.destination ?? "duckdb";
    if (dest === "duckdb") this.destination = duckdb();
    else if (isDestination(dest)) this.destination = dest;
    else {
      throw new PipelineConfigError(
        `Destination ${String(dest)} is not supported: use dlt.destinations.duckdb(...) or dlt.destinations.postgres(...)`,
      );
    }
    this.dev_mode = !!options.dev_mode;
    const dataset = options.dataset_name ?? `${this.pipeline_name}_dataset`;
    this.dataset_name = this.dev_mode ? dataset + devModeSuffix() : dataset;
    this.datasetAtDestination = destinationDatasetName(this.dataset_name);
    this.pipelines_dir = options.pipelines_dir;
    this.raise_on_failed_jobs = options.raise_on_failed_jobs ?? true;
    this.refresh = options.refresh;
    this.restore_from_destination = options.restore_from_destination ?? true;
    this.progress = options.progress;
    this.store = storeFor(options.pipelines_dir);
    this.pages = this.store.pages?.(this.pipeline_name);
    this._state = newState(this.pipeline_name);
    if (this.dev_mode) this.loading = this.store.drop(this.pipeline_name);
  }

  /** A copy of the pipeline state (dlt returns a dict). */
  get state(): PipelineState {
    return structuredClone(this._state);
  }

  get first_run(): boolean {
    return this._state._local.first_run;
  }

  get default_schema_name(): string | null {
    return (this._state.default_schema_name as string | undefined) ?? null;
  }

  get default_schema(): Schema | undefined {
    const name = this.default_schema_name;
    return name ? this._schemas.get(name) : undefined;
  }

  get schemas(): Record<string, Schema> {
    return Object.fromEntries(this._schemas);
  }

  get has_pending_data(): boolean {
    return this.pending.length > 0;
  }

  /** Loads local state on first use: the constructor is synchronous, the store is not. */
  private async ready(): Promise<void> {
    this.loading ??= Promise.resolve();
    await this.loading;
    if ((this as { restored?: boolean }).restored) return;
    (this as { restored?: boolean }).restored = true;
    const snap = await this.store.load(this.pipeline_name);
    if (!snap) return;
    this._state = snap.state;
    this._schemas = new Map(snap.schemas.map((s) => [s.name, Schema.fromStored(s)]));
    this.pending = snap.pending ?? [];
    this.storedPending = this.pending.map((p) => p.load_id).join();
  }

  /** Load ids of the pending packages last written to the store: packages are written only when they change. */
  private storedPending?: string;

  /**
   * Inside run() nothing is written until the run ends (or fails): a run cut short leaves the
   * local state as it was before, and whatever did commit at the destination is restored from
   * there by the next run (sync_destination). Writing each package to disk before loading it
   * would cost as much as loading it.
   */
  private deferPersist = false;

  /** persist() for a step: a store that can't be written fails that step, as any other error. */
  private async persistFor(step: TPipelineStep, loadId: string | null = null): Promise<void> {
    try {
      await this.persist();
    } catch (e) {
      throw this.stepFailed(step, new Error(`Could not save the pipeline's local state: ${errorText(e)}`, { cause: e }), loadId);
    }
  }

  private async persist(): Promise<void> {
    if (this.deferPersist) return;
    const ids = this.pending.map((p) => p.load_id).join();
    await this.store.save(this.pipeline_name, {
      state: this._state,
      schemas: [...this._schemas.values()].map((s) => s.toStored()),
      ...(ids !== this.storedPending ? { pending: this.pending } : {}),
    });
    this.storedPending = ids;
    // Only now that the store no longer lists them may their pages go.
    const gone = this.discarded;
    this.discarded = [];
    await this.forgetPages(gone);
  }

  /** Packages loaded or dropped whose pages go at the next save. */
  private discarded: string[] = [];

  private emit(event: ProgressEvent): void {
    this.progress?.(event);
  }

  private stepFailed(step: TPipelineStep, e: unknown, loadId: string | null, stepInfo?: unknown): PipelineStepFailed {
    if (e instanceof PipelineStepFailed) return e;
    const exception = e instanceof Error ? e : new Error(String(e));
    return new PipelineStepFailed({
      pipeline_name: this.pipeline_name,
      step,
      load_id: loadId,
      exception,
      step_info: stepInfo,
      has_pending_data: this.pending.length > 0,
    });
  }

  /** With no data and nothing pending there is nothing to do: run() returns null (dlt's None). */
  run(): Promise<LoadInfo | null>;
  run(data: unknown, options: RunOptions & { dry_run: true }): Promise<DryRunInfo>;
  run(data: unknown, options?: RunOptions): Promise<LoadInfo>;
  async run(data?: unknown, options: RunOptions = {}): Promise<LoadInfo | DryRunInfo | null> {
    if (options.dry_run) return this.dryRun(data, options);
    await this.ready();
    const trace: PipelineTrace = { started_at: new Date(), steps: [] };
    this.last_trace = trace;
    const timed = async <T>(step: TPipelineStep, fn: () => Promise<T>): Promise<T> => {
      const started_at = new Date();
      try {
        const info = await fn();
        trace.steps.push({ step, started_at, finished_at: new Date(), step_info: info });
        return info;
      } catch (e) {
        trace.steps.push({ step, started_at, finished_at: new Date(), step_exception: String(e) });
        throw e;
      }
    };
    this.deferPersist = true;
    let failed = false;
    let step: TPipelineStep = "sync";
    try {
      await this.syncBeforeRun();
      if (this.pending.length > 0) {
        if (data !== undefined) {
          console.warn(
            "The pipeline `run` method will now load the pending load packages. The data you passed to the run function will not be extracted. In order to do that you must run the pipeline again",
          );
        }
      } else if (data !== undefined) {
        step = "extract";
        trace.last_extract_info = await timed("extract", () => this.extractInternal(data, options));
      } else {
        return null;
      }
      step = "normalize";
      trace.last_normalize_info = await timed("normalize", () => this.normalizeInternal(options.schema_contract));
      step = "load";
      trace.last_load_info = await timed("load", () => this.loadInternal());
      return trace.last_load_info;
    } catch (e) {
      failed = true;
      throw e;
    } finally {
      this.deferPersist = false;
      trace.finished_at = new Date();
      // Saving local state after a failure must never hide the failure itself.
      if (failed) await this.persist().catch((e) => console.warn(`Could not save the pipeline's local state: ${errorText(e)}`));
      else await this.persistFor(step);
    }
  }

  /** run()'s first step: with nothing pending, take newer state from the destination (dlt's sync). */
  private async syncBeforeRun(): Promise<void> {
    if (this.pending.length > 0 || !this.restore_from_destination || this.dev_mode) return;
    try {
      await this.syncInternal();
    } catch (e) {
      // An unreachable destination or unreadable state: dlt's run fails at its sync step.
      throw this.stepFailed("sync", e, null);
    }
  }

  /**
   * run() rehearsed: extract, normalize and the load itself inside a transaction that is rolled
   * back, reporting rows per table and schema changes. Nothing changes: destination, local
   * state, schemas and pending packages are as they were.
   */
  private async dryRun(data: unknown, options: RunOptions): Promise<DryRunInfo> {
    await this.ready();
    const saved = { state: structuredClone(this._state), schemas: new Map(this._schemas), pending: this.pending };
    // Packages are copied (normalize writes its results onto them); their items are only read.
    this.pending = this.pending.map((p) => ({ ...p }));
    const report = emptyReport();
    this.deferPersist = true;
    try {
      await this.syncBeforeRun();
      if (this.pending.length === 0 && data !== undefined) await this.extractInternal(data, { ...options, dry_run: false });
      try {
        await this.normalizeInternal(options.schema_contract);
      } catch (e) {
        const violation = e instanceof PipelineStepFailed ? findCause(e, DataValidationError) : undefined;
        if (!violation) throw e;
        report.violations.push(violation.message);
        return new DryRunInfo(this.pipeline_name, this.dataset_name, report);
      }
      const ready = this.pending.filter((p) => p.state === "normalized");
      if (ready.length) {
        const client = await this.client().catch((e) => {
          throw this.stepFailed("load", e, ready[0].load_id);
        });
        for (const pkg of ready) {
          addSchemaDiff(report, pkg.schema_diff);
          try {
            await rehearseCounts(client, pkg, this.loadOptions(), report);
          } catch (e) {
            if (e instanceof JobFailure) throw this.stepFailed("load", new LoadClientJobFailed(pkg.load_id, e.jobId, e.failedMessage), pkg.load_id);
            throw this.stepFailed("load", e, pkg.load_id);
          }
        }
      }
      return new DryRunInfo(this.pipeline_name, this.dataset_name, report);
    } finally {
      this._state = saved.state;
      this._schemas = saved.schemas;
      // Pages the rehearsal spilled for its own packages go with them.
      const kept = new Set(saved.pending.map((p) => p.load_id));
      await this.forgetPages(this.pending.filter((p) => !kept.has(p.load_id)).map((p) => p.load_id));
      this.pending = saved.pending;
      this.deferPersist = false;
    }
  }

  /** Drops the spilled pages of packages that are gone; a failure to do so only leaves files behind. */
  private async forgetPages(loadIds: string[]): Promise<void> {
    if (!this.pages) return;
    for (const id of loadIds) await this.pages.dropPackage(id).catch((e) => console.warn(`Could not remove the pages of package ${id}: ${errorText(e)}`));
  }

  async extract(data: unknown, options: RunOptions = {}): Promise<ExtractInfo> {
    await this.ready();
    return this.extractInternal(data, options);
  }

  async normalize(options: { schema_contract?: TSchemaContract } = {}): Promise<NormalizeInfo> {
    await this.ready();
    return this.normalizeInternal(options.schema_contract);
  }

  async load(): Promise<LoadInfo> {
    await this.ready();
    return this.loadInternal();
  }

  private groups(data: unknown, options: RunOptions): SourceGroup[] {
    const runHints: ResourceOptions = {};
    for (const k of ["table_name", "write_disposition", "primary_key", "merge_key", "columns", "schema_contract"] as const) {
      if (options[k] !== undefined) (runHints as Record<string, unknown>)[k] = options[k];
    }
    const loose: DltResource[] = [];
    const copies = new Map<DltResource, DltResource>();
    const groups: SourceGroup[] = [];
    const add = (item: unknown) => {
      if (item instanceof DltSource) {
        const src = item.clone();
        const resources = src.allResources();
        for (const r of resources) if (r.selected) r.apply_hints(runHints);
        groups.push({
          schemaName: src.schemaName,
          resources,
          defaults: { max_table_nesting: src.max_table_nesting, root_key: src.root_key, schema_contract: src.schema_contract },
        });
      } else if (item instanceof DltResource) {
        const copy = item.clone().apply_hints(runHints);
        copies.set(item, copy);
        loose.push(copy);
      } else {
        const name = options.table_name ?? (typeof item === "function" ? (item as Function).name : undefined);
        loose.push(makeResource(item, { ...runHints, name }));
      }
    };
    const isResourceList = Array.isArray(data) && data.length > 0 && data.every((d) => d instanceof DltResource || d instanceof DltSource);
    if (isResourceList) (data as unknown[]).forEach(add);
    else add(data);
    // A loose transformer is fed by the copy of its parent run with it, or else by a deselected
    // copy of the parent: the parent's items feed the transformer without being loaded.
    const feed = (r: DltResource): void => {
      const parent = r.parent;
      if (!parent) return;
      let copy = copies.get(parent);
      if (!copy) {
        copy = parent.clone();
        copy.selected = false;
        copies.set(parent, copy);
        loose.push(copy);
        feed(copy);
      }
      r.parent = copy;
    };
    for (const r of [...loose]) feed(r);
    if (loose.length) {
      groups.unshift({ schemaName: this.default_schema_name ?? this.pipeline_name, resources: loose, defaults: {} });
    }
    return groups;
  }

  private async extractInternal(data: unknown, options: RunOptions): Promise<ExtractInfo> {
    const started_at = new Date();
    const state = structuredClone(this._state);
    const packages: LoadPackage[] = [];
    const schemas = new Map<string, Schema>();
    let loadId: string | undefined;
    try {
      for (const group of this.groups(data, options)) {
        const refresh = options.refresh ?? this.refresh;
        const previous = this._schemas.get(group.schemaName);
        const plan = refresh && previous ? refreshPlan(refresh, previous, group, state) : undefined;
        const schema = plan?.schema ?? (previous ?? new Schema(group.schemaName)).clone();
        // Replace starts incremental cursors and resource state over (dlt: reset_resource_state).
        for (const r of group.resources) {
          const wd = r.hints.write_disposition;
          if ((typeof wd === "string" ? wd : wd?.disposition) === "replace") {
            delete state.sources?.[group.schemaName]?.resources?.[r.name];
          }
        }
        loadId = newLoadId();
        const result = await extractResources(group.resources, {
          loadId,
          pages: this.pages,
          schema,
          sourceName: group.schemaName,
          defaults: group.defaults,
          state: state as unknown as Record<string, unknown>,
          onProgress: (p) => this.emit({ step: "extract", resource: p.resource, items: p.items, file: p.file, bytes: p.bytes, total_bytes: p.total_bytes }),
        });
        schemas.set(schema.name, schema);
        state.schema_names = [...new Set([...(state.schema_names ?? []), schema.name])];
        state.default_schema_name ??= schema.name;
        if (Object.keys(result.tables).length === 0 && result.emptyReplaceTables.length === 0 && !plan) continue;
        packages.push({
          ...(plan ? { refresh: plan.refresh } : {}),
          load_id: loadId,
          schema_name: schema.name,
          state: "extracted",
          schema: schema.toStored(),
          schema_diff: diffSchemas(previous, schema),
          extracted: {
            tables: result.tables,
            resources: result.resources,
            empty_replace_tables: result.emptyReplaceTables,
          },
        });
      }
    } catch (e) {
      await this.forgetPages([...packages.map((p) => p.load_id), ...(loadId ? [loadId] : [])]);
      throw this.stepFailed("extract", e, null);
    }

    state.pipeline_name = this.pipeline_name;
    state.dataset_name = this.dataset_name;
    state.destination_type = this.destination.destination_type;
    state.destination_name = null;
    if (bumpStateVersion(state)) {
      // The state row rides with the data of this extract, so it commits together with it.
      const schemaName = state.default_schema_name ?? this.pipeline_name;
      let pkg = packages.find((p) => p.schema_name === schemaName) ?? packages[packages.length - 1];
      if (!pkg) {
        const schema = (schemas.get(schemaName) ?? this._schemas.get(schemaName) ?? new Schema(schemaName)).clone();
        schemas.set(schemaName, schema);
        pkg = {
          load_id: newLoadId(),
          schema_name: schemaName,
          state: "extracted",
          schema: schema.toStored(),
          extracted: { tables: {}, resources: [], empty_replace_tables: [] },
        };
        packages.push(pkg);
      }
      pkg.extracted.state_row = {
        version: state._state_version,
        engine_version: STATE_ENGINE_VERSION,
        pipeline_name: this.pipeline_name,
        state: encodeState(state),
        created_at: new Date(),
        version_hash: state._version_hash,
      };
    }
    state._local.first_run = this._state._local.first_run;
    this._state = state;
    for (const [name, schema] of schemas) this._schemas.set(name, schema);
    this.pending.push(...packages);
    await this.persistFor("extract");
    return new ExtractInfo({
      pipeline_name: this.pipeline_name,
      load_packages: packages.map((p) => packageInfo(p)),
      first_run: this.first_run,
      started_at,
      finished_at: new Date(),
    });
  }

  private async normalizeInternal(contract?: TSchemaContract): Promise<NormalizeInfo> {
    const started_at = new Date();
    const rowCounts: Record<string, number> = {};
    const infos: LoadPackageInfo[] = [];
    for (const pkg of this.pending) {
      if (pkg.state !== "extracted") continue;
      const schema = Schema.fromStored(pkg.schema);
      const current = this._schemas.get(pkg.schema_name);
      try {
        const normalizer = new ItemsNormalizer(schema, { loadId: pkg.load_id, contract });
        // Page by page: a large package never holds more than a page of items plus its
        // normalized rows up to the memory budget. Types still come from every value: a column
        // typed from whole numbers becomes double on a later page, and its rows load as double.
        const normalized = new PageWriter<NormalizedRow>(this.pages, pkg.load_id, "n");
        const collect = async () => {
          for (const [t, list] of normalizer.takeRows()) normalized.pushAll(t, list);
          await normalized.settle();
        };
        let rows = 0;
        for (const [table, pages] of Object.entries(pkg.extracted.tables)) {
          for (const page of pages) {
            const items = await readPage(this.pages, page);
            normalizer.add(table, items);
            await collect();
            rows += items.length;
            this.emit({ step: "normalize", table, items: rows });
          }
        }
        if (pkg.extracted.state_row) {
          if (!schema.getTable(STATE_TABLE)) schema.updateTable(stateTableSchema());
          normalizer.add(STATE_TABLE, [pkg.extracted.state_row]);
          await collect();
        }
        const counts = normalizer.rowCounts();
        const tables = await normalized.finish("keep");
        // dlt writes an empty file for each root table an empty replace truncates: 0 rows.
        for (const t of pkg.extracted.empty_replace_tables) counts[t] ??= 0;
        for (const w of normalizer.warnings()) console.warn(w);
        const before = new Set(Object.keys(current?.tables ?? {}));
        schema.bumpVersion();
        pkg.normalized = { tables, row_counts: counts, warnings: normalizer.warnings() };
        pkg.schema_update = Object.fromEntries(Object.entries(schema.tables).filter(([t]) => !before.has(t)));
        pkg.schema_diff = mergeDiffs(pkg.schema_diff, diffSchemas(current, schema));
        pkg.schema = schema.toStored();
        pkg.state = "normalized";
        for (const [t, n] of Object.entries(counts)) rowCounts[t] = (rowCounts[t] ?? 0) + n;
        this._schemas.set(schema.name, schema);
        infos.push(packageInfo(pkg));
      } catch (e) {
        const jobId = `${pkg.schema_name}.${uniqIdHex(5)}.typed-jsonl`;
        const failure = new NormalizeJobFailed(pkg.load_id, jobId, e instanceof Error ? e : new Error(String(e)));
        (failure as { __context__?: unknown }).__context__ = e;
        throw this.stepFailed("normalize", failure, pkg.load_id);
      }
    }
    await this.persistFor("normalize");
    return new NormalizeInfo({
      pipeline_name: this.pipeline_name,
      load_packages: infos,
      row_counts: rowCounts,
      first_run: this.first_run,
      started_at,
      finished_at: new Date(),
    });
  }

  private client(): Promise<JobClient> {
    return this.destination.client();
  }

  private loadOptions(): LoadOptions {
    return {
      dataset: this.datasetAtDestination,
      replaceStrategy: this.destination.replace_strategy,
      raiseOnFailedJobs: this.raise_on_failed_jobs,
      pages: this.pages,
      onProgress: (p) => this.emit({ step: "load", table: p.table, items: p.rows, done: p.done, total: p.total }),
    };
  }

  private async loadInternal(): Promise<LoadInfo> {
    const started_at = new Date();
    const packages: LoadPackageInfo[] = [];
    const ready = this.pending.filter((p) => p.state === "normalized");
    let location = "";
    const info = () =>
      new LoadInfo({
        pipeline_name: this.pipeline_name,
        location,
        destination_type: this.destination.destination_type,
        destination_name: this.destination.destination_name,
        dataset_name: this.dataset_name,
        load_packages: packages,
        first_run: this.first_run,
        started_at,
        finished_at: new Date(),
      });
    if (ready.length === 0) {
      location = (await this.client().catch(() => undefined))?.location ?? "";
      return info();
    }
    let client: JobClient;
    try {
      client = await this.client();
      location = client.location;
    } catch (e) {
      throw this.stepFailed("load", e, ready[0].load_id);
    }
    for (const pkg of ready) {
      try {
        const result = await loadPackage(client, pkg, this.loadOptions());
        packages.push(result.info);
        this.pending = this.pending.filter((p) => p !== pkg);
        this._state._local.first_run = false;
        this.discarded.push(pkg.load_id);
        await this.persistFor("load", pkg.load_id);
      } catch (e) {
        if (e instanceof JobFailure) {
          // A terminal job failure aborts the package (dlt 1.26 default): nothing of it is loaded.
          this.pending = this.pending.filter((p) => p !== pkg);
          this.discarded.push(pkg.load_id);
          await this.persist().catch((err) => console.warn(`Could not save the pipeline's local state: ${errorText(err)}`));
          const aborted = packageInfo(pkg, "aborted");
          aborted.jobs.failed_jobs.push({
            state: "failed_jobs",
            file_path: `${pkg.load_id}/failed_jobs/${e.jobId}`,
            file_size: 0,
            created_at: new Date(),
            elapsed: 0,
            job_file_info: { table_name: e.table, file_id: e.jobId.split(".")[1] ?? "", retry_count: 0, file_format: e.jobId.split(".").pop() ?? "", is_compressed: false, job_id: () => e.jobId },
            failed_message: e.failedMessage,
          });
          packages.push(aborted);
          throw this.stepFailed("load", new LoadClientJobFailed(pkg.load_id, e.jobId, e.failedMessage), pkg.load_id, info());
        }
        throw this.stepFailed("load", e, pkg.load_id, info());
      }
    }
    return info();
  }

  /** Runs SQL on the destination database; rows come back as plain objects. */
  async query(sql: string): Promise<ResultRow[]> {
    const client = await this.client();
    if (!isSqlClient(client)) {
      throw new PipelineConfigError(
        `Destination ${this.destination.destination_name} does not run SQL: its tables are files at ${client.location}; read them with DuckDB (read_parquet / read_json)`,
      );
    }
    return client.rows(sql);
  }

  /**
   * dlt's sync_destination: the newest state committed at the destination (its load has a
   * `_dlt_loads` row with status 0) replaces the local one when it is at least as new and
   * differs, with its schemas from `_dlt_version`. A dataset gone from the destination resets a
   * pipeline that had loaded before.
   */
  async sync_destination(): Promise<void> {
    await this.ready();
    await this.syncInternal();
  }

  private async syncInternal(): Promise<void> {
    const client = await this.client();
    const remote = await readDestinationState(client, this.datasetAtDestination, this.pipeline_name);
    if (remote === "no-dataset") {
      if (!this.first_run && this.pending.length === 0) await this.resetLocal();
      return;
    }
    if (!remote) return;
    const local = this._state;
    if (remote.state._state_version < local._state_version || remote.state._version_hash === local._version_hash) return;
    this._state = { ...remote.state, _local: { ...local._local, first_run: false } };
    this._schemas = new Map(remote.schemas.map((sch) => [sch.name, sch]));
    await this.persist();
  }

  private async resetLocal(): Promise<void> {
    await this.store.drop(this.pipeline_name);
    this.storedPending = undefined;
    this._state = newState(this.pipeline_name);
    this._schemas.clear();
    this.pending = [];
  }

  /** Forgets local state, schemas and pending packages; the destination is untouched. Returns the pipeline, as dlt's does. */
  async drop(): Promise<Pipeline> {
    await this.ready();
    await this.resetLocal();
    return this;
  }

  async drop_pending_packages(): Promise<void> {
    await this.ready();
    this.discarded.push(...this.pending.map((p) => p.load_id));
    this.pending = [];
    await this.persist();
  }

  /** Pending packages, oldest first (for the notebook and for tests). */
  list_pending_packages(): string[] {
    return this.pending.map((p) => p.load_id);
  }
}

/** What `refresh=` does to one source before its extract: state wiped, tables to drop or empty. */
function refreshPlan(
  mode: NonNullable<RunOptions["refresh"]>,
  previous: Schema,
  group: SourceGroup,
  state: PipelineState,
): { schema: Schema; refresh: NonNullable<LoadPackage["refresh"]> } {
  if (mode === "drop_sources") {
    delete state.sources?.[group.schemaName];
    const fresh = new Schema(group.schemaName);
    return { schema: fresh, refresh: { drop_tables: previous.dataTables().map((t) => t.name), truncate_tables: [], drop_schema_history: true } };
  }
  const names = new Set(group.resources.filter((r) => r.selected).map((r) => r.name));
  const tables = previous
    .dataTables()
    .filter((t) => !t.parent && t.resource !== undefined && names.has(t.resource))
    .flatMap((root) => previous.tableChain(root.name).map((t) => t.name));
  const resources = state.sources?.[group.schemaName]?.resources;
  for (const n of names) delete resources?.[n];
  const schema = previous.clone();
  if (mode === "drop_resources") {
    schema.dropTables(tables);
    return { schema, refresh: { drop_tables: tables, truncate_tables: [], drop_schema_history: true } };
  }
  return { schema, refresh: { drop_tables: [], truncate_tables: tables, drop_schema_history: false } };
}

/** The newest committed state of a pipeline at the destination, with the schemas it names. */
async function readDestinationState(
  client: JobClient,
  dataset: string,
  pipelineName: string,
): Promise<{ state: PipelineState; schemas: Schema[] } | "no-dataset" | undefined> {
  // The dlt tables are asked for by name (cheaper than listing the dataset); a dataset with none
  // of them is gone for the pipeline only if it holds no tables at all.
  const tables = await client.storageColumns(dataset, [STATE_TABLE, LOADS_TABLE, VERSION_TABLE]);
  if (tables.size === 0 && (await client.storageTables(dataset)).size === 0) return "no-dataset";
  if (!tables.has(STATE_TABLE) || !tables.has(LOADS_TABLE)) return undefined;
  const row = await client.newestStoredState(dataset, pipelineName);
  if (!row) return undefined;
  const state = decodeState(row.state);
  const schemas: Schema[] = [];
  if (tables.has(VERSION_TABLE)) {
    for (const name of state.schema_names ?? []) {
      const stored = await client.newestStoredSchema(dataset, name);
      if (stored) schemas.push(Schema.fromStored(JSON.parse(stored)));
    }
  }
  return { state, schemas };
}

function packageInfo(pkg: LoadPackage, state = pkg.state): LoadPackageInfo {
  return {
    load_id: pkg.load_id,
    package_path: pkg.load_id,
    state,
    schema_name: pkg.schema_name,
    schema_update: pkg.schema_update ?? {},
    ...(pkg.schema_diff ? { schema_diff: pkg.schema_diff } : {}),
    completed_at: null,
    jobs: emptyJobs(),
  };
}

/** The first error of class `cls` in `e`'s chain of causes. */
function findCause<T extends Error>(e: unknown, cls: new (...args: never[]) => T): T | undefined {
  for (let cur: unknown = e, depth = 0; cur && depth < 10; depth++) {
    if (cur instanceof cls) return cur;
    cur = (cur as { cause?: unknown; exception?: unknown; __context__?: unknown }).exception ?? (cur as { cause?: unknown }).cause ?? (cur as { __context__?: unknown }).__context__;
  }
  return undefined;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function pipeline(options: PipelineOptions = {}): Pipeline {
  return new Pipeline(options);
}
