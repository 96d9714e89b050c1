// Local directories for the filesystem source in Node: listed recursively, read as streams
// (never whole into memory) or by byte ranges.
import { createReadStream } from "node:fs";
import { open, readdir, stat } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { FileStorage, ListedFile, OpenFile } from "./storage.ts";

const toPath = (url: string) => (url.startsWith("file://") ? fileURLToPath(url) : resolve(url));

async function walk(root: string, dir: string, out: ListedFile[]): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) await walk(root, full, out);
    else if (entry.isFile()) {
      const s = await stat(full);
      out.push({
        relative_path: relative(root, full).split(sep).join("/"),
        file_url: pathToFileURL(full).href,
        size_in_bytes: s.size,
        modification_date: s.mtime,
      });
    }
  }
}

export const nodeFileStorage: FileStorage = {
  async list(bucketUrl) {
    const root = toPath(bucketUrl);
    const info = await stat(root).catch(() => undefined);
    if (!info?.isDirectory()) throw new Error(`bucket_url ${JSON.stringify(bucketUrl)} is not a directory (${root})`);
    const out: ListedFile[] = [];
    await walk(root, root, out);
    return out;
  },
  async open(fileUrl): Promise<OpenFile> {
    const path = toPath(fileUrl);
    const { size } = await stat(path);
    return {
      size,
      stream: () => createReadStream(path, { highWaterMark: 1 << 20 }) as AsyncIterable<Uint8Array>,
      async slice(start, end) {
        const fh = await open(path, "r");
        try {
          const buf = new Uint8Array(Math.max(0, end - start));
          await fh.read(buf, 0, buf.length, start);
          return buf.buffer;
        } finally {
          await fh.close();
        }
      },
    };
  },
};
