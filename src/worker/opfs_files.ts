// The notebook's own data files, kept in the origin private file system under `files/` and
// read by the engine's filesystem source as `opfs://files/…` (registered in the runtime worker).
import type { FileStorage, ListedFile, OpenFile } from "../dlt/sources/filesystem/storage.ts";

export const DATA_DIR = "files";
export const DATA_BUCKET = `opfs://${DATA_DIR}/`;

type Dir = FileSystemDirectoryHandle & { entries(): AsyncIterable<[string, FileSystemHandle]> };

function parts(url: string): string[] {
  return url.replace(/^opfs:\/\//i, "").split("/").filter(Boolean).map(decodeURIComponent);
}

async function dirAt(names: string[], create = false): Promise<Dir> {
  let dir = (await navigator.storage.getDirectory()) as Dir;
  for (const name of names) dir = (await dir.getDirectoryHandle(name, { create })) as Dir;
  return dir;
}

async function walk(dir: Dir, prefix: string, base: string, out: ListedFile[]): Promise<void> {
  for await (const [name, handle] of dir.entries()) {
    const rel = prefix ? `${prefix}/${name}` : name;
    if (handle.kind === "directory") await walk(handle as Dir, rel, base, out);
    else {
      const file = await (handle as FileSystemFileHandle).getFile();
      out.push({ relative_path: rel, file_url: `${base}${rel.split("/").map(encodeURIComponent).join("/")}`, size_in_bytes: file.size, modification_date: new Date(file.lastModified) });
    }
  }
}

/** A Blob's bytes as an async iterable, chunk by chunk (no ReadableStream async iteration needed). */
async function* chunks(blob: Blob): AsyncGenerator<Uint8Array> {
  const reader = blob.stream().getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

export const opfsFileStorage: FileStorage = {
  async list(bucketUrl) {
    const names = parts(bucketUrl);
    let dir: Dir;
    try {
      dir = await dirAt(names);
    } catch {
      throw new Error(`${bucketUrl} does not exist: add a data file first (drop it on the page or use "Add data file…")`);
    }
    const out: ListedFile[] = [];
    await walk(dir, "", `opfs://${names.map(encodeURIComponent).join("/")}/`, out);
    return out;
  },
  async open(fileUrl): Promise<OpenFile> {
    const names = parts(fileUrl);
    const dir = await dirAt(names.slice(0, -1));
    const file = await (await dir.getFileHandle(names[names.length - 1])).getFile();
    return { size: file.size, stream: () => chunks(file), slice: (start, end) => file.slice(start, end).arrayBuffer() };
  },
};

/** Stores a file under `files/`, replacing one of the same name (a new version of the same data). */
export async function storeDataFile(name: string, file: Blob): Promise<void> {
  const dir = await dirAt([DATA_DIR], true);
  const handle = await dir.getFileHandle(name, { create: true });
  const writable = await (handle as FileSystemFileHandle & { createWritable(): Promise<FileSystemWritableFileStream> }).createWritable();
  await file.stream().pipeTo(writable);
}
