// dlt's filesystem layout: where a table's file goes, as a path template under the dataset folder.
// Pure (no node:fs) so the factory can check a layout when the destination is configured.

export const DEFAULT_LAYOUT = "{table_name}/{load_id}.{file_id}.{ext}";

const PLACEHOLDERS = new Set([
  "table_name", "load_id", "file_id", "ext", "timestamp", "curr_date", "YYYY", "MM", "DD", "HH", "mm",
]);

export class InvalidFilesystemLayout extends Error {
  constructor(layout: string, why: string) {
    super(`Invalid filesystem layout "${layout}": ${why}`);
    this.name = "InvalidFilesystemLayout";
  }
}

/**
 * Checks a layout. `{table_name}/` must be its first folder: replace and drop delete a table's
 * files by its folder, and every file of a load must have its own name ({load_id}, {file_id}).
 */
export function checkLayout(layout: string): string {
  for (const m of layout.matchAll(/\{([^}]*)\}/g)) {
    if (!PLACEHOLDERS.has(m[1])) {
      throw new InvalidFilesystemLayout(layout, `unknown placeholder {${m[1]}} (known: ${[...PLACEHOLDERS].map((p) => `{${p}}`).join(", ")})`);
    }
  }
  if (!layout.startsWith("{table_name}/")) throw new InvalidFilesystemLayout(layout, "it must start with {table_name}/");
  for (const need of ["{load_id}", "{file_id}"]) {
    if (!layout.includes(need)) throw new InvalidFilesystemLayout(layout, `it must contain ${need}`);
  }
  if (layout.split("/").some((part) => part === ".." || part === "")) throw new InvalidFilesystemLayout(layout, "empty or '..' path segment");
  return layout;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** The file's path relative to the dataset folder. */
export function layoutPath(layout: string, p: { table_name: string; load_id: string; file_id: string; ext: string; now?: Date }): string {
  const now = p.now ?? new Date();
  const values: Record<string, string> = {
    table_name: p.table_name,
    load_id: p.load_id,
    file_id: p.file_id,
    ext: p.ext,
    timestamp: String(Math.floor(now.getTime() / 1000)),
    curr_date: now.toISOString().slice(0, 10),
    YYYY: String(now.getUTCFullYear()),
    MM: pad(now.getUTCMonth() + 1),
    DD: pad(now.getUTCDate()),
    HH: pad(now.getUTCHours()),
    mm: pad(now.getUTCMinutes()),
  };
  return layout.replace(/\{([^}]*)\}/g, (_m, k: string) => values[k]);
}
