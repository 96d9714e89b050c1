// `{resources.posts.id}` / `{incremental.start_value}` placeholders, with Python str.format
// rules for literals: `{{` and `}}` are braces.

export type Segment = { literal: string } | { field: string };

export class PlaceholderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlaceholderError";
  }
}

/** Splits a template into literal text and `{field}`s (a `!conv` or `:spec` suffix is dropped). */
export function parseTemplate(template: string): Segment[] {
  const out: Segment[] = [];
  let literal = "";
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c === "{" && template[i + 1] === "{") {
      literal += "{";
      i++;
    } else if (c === "}" && template[i + 1] === "}") {
      literal += "}";
      i++;
    } else if (c === "{") {
      const end = template.indexOf("}", i + 1);
      if (end < 0) {
        throw new PlaceholderError(`Unmatched \`{\` in ${JSON.stringify(template)}: write literal braces as {{ and }}`);
      }
      if (literal) out.push({ literal });
      literal = "";
      const field = template.slice(i + 1, end).split(/[!:]/)[0].trim();
      if (!field) throw new PlaceholderError(`Empty placeholder \`{}\` in ${JSON.stringify(template)}: write literal braces as {{ and }}`);
      out.push({ field });
      i = end;
    } else {
      literal += c;
    }
  }
  if (literal) out.push({ literal });
  return out;
}

/** Every placeholder field used in a value (strings, and keys and values of objects/arrays). */
export function findExpressions(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === "string") {
    for (const s of parseTemplate(value)) if ("field" in s) into.add(s.field);
  } else if (Array.isArray(value)) {
    for (const v of value) findExpressions(v, into);
  } else if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      findExpressions(k, into);
      findExpressions(v, into);
    }
  }
  return into;
}

export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (!x || typeof x !== "object" || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

export type Resolver = (field: string) => unknown;

function text(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** A template with its placeholders filled in, as text. */
export function expandString(template: string, resolve: Resolver): string {
  return parseTemplate(template)
    .map((s) => ("field" in s ? text(resolve(s.field)) : s.literal))
    .join("");
}

/**
 * Fills placeholders everywhere in a value. With `keepType`, a string that is exactly one
 * placeholder becomes the value itself (a number stays a number, null stays null and is then
 * left out of a query), as dlt does for JSON bodies.
 */
export function expand<T>(value: T, resolve: Resolver, keepType = false): T {
  if (typeof value === "string") {
    if (keepType) {
      const segs = parseTemplate(value);
      if (segs.length === 1 && "field" in segs[0]) return resolve(segs[0].field) as T;
    }
    return expandString(value, resolve) as T;
  }
  if (Array.isArray(value)) return value.map((v) => expand(v, resolve, keepType)) as T;
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[expandString(k, resolve)] = expand(v, resolve, keepType);
    return out as T;
  }
  return value;
}
