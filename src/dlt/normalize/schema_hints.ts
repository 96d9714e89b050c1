// Schema-wide settings that steer inference of new columns: default hints (e.g. `_dlt_id` is
// not null, unique, row_key), preferred types by column name, and type detections. Patterns
// are dlt "simple regexes": `re:<regex>` searches, anything else matches the exact name.
import type { StoredSchema } from "../schema/schema.ts";
import type { TDataType } from "../schema/types.ts";

interface Matcher {
  exact: Set<string>;
  patterns: RegExp[];
}

function compile(patterns: readonly string[]): Matcher {
  const m: Matcher = { exact: new Set(), patterns: [] };
  for (const p of patterns) {
    if (p.startsWith("re:")) m.patterns.push(new RegExp(p.slice(3)));
    else m.exact.add(p);
  }
  return m;
}

function test(m: Matcher, name: string): boolean {
  if (m.exact.has(name)) return true;
  for (const re of m.patterns) if (re.test(name)) return true;
  return false;
}

export class SchemaHints {
  readonly detections: readonly string[];
  /** default hints other than not_null, in settings order: set to true on matching new columns */
  readonly columnHints: string[];
  private readonly hints = new Map<string, Matcher>();
  private readonly preferred: [Matcher, TDataType][] = [];
  private readonly preferredCache = new Map<string, TDataType | null>();

  constructor(settings: StoredSchema["settings"]) {
    this.detections = settings.detections ?? [];
    for (const [hint, patterns] of Object.entries(settings.default_hints ?? {})) {
      this.hints.set(hint, compile(patterns));
    }
    this.columnHints = [...this.hints.keys()].filter((h) => h !== "not_null");
    const preferred = (settings.preferred_types ?? {}) as Record<string, TDataType>;
    for (const [pattern, type] of Object.entries(preferred)) this.preferred.push([compile([pattern]), type]);
  }

  matches(hint: string, column: string): boolean {
    const m = this.hints.get(hint);
    return m !== undefined && test(m, column);
  }

  /** The first preferred type whose pattern matches the column name. */
  preferredType(column: string): TDataType | undefined {
    if (this.preferred.length === 0) return undefined;
    let hit = this.preferredCache.get(column);
    if (hit === undefined) {
      hit = this.preferred.find(([m]) => test(m, column))?.[1] ?? null;
      this.preferredCache.set(column, hit);
    }
    return hit ?? undefined;
  }
}
