// Hashes and ids exactly as dlt makes them (dlt/common/utils.py): standard base64 without
// `=` padding over shake_128 / sha3_256 digests, and orjson-style canonical JSON as input.
import { sha3_256, shake128 } from "@noble/hashes/sha3.js";

const encoder = new TextEncoder();

export function base64(bytes: Uint8Array): string {
  let bin = "";
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
  return btoa(bin);
}

export function base64NoPad(bytes: Uint8Array): string {
  return base64(bytes).replace(/=+$/, "");
}

export function fromBase64(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** dlt's `digest128(v, len)`: base64 of shake_128(v) truncated to `len` bytes, padding stripped. */
export function digest128(value: string, lengthBytes = 10): string {
  return base64NoPad(shake128(encoder.encode(value), { dkLen: lengthBytes }));
}

/** Same as digest128 over raw bytes. */
export function digest128Bytes(value: Uint8Array, lengthBytes = 10): string {
  return base64NoPad(shake128(value, { dkLen: lengthBytes }));
}

/** dlt's `digest256`: base64 (with padding) of sha3_256. */
export function digest256(value: string): string {
  return base64(sha3_256(encoder.encode(value)));
}

/** dlt's `uniq_id_base64(10)`: random row ids for root rows. */
export function uniqIdBase64(lengthBytes = 10): string {
  const bytes = new Uint8Array(lengthBytes);
  crypto.getRandomValues(bytes);
  return base64NoPad(bytes);
}

/** A random hex id, dlt's `uniq_id()` (used in file ids and temp table names). */
export function uniqIdHex(lengthBytes = 5): string {
  const bytes = new Uint8Array(lengthBytes);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * JSON as orjson writes it with OPT_SORT_KEYS: compact, keys sorted, Dates as ISO with `Z`,
 * bigint as a bare integer, Uint8Array as base64 text.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? JSON.stringify(value) : "null";
    case "bigint":
      return value.toString();
    case "boolean":
      return value ? "true" : "false";
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value instanceof Uint8Array) return JSON.stringify(base64(value));
  if (Array.isArray(value)) return "[" + value.map(canonicalJson).join(",") + "]";
  if (typeof value === "object") {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort();
    return "{" + keys.map((k) => JSON.stringify(k) + ":" + canonicalJson(obj[k])).join(",") + "}";
  }
  return JSON.stringify(String(value));
}
