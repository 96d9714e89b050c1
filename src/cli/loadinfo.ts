// LoadInfo as data for --json: dlt's `load_info.asdict()` made JSON-safe (dates as ISO text,
// each job's id as text rather than a method), plus dlt's text.
import type { LoadInfo, LoadJobInfo, LoadPackageInfo } from "../dlt/pipeline/load_info.ts";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface LoadInfoData {
  pipeline: { pipeline_name: string };
  destination_type: string;
  destination_name: string;
  destination_displayable_credentials: string;
  dataset_name: string;
  loads_ids: string[];
  load_packages: Array<{ [key: string]: Json }>;
  first_run: boolean;
  started_at: string;
  finished_at: string;
  has_failed_jobs: boolean;
  /** dlt's LoadInfo text, line for line */
  text: string;
}

const iso = (d: Date | null | undefined) => (d instanceof Date ? d.toISOString() : null);

function job(j: LoadJobInfo): { [key: string]: Json } {
  const { table_name, file_id, retry_count, file_format, is_compressed } = j.job_file_info;
  return {
    state: j.state,
    file_path: j.file_path,
    file_size: j.file_size,
    created_at: iso(j.created_at),
    elapsed: j.elapsed,
    job_id: j.job_file_info.job_id(),
    job_file_info: { table_name, file_id, retry_count, file_format, is_compressed },
    failed_message: j.failed_message,
  };
}

function loadPackage(p: LoadPackageInfo): { [key: string]: Json } {
  return {
    load_id: p.load_id,
    package_path: p.package_path,
    state: p.state,
    schema_name: p.schema_name,
    // schema_update holds plain table schemas; a JSON round trip keeps what JSON can say.
    schema_update: JSON.parse(JSON.stringify(p.schema_update ?? {})) as Json,
    completed_at: iso(p.completed_at),
    jobs: Object.fromEntries(Object.entries(p.jobs).map(([state, jobs]) => [state, jobs.map(job)])),
  };
}

export function loadInfoData(info: LoadInfo): LoadInfoData {
  return {
    pipeline: { pipeline_name: info.pipeline.pipeline_name },
    destination_type: info.destination_type,
    destination_name: info.destination_name,
    destination_displayable_credentials: info.destination_displayable_credentials,
    dataset_name: info.dataset_name,
    loads_ids: [...info.loads_ids],
    load_packages: info.load_packages.map(loadPackage),
    first_run: info.first_run,
    started_at: iso(info.started_at)!,
    finished_at: iso(info.finished_at)!,
    has_failed_jobs: info.has_failed_jobs,
    text: String(info),
  };
}
