// The JSONPath subset dlt's rest_api configs use (data_selector, next_url_path, total_path,
// cursor_path, resource fields): `$`, dotted names, `..name`, `*`, `[n]`, `[*]`, `['quoted name']`.
// A dependency would be heavier than this and would still need the dotted-without-`$` form.

export type PathStep =
  | { kind: "key"; key: string }
  | { kind: "index"; index: number }
  | { kind: "wildcard" }
  | { kind: "descend"; step: PathStep };

export class JSONPathError extends Error {
  constructor(path: string, reason: string) {
    super(`Invalid JSONPath \`${path}\`: ${reason}`);
    this.name = "JSONPathError";
  }
}

const cache = new Map<string, PathStep[]>();

/** Parses a path once; "$" (or "") selects the whole document. */
export function compilePath(path: string): PathStep[] {
  const hit = cache.get(path);
  if (hit) return hit;
  const steps = parse(path);
  cache.set(path, steps);
  return steps;
}

function parse(path: string): PathStep[] {
  const steps: PathStep[] = [];
  const s = path.trim();
  let i = 0;
  if (s.startsWith("$")) {
    i = 1;
    if (i < s.length && s[i] !== "." && s[i] !== "[") throw new JSONPathError(path, "expected `.` or `[` after `$`");
  }
  let descend = false;
  const push = (step: PathStep) => {
    steps.push(descend ? { kind: "descend", step } : step);
    descend = false;
  };
  while (i < s.length) {
    const c = s[i];
    if (c === ".") {
      if (s[i + 1] === ".") {
        descend = true;
        i += 2;
      } else i += 1;
      continue;
    }
    if (c === "[") {
      const end = findBracketEnd(s, i, path);
      const inner = s.slice(i + 1, end).trim();
      i = end + 1;
      if (inner === "*") push({ kind: "wildcard" });
      else if (/^-?\d+$/.test(inner)) push({ kind: "index", index: Number(inner) });
      else if (/^(['"]).*\1$/s.test(inner)) push({ kind: "key", key: inner.slice(1, -1).replace(/\\(['"\\])/g, "$1") });
      else throw new JSONPathError(path, `unsupported selector [${inner}]`);
      continue;
    }
    let j = i;
    while (j < s.length && s[j] !== "." && s[j] !== "[") j++;
    const name = s.slice(i, j).trim();
    if (!name) throw new JSONPathError(path, "empty name");
    push(name === "*" ? { kind: "wildcard" } : { kind: "key", key: name });
    i = j;
  }
  if (descend) throw new JSONPathError(path, "`..` must be followed by a name");
  return steps;
}

function findBracketEnd(s: string, start: number, path: string): number {
  let quote: string | null = null;
  for (let k = start + 1; k < s.length; k++) {
    const ch = s[k];
    if (quote) {
      if (ch === "\\") k++;
      else if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === "]") return k;
  }
  throw new JSONPathError(path, "unclosed `[`");
}

function children(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value && typeof value === "object") return Object.values(value);
  return [];
}

function applyStep(step: PathStep, value: unknown, out: unknown[]): void {
  switch (step.kind) {
    case "key":
      if (value && typeof value === "object" && !Array.isArray(value) && Object.hasOwn(value, step.key)) {
        out.push((value as Record<string, unknown>)[step.key]);
      }
      return;
    case "index":
      if (Array.isArray(value)) {
        const idx = step.index < 0 ? value.length + step.index : step.index;
        if (idx >= 0 && idx < value.length) out.push(value[idx]);
      }
      return;
    case "wildcard":
      out.push(...children(value));
      return;
    case "descend": {
      const visit = (v: unknown) => {
        applyStep(step.step, v, out);
        for (const c of children(v)) visit(c);
      };
      visit(value);
      return;
    }
  }
}

/** All values the path selects, in document order; [] when nothing matches. */
export function findValues(path: string | PathStep[], doc: unknown): unknown[] {
  const steps = typeof path === "string" ? compilePath(path) : path;
  let current: unknown[] = [doc];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of current) applyStep(step, v, next);
    current = next;
    if (current.length === 0) break;
  }
  return current;
}

/** The first selected value, or undefined. */
export function findFirst(path: string, doc: unknown): unknown {
  return findValues(path, doc)[0];
}

/** Sets a value at a dotted path inside a JSON body, creating objects on the way. */
export function setValueAtPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = compilePath(path).map((s) => {
    if (s.kind !== "key") throw new JSONPathError(path, "only names can be used to place a value in a body");
    return s.key;
  });
  if (keys.length === 0) throw new JSONPathError(path, "empty path");
  let node = obj;
  for (const k of keys.slice(0, -1)) {
    const child = node[k];
    if (!child || typeof child !== "object" || Array.isArray(child)) node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

/** A path made from keys, quoting the ones a dotted path can't carry (`@odata.nextLink`). */
export function formatPath(keys: string[]): string {
  if (keys.length === 0) return "$";
  return keys
    .map((k, i) => (/^[A-Za-z_][A-Za-z0-9_\-]*$/.test(k) ? (i === 0 ? k : `.${k}`) : `['${k.replace(/(['\\])/g, "\\$1")}']`))
    .join("");
}
