// What a resource may yield, made explicit at the door: every item becomes plain data (objects,
// arrays, strings, numbers, BigInt, booleans, null, Date, Uint8Array) before it joins a package.
// JavaScript has richer values than JSON; each gets one defined outcome here, so the normalizer,
// the local store and the destination never meet a Map, a cycle or a function:
//   Map → object (keys as strings), Set → array, ArrayBuffer / DataView → Uint8Array (binary),
//   other typed arrays → arrays of numbers (BigInt64Array → BigInts), class instances → their
//   own enumerable fields; a cycle, a function or a symbol fails with the path where it sits.
// Items that are already plain are returned as they are (no copy): a copy is made only on the
// way up from a value that had to change.
import { DltException } from "../errors.ts";

/** A yielded item holds a value that cannot be loaded; `path` says where, as `a.b[2].c`. */
export class UnsupportedValueError extends DltException {
  readonly path: string;
  readonly value_kind: string;

  constructor(path: string, kind: string, detail: string) {
    super(`${detail} at \`${path || "(the item itself)"}\``);
    this.path = path;
    this.value_kind = kind;
  }
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

function childPath(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  if (IDENT.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

/** Makes `item` plain data (see the module comment) or throws UnsupportedValueError. */
export function toPlainData(item: unknown): unknown {
  const t = typeof item;
  if (t !== "object" && t !== "function" && t !== "symbol") return item;
  return plain(item, "", []);
}

function plain(v: unknown, path: string, ancestors: object[]): unknown {
  switch (typeof v) {
    case "string":
    case "number":
    case "boolean":
    case "bigint":
    case "undefined":
      return v;
    case "function":
      throw new UnsupportedValueError(path, "function", `A function (\`${(v as Function).name || "anonymous"}\`) cannot be loaded: yield its result instead`);
    case "symbol":
      throw new UnsupportedValueError(path, "symbol", `A symbol (\`${String(v)}\`) cannot be loaded`);
  }
  if (v === null) return v;
  const obj = v as object;
  if (obj instanceof Date || obj instanceof Uint8Array) return obj;
  if (ancestors.includes(obj)) {
    const at = ancestors.indexOf(obj);
    throw new UnsupportedValueError(path, "cycle", `A cycle cannot be loaded: the value refers back to ${at === 0 ? "the item itself" : "one of its parents"}`);
  }
  if (obj instanceof ArrayBuffer) return new Uint8Array(obj.slice(0));
  if (ArrayBuffer.isView(obj)) {
    if (obj instanceof DataView) return new Uint8Array(obj.buffer.slice(obj.byteOffset, obj.byteOffset + obj.byteLength));
    return Array.from(obj as unknown as ArrayLike<number | bigint>);
  }
  ancestors.push(obj);
  try {
    if (Array.isArray(obj)) return plainArray(obj, path, ancestors);
    if (obj instanceof Set) return plainArray([...obj], path, ancestors, true);
    if (obj instanceof Map) {
      const out: Record<string, unknown> = {};
      for (const [k, val] of obj) {
        const key = typeof k === "string" ? k : String(k);
        setField(out, key, plain(val, childPath(path, key), ancestors));
      }
      return out;
    }
    return plainObject(obj as Record<string, unknown>, path, ancestors);
  } finally {
    ancestors.pop();
  }
}

function plainArray(arr: unknown[], path: string, ancestors: object[], fresh = false): unknown[] {
  let out: unknown[] | null = fresh ? arr : null;
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    if (v === null || (typeof v !== "object" && typeof v !== "function" && typeof v !== "symbol")) continue;
    const p = plain(v, childPath(path, i), ancestors);
    if (p !== v) {
      out ??= arr.slice();
      out[i] = p;
    }
  }
  return out ?? arr;
}

function plainObject(obj: Record<string, unknown>, path: string, ancestors: object[]): Record<string, unknown> {
  const proto = Object.getPrototypeOf(obj);
  // A class instance loads as its own enumerable fields, like a dict of its attributes.
  let out: Record<string, unknown> | null = proto === Object.prototype || proto === null ? null : { ...obj };
  for (const k in obj) {
    const v = obj[k];
    if (v === null || (typeof v !== "object" && typeof v !== "function" && typeof v !== "symbol")) continue;
    const p = plain(v, childPath(path, k), ancestors);
    if (p !== v) {
      out ??= { ...obj };
      setField(out, k, p);
    }
  }
  return out ?? obj;
}

/** A key `__proto__` (valid in JSON data) must stay a field, not replace the prototype. */
function setField(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === "__proto__") Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}
