// Cursor paths as dlt reads them: a plain field name, or a small JSONPath — `$`, `a.b`, `a[*].b`,
// `a.*`, `a[0]`, `['odd key']` — of which the first match is the cursor value.
import { IncrementalConfigError } from "./errors.ts";

type Step = { kind: "field"; name: string } | { kind: "any" } | { kind: "index"; index: number };

export interface CursorPath {
  /** The path as written; dlt keys state and error messages by it. */
  readonly text: string;
  /** Set when the path names one top-level field: looked up directly, and hinted in the schema. */
  readonly field?: string;
  readonly steps: Step[];
}

const SPECIAL = /[.[\]$*'"]/;

export function compileCursorPath(text: string): CursorPath {
  if (typeof text !== "string" || text.length === 0) {
    throw new IncrementalConfigError(`Cursor path must be a non-empty string, got ${String(text)}`);
  }
  if (!SPECIAL.test(text)) return { text, field: text, steps: [{ kind: "field", name: text }] };
  const steps = parseSteps(text);
  const only = steps.length === 1 ? steps[0] : undefined;
  return { text, field: only?.kind === "field" ? only.name : undefined, steps };
}

function parseSteps(text: string): Step[] {
  const bad = (why: string) => new IncrementalConfigError(`Cursor path \`${text}\` is not a valid JSON path: ${why}`);
  const steps: Step[] = [];
  let i = 0;
  if (text[0] === "$") i = 1;
  const readName = () => {
    const start = i;
    while (i < text.length && text[i] !== "." && text[i] !== "[") i++;
    if (i === start) throw bad(`a field name is missing at position ${start}`);
    return text.slice(start, i);
  };
  if (i === 0 && text[0] !== "[" && text[0] !== ".") {
    const name = readName();
    steps.push(name === "*" ? { kind: "any" } : { kind: "field", name });
  }
  while (i < text.length) {
    const c = text[i];
    if (c === ".") {
      i++;
      const name = readName();
      steps.push(name === "*" ? { kind: "any" } : { kind: "field", name });
    } else if (c === "[") {
      const close = findClose(text, i);
      if (close < 0) throw bad("an opening `[` is not closed");
      const inner = text.slice(i + 1, close).trim();
      i = close + 1;
      if (inner === "*") steps.push({ kind: "any" });
      else if (/^\d+$/.test(inner)) steps.push({ kind: "index", index: Number(inner) });
      else if (/^'.*'$|^".*"$/s.test(inner)) steps.push({ kind: "field", name: inner.slice(1, -1) });
      else throw bad(`\`[${inner}]\` is not supported`);
    } else {
      throw bad(`unexpected \`${c}\` at position ${i}`);
    }
  }
  return steps;
}

function findClose(text: string, open: number): number {
  const quote = text[open + 1] === "'" || text[open + 1] === '"' ? text[open + 1] : undefined;
  if (quote) {
    const end = text.indexOf(quote, open + 2);
    return end < 0 ? -1 : text.indexOf("]", end);
  }
  return text.indexOf("]", open);
}

/** Whether `name` is a value held by `row` (own data or a getter, not Object's own methods). */
function hasField(row: unknown, name: string): boolean {
  if (row === null || typeof row !== "object") return false;
  if (Object.prototype.hasOwnProperty.call(row, name)) return true;
  return name in row && !(name in Object.prototype);
}

/** Values the path selects in `row`, in document order. A present key holding null counts. */
export function findValues(path: CursorPath, row: unknown): unknown[] {
  let current: unknown[] = [row];
  for (const step of path.steps) {
    const next: unknown[] = [];
    for (const node of current) {
      if (step.kind === "field") {
        if (hasField(node, step.name)) next.push((node as Record<string, unknown>)[step.name]);
      } else if (step.kind === "index") {
        if (Array.isArray(node) && step.index < node.length) next.push(node[step.index]);
      } else if (Array.isArray(node)) {
        next.push(...node);
      } else if (node !== null && typeof node === "object" && !(node instanceof Date)) {
        next.push(...Object.values(node));
      }
    }
    current = next;
  }
  return current;
}

export type CursorLookup = { found: true; value: unknown } | { found: false };

/** The cursor value of a row: the first match. `found` is false when nothing matches. */
export function lookupCursor(path: CursorPath, row: unknown): CursorLookup {
  if (path.field !== undefined && path.steps.length === 1) {
    return hasField(row, path.field) ? { found: true, value: (row as Record<string, unknown>)[path.field] } : { found: false };
  }
  const values = findValues(path, row);
  return values.length ? { found: true, value: values[0] } : { found: false };
}
