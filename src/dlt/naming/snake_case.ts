// dlt's default `snake_case` naming convention (case-insensitive, reduced ASCII alphabet), with
// `__` as the separator of nested paths. Behaviour follows the reference §3.1/§3.3 exactly,
// including its quirks (e.g. `LIST+ident:1` → `lis_txident_1`), because table and column names
// must match what dlt creates in the destination.
import { shake128 } from "@noble/hashes/sha3.js";

export const PATH_SEPARATOR = "__";

/** Identifier length limit of DuckDB: long enough that shortening never happens in practice. */
export const DUCKDB_MAX_IDENTIFIER_LENGTH = 65536;

// Python's `\d` in a str pattern matches every Unicode decimal digit, so non-ASCII digits survive.
const RE_NON_ALPHANUMERIC = /[^a-zA-Z\p{Nd}_]+/gu;
const RE_LEADING_DIGITS = /^\p{Nd}/u;
const RE_SNAKE_BREAK_1 = /([^_])([A-Z][a-z]+)/g;
const RE_SNAKE_BREAK_2 = /([a-z0-9])([A-Z])/g;
const RE_UNDERSCORES = /__+/g;
const RE_TRAILING_UNDERSCORES = /_+$/;
const REDUCE_ALPHABET: Record<string, string> = { "+": "x", "-": "_", "*": "x", "@": "a", "|": "l" };
const RE_REDUCE_ALPHABET = /[+\-*@|]/g;

// Caches are bounded so that data with unbounded distinct keys (e.g. ids used as keys) cannot
// grow memory without limit; on overflow the cache simply starts over.
const CACHE_LIMIT = 50_000;
const identifierCache = new Map<string, string>();
const pathCache = new Map<string, string>();

function remember(cache: Map<string, string>, key: string, value: string): string {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

function toSnakeCase(reduced: string): string {
  let s = reduced.replace(RE_SNAKE_BREAK_1, "$1_$2").replace(RE_SNAKE_BREAK_2, "$1_$2").toLowerCase();
  if (RE_LEADING_DIGITS.test(s)) s = "_" + s;
  const trailing = RE_TRAILING_UNDERSCORES.exec(s);
  if (trailing) s = s.slice(0, trailing.index) + "x".repeat(trailing[0].length);
  return s.replace(RE_UNDERSCORES, "_");
}

/** Normalizes one identifier (no path splitting). Throws on an empty or whitespace-only name. */
export function normalizeIdentifier(identifier: string, maxLength?: number): string {
  const cacheable = maxLength === undefined;
  if (cacheable) {
    const hit = identifierCache.get(identifier);
    if (hit !== undefined) return hit;
  }
  if (identifier === null || identifier === undefined) throw new Error("`name` is None");
  const stripped = identifier.trim();
  if (!stripped) throw new Error(`ValueError: identifier \`${identifier}\` is empty`);
  const reduced = stripped
    .replace(RE_REDUCE_ALPHABET, (c) => REDUCE_ALPHABET[c])
    .replace(RE_NON_ALPHANUMERIC, "_");
  const result = shortenIdentifier(toSnakeCase(reduced), stripped, maxLength);
  return cacheable ? remember(identifierCache, identifier, result) : result;
}

/** Splits a path on `__`, dropping empty (or blank) fragments. */
export function breakPath(path: string): string[] {
  return path.split(PATH_SEPARATOR).filter((p) => p.trim() !== "");
}

/** Joins already normalized fragments with `__`, skipping blank ones. No normalization. */
export function makePath(...identifiers: string[]): string {
  let out = "";
  for (const ident of identifiers) {
    if (ident.trim() === "") continue;
    out = out ? out + PATH_SEPARATOR + ident : ident;
  }
  return out;
}

/**
 * Normalizes a path: each `__`-separated fragment on its own, so that `a__b` stays a path and
 * leading/trailing separators vanish (`__meta` → `meta`). Used for field keys and table names.
 */
export function normalizePath(path: string, maxLength?: number): string {
  const cacheable = maxLength === undefined;
  if (cacheable) {
    const hit = pathCache.get(path);
    if (hit !== undefined) return hit;
  }
  const fragments = breakPath(path).map((p) => normalizeIdentifier(p));
  const result = shortenIdentifier(makePath(...fragments), path, maxLength);
  return cacheable ? remember(pathCache, path, result) : result;
}

/** Table names are normalized as paths (`users__pets` stays a nested table name). */
export function normalizeTableIdentifier(name: string, maxLength?: number): string {
  return normalizePath(name, maxLength);
}

/** Joins normalized fragments and shortens the result, tagging it with the joined path itself. */
export function shortenFragments(fragments: string[], maxLength?: number): string {
  const path = makePath(...fragments);
  return shortenIdentifier(path, path, maxLength);
}

/**
 * Shortens `name` to `maxLength` as `head + tag + tail`, where the 6-char tag comes from
 * shake_128 of the *original* identifier so that distinct long names stay distinct.
 */
export function shortenIdentifier(name: string, original: string, maxLength?: number): string {
  if (!maxLength) return name;
  // Lengths are counted in code points, as Python's len() does: non-ASCII digits outside the BMP
  // (e.g. U+1D7CE) survive normalization and must never be cut in half.
  const chars = Array.from(name);
  if (chars.length <= maxLength) return name;
  const tag = identifierTag(original);
  const remaining = maxLength - tag.length;
  const headLength = Math.floor(remaining / 2) + (remaining % 2);
  const tailLength = Math.floor(remaining / 2);
  return chars.slice(0, headLength).join("") + tag + chars.slice(chars.length - tailLength).join("");
}

// 4 bytes for dlt's default collision probability 0.001: int(3 * log2(1000) // 8) + 1.
const TAG_BYTES = Math.floor((3 * Math.log2(1 / 0.001)) / 8) + 1;

function identifierTag(original: string): string {
  const digest = shake128(new TextEncoder().encode(original), { dkLen: TAG_BYTES });
  let bin = "";
  for (const b of digest) bin += String.fromCharCode(b);
  return btoa(bin).replace(/=+$/, "").replace(/\//g, "a").replace(/\+/g, "b").toLowerCase();
}
