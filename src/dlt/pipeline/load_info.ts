// LoadInfo, NormalizeInfo and friends with dlt's fields and dlt's text (dlt/common/pipeline.py,
// dlt/common/storages/load_package.py). The text is line-exact: people compare it with dlt's.
import { DestinationHasFailedJobs } from "../errors.ts";
import type { SchemaDiff } from "../schema/diff.ts";

export type PackageState = "extracted" | "normalized" | "loaded" | "aborted";
export type JobState = "new_jobs" | "started_jobs" | "completed_jobs" | "failed_jobs";

export interface JobFileInfo {
  table_name: string;
  file_id: string;
  retry_count: number;
  file_format: string;
  is_compressed: boolean;
  job_id(): string;
}

export function jobFileInfo(table: string, fileId: string, format = "arrow"): JobFileInfo {
  return {
    table_name: table,
    file_id: fileId,
    retry_count: 0,
    file_format: format,
    is_compressed: false,
    job_id() {
      return `${this.table_name}.${this.file_id}.${this.file_format}`;
    },
  };
}

export interface LoadJobInfo {
  state: JobState;
  file_path: string;
  file_size: number;
  created_at: Date;
  elapsed: number;
  job_file_info: JobFileInfo;
  failed_message: string | null;
}

export interface CreatedColumn {
  table: string;
  column: string;
  /** the column's dlt data type */
  data_type: string;
}

export interface LoadPackageInfo {
  load_id: string;
  package_path: string;
  state: PackageState;
  schema_name: string;
  schema_update: Record<string, unknown>;
  /** pipebook's own: what this package's schema added or changed against the version before */
  schema_diff?: SchemaDiff;
  /**
   * pipebook's own: the columns this package's load created at the destination (every column of
   * a table it created), i.e. what the destination did not have before; read from its catalog
   * inside the load's transaction, so the notebook need not ask it again.
   */
  created_columns?: CreatedColumn[];
  completed_at: Date | null;
  jobs: Record<JobState, LoadJobInfo[]>;
}

export function emptyJobs(): Record<JobState, LoadJobInfo[]> {
  return { new_jobs: [], started_jobs: [], completed_jobs: [], failed_jobs: [] };
}

