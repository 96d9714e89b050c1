// Where the filesystem source finds files. A tiny interface so the engine stays free of node:fs
// and the DOM: Node reads local directories (loaded lazily, never bundled for the browser), the
// browser worker registers the notebook's OPFS files under the `opfs://` scheme.

/** One stored file, as listing finds it. */
export interface ListedFile {
  /** path below the bucket, with `/` separators */
  relative_path: string;
  /** absolute URL the file opens with (`file:///…`, `opfs://files/…`) */
  file_url: string;
  size_in_bytes: number;
  modification_date: Date;
}

/** An open file: read as a stream of bytes (CSV, JSONL) or by byte ranges (Parquet's footer first). */
export interface OpenFile {
  size: number;
  stream(): AsyncIterable<Uint8Array>;
  slice(start: number, end: number): Promise<ArrayBuffer>;
}

export interface FileStorage {
  /** Every file below `bucketUrl`, recursively. */
  list(bucketUrl: string): Promise<ListedFile[]>;
  open(fileUrl: string): Promise<OpenFile>;
}

const storages = new Map<string, FileStorage>();

/** The runtime registers a storage for a URL scheme (the browser worker: `opfs`). */
export function setFileStorage(scheme: string, storage: FileStorage | undefined): void {
  if (storage) storages.set(scheme, storage);
  else storages.delete(scheme);
}

const isNode = typeof process !== "undefined" && !!process.versions?.node;

/** `opfs://files/` → "opfs"; a plain path or `file://` URL → "file". */
export function schemeOf(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  return m ? m[1].toLowerCase() : "file";
}

export async function storageFor(url: string): Promise<FileStorage> {
  const scheme = schemeOf(url);
  const registered = storages.get(scheme);
  if (registered) return registered;
  if (scheme === "file" && isNode) {
    // Kept out of the browser bundle: only Node has node:fs.
    const mod = "./node_storage.ts";
    const { nodeFileStorage } = (await import(/* @vite-ignore */ mod)) as typeof import("./node_storage.ts");
    storages.set("file", nodeFileStorage);
    return nodeFileStorage;
  }
  throw new Error(
    `No file storage can read ${JSON.stringify(url)}: ` +
      (scheme === "file" ? "local paths are read in Node; in the notebook use opfs://files/" : `the "${scheme}://" scheme is not supported here`),
  );
}
