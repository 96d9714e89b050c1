// Deterministic benchmark data: flat rows of 10 typed columns, and nested documents.
export interface FlatRow {
  id: number;
  qty: number;
  amount: number;
  score: number;
  name: string;
  category: string;
  active: boolean;
  flag: boolean;
  created_at: string;
  updated_at: string;
}

const CATEGORIES = ["books", "games", "garden", "tools", "music"];
const BASE = Date.UTC(2024, 0, 1);

export function flatRows(n: number, offset = 0): FlatRow[] {
  const out: FlatRow[] = new Array(n);
  for (let k = 0; k < n; k++) {
    const i = k + offset;
    out[k] = {
      id: i,
      qty: i % 97,
      // never integral: JS has no 2.0, and the first row would make the column bigint
      amount: (i % 1000) / 7 + 0.5,
      score: Math.sin(i) * 100 + 0.25,
      name: `customer ${i}`,
      category: CATEGORIES[i % 5],
      active: i % 2 === 0,
      flag: i % 3 === 0,
      created_at: new Date(BASE + i * 60_000).toISOString(),
      updated_at: new Date(BASE + i * 90_000).toISOString(),
    };
  }
  return out;
}

export function nestedDocs(n: number) {
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = {
      id: i,
      meta: { source: CATEGORIES[i % 5], version: i % 7, checked: i % 2 === 0 },
      tags: ["a", "b", "c"].slice(0, 1 + (i % 3)),
      lines: [
        { sku: `s${i}`, qty: 1, parts: [1, 2] },
        { sku: `t${i}`, qty: 2, parts: [3] },
      ],
    };
  }
  return out;
}

export function pages<T>(rows: T[], size = 10_000): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}
