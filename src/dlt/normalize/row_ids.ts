// Row keys (`_dlt_id`) as dlt derives them (reference §3.5). Root rows get random ids unless the
// merge strategy needs deterministic ones; nested rows always hash their position under the
// parent, which is what lets merge replace nested rows by key.
import { digest128 } from "../utils/digest.ts";
import { DLT_TABLE_PREFIX } from "../schema/schema.ts";
import { digest128Short } from "./fast_digest.ts";
import { compactJson } from "./pyformat.ts";

const ID_BYTES = 10;
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_CODES = Array.from(B64, (c) => c.charCodeAt(0));

// Random bytes are drawn in bulk: one getRandomValues call per ~6.5k ids instead of per row.
const pool = new Uint8Array(65_536 - (65_536 % ID_BYTES));
let poolPos = pool.length;
const codes = new Array<number>(14);

/** dlt's `uniq_id_base64(10)`: 14 base64 chars of fresh random bytes, no padding. */
export function randomRowId(): string {
  if (poolPos + ID_BYTES > pool.length) {
    crypto.getRandomValues(pool);
    poolPos = 0;
  }
  const p = poolPos;
  poolPos += ID_BYTES;
  let c = 0;
  for (let i = 0; i < 9; i += 3) {
    const n = (pool[p + i] << 16) | (pool[p + i + 1] << 8) | pool[p + i + 2];
    codes[c++] = B64_CODES[(n >> 18) & 63];
    codes[c++] = B64_CODES[(n >> 12) & 63];
    codes[c++] = B64_CODES[(n >> 6) & 63];
    codes[c++] = B64_CODES[n & 63];
  }
  const last = pool[p + 9];
  codes[12] = B64_CODES[last >> 2];
  codes[13] = B64_CODES[(last & 3) << 4];
  return String.fromCharCode(...codes);
}

/** Nested row id: shake_128 of `{parent_id}_{table}_{list_idx}`, 10 bytes. */
export function nestedRowId(parentRowId: string, table: string, listIdx: number): string {
  return digest128Short(`${parentRowId}_${table}_${listIdx}`);
}

/**
 * upsert / insert-only root id: hash of the primary key values of the flattened row. A missing
 * key column fails as dlt does (it indexes the row by key).
 */
export function keyHashRowId(row: Record<string, unknown>, primaryKey: readonly string[]): string {
  const subset: Record<string, unknown> = {};
  for (const k of primaryKey) {
    if (!Object.hasOwn(row, k)) throw new KeyError(k);
    subset[k] = row[k];
  }
  return digest128(compactJson(subset, true), ID_BYTES);
}

/** scd2 root id: hash of the original item without dlt's own `_dlt…` keys. */
export function rowHashRowId(item: Record<string, unknown>): string {
  const subset: Record<string, unknown> = {};
  for (const k in item) if (!k.startsWith(DLT_TABLE_PREFIX)) subset[k] = item[k];
  return digest128(compactJson(subset, true), ID_BYTES);
}

/** Python's KeyError, raised when a row lacks a primary key column needed for its id. */
export class KeyError extends Error {
  constructor(key: string) {
    super(`'${key}'`);
    this.name = "KeyError";
  }
}
