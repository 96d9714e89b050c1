// Which cells a change leaves out of date. A cell that changed (edited, or run again) may give
// its names new values; every later cell that reads one of them, directly or through a cell
// that does, shows results computed from the old values. Nothing re-runs by itself: the page
// marks them stale and runs them when asked.

export interface CellDeps {
  id: string;
  /** top-level names the cell declares */
  declared: readonly string[];
  /** names it reads or writes without declaring them */
  used: readonly string[];
}

/** The cells after `changedId` that depend on it, in notebook order. */
export function dependentsOf(cells: readonly CellDeps[], changedId: string, changedNames?: readonly string[]): string[] {
  const at = cells.findIndex((c) => c.id === changedId);
  if (at < 0) return [];
  const names = new Set(changedNames ?? cells[at].declared);
  const out: string[] = [];
  for (const c of cells.slice(at + 1)) {
    if (!names.size) break;
    if (c.used.some((n) => names.has(n))) {
      out.push(c.id);
      for (const n of c.declared) names.add(n);
    } else {
      // Declared again without reading the old value: later readers depend on this cell instead.
      for (const n of c.declared) names.delete(n);
    }
  }
  return out;
}

/**
 * The cell that defines `name` for the cell at `beforeId`: the last one above it, or, when none
 * is above, the first one below (cells run out of order still find their definition).
 */
export function definingCell(cells: readonly CellDeps[], name: string, beforeId?: string): string | undefined {
  const at = beforeId ? cells.findIndex((c) => c.id === beforeId) : cells.length;
  const defines = (c: CellDeps) => c.id !== beforeId && c.declared.includes(name);
  for (let i = (at < 0 ? cells.length : at) - 1; i >= 0; i--) if (defines(cells[i])) return cells[i].id;
  return cells.find(defines)?.id;
}

/** The name a ReferenceError is about (`people is not defined`), if it is one. */
export function undefinedName(error: { name?: string; message?: string }): string | undefined {
  if (error.name !== "ReferenceError") return undefined;
  return /^([A-Za-z_$][\w$]*) is not defined/.exec(error.message ?? "")?.[1];
}
