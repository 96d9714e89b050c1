// dlt's filesystem resource (dlt/sources/filesystem): lists the files below `bucket_url` that
// match `file_glob` and yields them as FileItem records, a page at a time. It reads no content:
// the readers (read_csv, read_jsonl, read_parquet, ...) piped after it do.
import { resource, type DltResource } from "../../extract/resource.ts";
import { storageFor } from "./storage.ts";

/** dlt's FileItem: what a file listing yields. Loading the resource alone loads these rows. */
export interface FileItem {
  file_name: string;
  relative_path: string;
  file_url: string;
  mime_type: string;
  encoding: string | null;
  modification_date: Date;
  size_in_bytes: number;
}

export interface FilesystemOptions {
  bucket_url: string;
  /** fsspec-style glob relative to the bucket: `*` stays in one folder, `**` crosses folders (default "*") */
  file_glob?: string;
  /** FileItems per yielded page (dlt's default is 100) */
  files_per_page?: number;
}

const MIME: Record<string, string> = {
  csv: "text/csv",
  tsv: "text/tab-separated-values",
  json: "application/json",
  jsonl: "application/jsonl",
  ndjson: "application/x-ndjson",
  parquet: "application/vnd.apache.parquet",
  txt: "text/plain",
  gz: "application/gzip",
};

export function mimeType(name: string): string {
  const ext = /\.([^./]+)$/.exec(name)?.[1]?.toLowerCase() ?? "";
  return MIME[ext] ?? "application/octet-stream";
}

/** A glob as a whole-path matcher: `**` any folders (also none), `*` and `?` within a folder, `[...]` a class. */
export function globMatcher(glob: string): (path: string) => boolean {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*" && glob[i + 1] === "*") {
      i++;
      if (glob[i + 1] === "/") {
        i++;
        re += "(?:.*/)?";
      } else re += ".*";
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 1);
      if (end < 0) re += "\\[";
      else {
        re += `[${glob.slice(i + 1, end).replace(/^!/, "^").replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, "\\$&");
  }
  const rx = new RegExp(`^${re}$`);
  return (path) => rx.test(path);
}

async function* listFiles(options: FilesystemOptions): AsyncGenerator<FileItem[]> {
  const { bucket_url, file_glob = "*", files_per_page = 100 } = options;
  if (!bucket_url) throw new Error("filesystem(): bucket_url is required (a local directory, or opfs://files/ in the notebook)");
  const storage = await storageFor(bucket_url);
  const matches = globMatcher(file_glob.replace(/^\/+/, ""));
  const files = (await storage.list(bucket_url)).filter((f) => matches(f.relative_path));
  files.sort((a, b) => (a.relative_path < b.relative_path ? -1 : a.relative_path > b.relative_path ? 1 : 0));
  for (let i = 0; i < files.length; i += files_per_page) {
    yield files.slice(i, i + files_per_page).map((f) => ({
      file_name: f.relative_path.slice(f.relative_path.lastIndexOf("/") + 1),
      relative_path: f.relative_path,
      file_url: f.file_url,
      mime_type: mimeType(f.relative_path),
      encoding: null,
      modification_date: f.modification_date,
      size_in_bytes: f.size_in_bytes,
    }));
  }
}

/**
 * `filesystem(bucket_url="…", file_glob="*.csv")`: the standalone resource, as dlt declares it
 * (named "filesystem", primary key file_url). Pipe a reader after it: `.pipe(read_csv())`.
 */
export function filesystem(options: FilesystemOptions): DltResource {
  return resource(() => listFiles(options), { name: "filesystem", primary_key: "file_url" });
}