/** humanize.precisedelta as dlt prints it: "0.11 seconds", "1 minute and 2.50 seconds". */
export function precisedelta(seconds: number): string {
  const parts: string[] = [];
  let rest = seconds;
  const hours = Math.floor(rest / 3600);
  rest -= hours * 3600;
  const minutes = Math.floor(rest / 60);
  rest -= minutes * 60;
  if (hours) parts.push(`${hours} hour${hours === 1 ? "" : "s"}`);
  if (minutes) parts.push(`${minutes} minute${minutes === 1 ? "" : "s"}`);
  if (rest > 0 || parts.length === 0) parts.push(`${rest.toFixed(2)} second${rest.toFixed(2) === "1.00" ? "" : "s"}`);
  return parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}` : parts[0];
}

function packageLine(p: LoadPackageInfo): string {
  const state = p.state.toUpperCase();
  const notLoaded = p.state === "loaded" || p.state === "aborted" ? "" : " and NOT YET LOADED to the destination";
  const failed = p.jobs.failed_jobs.length;
  const jobs = failed ? `${failed} FAILED job(s)!` : "no failed jobs";
  let text = `Load package ${p.load_id} is ${state}${notLoaded} and contains ${jobs}`;
  if (failed) {
    for (const j of p.jobs.failed_jobs) text += `\n\t[${j.job_file_info.job_id()}]: ${j.failed_message}\n`;
  }
  return text;
}

export interface StepInfoBase {
  pipeline: { pipeline_name: string };
  loads_ids: string[];
  load_packages: LoadPackageInfo[];
  started_at: Date;
  finished_at: Date;
  first_run: boolean;
}

export class LoadInfo implements StepInfoBase {
  pipeline: { pipeline_name: string };
  metrics: Record<string, unknown[]> = {};
  destination_type = "dlt.destinations.duckdb";
  destination_name = "duckdb";
  destination_displayable_credentials: string;
  destination_fingerprint = "";
  environment: string | null = null;
  staging_type: string | null = null;
  staging_name: string | null = null;
  staging_displayable_credentials: string | null = null;
  dataset_name: string;
  loads_ids: string[];
  load_packages: LoadPackageInfo[];
  first_run: boolean;
  started_at: Date;
  finished_at: Date;

  constructor(args: {
    pipeline_name: string;
    location: string;
    destination_type?: string;
    destination_name?: string;
    dataset_name: string;
    load_packages: LoadPackageInfo[];
    first_run: boolean;
    started_at: Date;
    finished_at: Date;
  }) {
    this.pipeline = { pipeline_name: args.pipeline_name };
    this.destination_displayable_credentials = args.location;
    if (args.destination_type) this.destination_type = args.destination_type;
    if (args.destination_name) this.destination_name = args.destination_name;
    this.dataset_name = args.dataset_name;
    this.load_packages = args.load_packages;
    this.loads_ids = args.load_packages.map((p) => p.load_id);
    this.first_run = args.first_run;
    this.started_at = args.started_at;
    this.finished_at = args.finished_at;
  }

  get is_empty(): boolean {
    return this.loads_ids.length === 0;
  }

  get has_failed_jobs(): boolean {
    return this.load_packages.some((p) => p.jobs.failed_jobs.length > 0);
  }

  raise_on_failed_jobs(): void {
    for (const p of this.load_packages) {
      if (p.jobs.failed_jobs.length) {
        throw new DestinationHasFailedJobs(this.destination_name, p.load_id, p.jobs.failed_jobs);
      }
    }
  }

  asdict(): Record<string, unknown> {
    return {
      pipeline: this.pipeline,
      destination_type: this.destination_type,
      destination_name: this.destination_name,
      destination_displayable_credentials: this.destination_displayable_credentials,
      dataset_name: this.dataset_name,
      loads_ids: this.loads_ids,
      load_packages: this.load_packages,
      first_run: this.first_run,
      started_at: this.started_at,
      finished_at: this.finished_at,
      has_failed_jobs: this.has_failed_jobs,
    };
  }

  toString(): string {
    const empty = this.is_empty;
    const elapsed = empty ? "---" : precisedelta((this.finished_at.getTime() - this.started_at.getTime()) / 1000);
    const lines = [
      `Pipeline ${this.pipeline.pipeline_name} load step completed in ${elapsed}`,
      `${this.loads_ids.length} load package(s) were loaded to destination ${this.destination_name} and into dataset ${empty ? "None" : this.dataset_name}`,
      `The ${this.destination_name} destination used ${this.destination_displayable_credentials} location to store data`,
      ...this.load_packages.map(packageLine),
    ];
    return lines.join("\n");
  }

  /** Node's console.log and the notebook show the dlt text. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

export class NormalizeInfo implements StepInfoBase {
  pipeline: { pipeline_name: string };
  loads_ids: string[];
  load_packages: LoadPackageInfo[];
  started_at: Date;
  finished_at: Date;
  first_run: boolean;
  /** rows per table, summed over packages, including `_dlt_pipeline_state` and nested tables */
  row_counts: Record<string, number>;

  constructor(args: {
    pipeline_name: string;
    load_packages: LoadPackageInfo[];
    row_counts: Record<string, number>;
    first_run: boolean;
    started_at: Date;
    finished_at: Date;
  }) {
    this.pipeline = { pipeline_name: args.pipeline_name };
    this.load_packages = args.load_packages;
    this.loads_ids = args.load_packages.map((p) => p.load_id);
    this.row_counts = args.row_counts;
    this.first_run = args.first_run;
    this.started_at = args.started_at;
    this.finished_at = args.finished_at;
  }

  toString(): string {
    const tables = Object.entries(this.row_counts);
    const head = tables.length
      ? ["Normalized data for the following tables:", ...tables.map(([t, n]) => `- ${t}: ${n} row(s)`), ""]
      : ["No data found to normalize"];
    return [...head, ...this.load_packages.map(packageLine)].join("\n");
  }
}

export class ExtractInfo implements StepInfoBase {
  pipeline: { pipeline_name: string };
  loads_ids: string[];
  load_packages: LoadPackageInfo[];
  started_at: Date;
  finished_at: Date;
  first_run: boolean;

  constructor(args: {
    pipeline_name: string;
    load_packages: LoadPackageInfo[];
    first_run: boolean;
    started_at: Date;
    finished_at: Date;
  }) {
    this.pipeline = { pipeline_name: args.pipeline_name };
    this.load_packages = args.load_packages;
    this.loads_ids = args.load_packages.map((p) => p.load_id);
    this.first_run = args.first_run;
    this.started_at = args.started_at;
    this.finished_at = args.finished_at;
  }

  toString(): string {
    return this.load_packages.map(packageLine).join("\n");
  }
}
