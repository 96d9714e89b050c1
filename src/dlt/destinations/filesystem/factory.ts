// dlt.destinations.filesystem(bucket_url, options): a Parquet (or JSONL) lake in a local directory.
// The client uses node:fs, so its module is imported only when a load starts (never in the browser).
import type { Destination, JobClient } from "../client.ts";
import { DEFAULT_LAYOUT, checkLayout } from "./layout.ts";
import type { FilesystemFileFormat } from "./client.ts";

export interface FilesystemDestinationOptions {
  /** Path template under `<bucket_url>/<dataset>/`; default `{table_name}/{load_id}.{file_id}.{ext}`. */
  layout?: string;
  loader_file_format?: FilesystemFileFormat;
  destination_name?: string;
}

const FORMATS: FilesystemFileFormat[] = ["parquet", "jsonl"];

export class FilesystemDestination implements Destination {
  readonly destination_type = "dlt.destinations.filesystem";
  readonly destination_name: string;
  readonly bucket_url: string;
  readonly layout: string;
  readonly loader_file_format: FilesystemFileFormat;
  private opening: Promise<JobClient> | undefined;

  constructor(bucketUrl: string, options: FilesystemDestinationOptions = {}) {
    if (typeof bucketUrl !== "string" || !bucketUrl.trim()) throw new TypeError("filesystem destination needs a bucket_url (a local directory)");
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(bucketUrl)?.[1];
    if (scheme && scheme.toLowerCase() !== "file") {
      throw new TypeError(`filesystem destination: only local directories (or file:// URLs) are supported, not ${scheme}://`);
    }
    const format = options.loader_file_format ?? "parquet";
    if (!FORMATS.includes(format)) {
      throw new TypeError(`filesystem destination: loader_file_format must be one of ${FORMATS.join(", ")}, not ${String(format)}`);
    }
    this.bucket_url = bucketUrl;
    this.layout = checkLayout(options.layout ?? DEFAULT_LAYOUT);
    this.loader_file_format = format;
    this.destination_name = options.destination_name ?? "filesystem";
  }

  client(): Promise<JobClient> {
    if (!this.opening) {
      this.opening = (async () => {
        const clientModule = "./client.ts";
        const { FilesystemClient } = (await import(/* @vite-ignore */ clientModule)) as typeof import("./client.ts");
        return new FilesystemClient(this.bucket_url, this.layout, this.loader_file_format);
      })();
      this.opening.catch(() => (this.opening = undefined));
    }
    return this.opening;
  }
}

export function filesystem(bucketUrl: string, options: FilesystemDestinationOptions = {}): FilesystemDestination {
  return new FilesystemDestination(bucketUrl, options);
}
