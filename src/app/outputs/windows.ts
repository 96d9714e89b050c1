// Rows of a big result, fetched from DuckDB in fixed pages and kept in a small LRU cache:
// scrolling through a million rows only ever holds a few thousand in the page.
import type { DisplayRow } from "../../worker/api.ts";

export const PAGE = 256;
const KEEP_PAGES = 48;

export class RowWindows {
  private readonly pages = new Map<number, DisplayRow[]>();
  private readonly inFlight = new Set<number>();

  constructor(
    private readonly rowCount: number,
    head: DisplayRow[],
    private readonly fetch: ((offset: number, limit: number) => Promise<DisplayRow[]>) | undefined,
    private readonly onLoaded: () => void,
  ) {
    // A page the head fills is kept. So is a partial one when nothing can be fetched (a result
    // still streaming, or one from a file): its first rows show, the rest stay placeholders.
    for (let p = 0; p * PAGE < head.length; p++) {
      const rows = head.slice(p * PAGE, (p + 1) * PAGE);
      if (rows.length === PAGE || (p + 1) * PAGE >= rowCount || !fetch) this.pages.set(p, rows);
    }
  }

  /** A row if it is loaded; asks for its page otherwise. */
  row(index: number): DisplayRow | undefined {
    const p = Math.floor(index / PAGE);
    const page = this.pages.get(p);
    if (page) {
      // refresh recency
      this.pages.delete(p);
      this.pages.set(p, page);
      return page[index - p * PAGE];
    }
    this.request(p);
    return undefined;
  }

  get canFetch(): boolean {
    return !!this.fetch;
  }

  private request(p: number): void {
    if (!this.fetch || this.inFlight.has(p) || p * PAGE >= this.rowCount) return;
    this.inFlight.add(p);
    this.fetch(p * PAGE, PAGE)
      .then((rows) => {
        this.pages.set(p, rows);
        while (this.pages.size > KEEP_PAGES) this.pages.delete(this.pages.keys().next().value!);
        this.onLoaded();
      })
      .catch(() => undefined)
      .finally(() => this.inFlight.delete(p));
  }
}
