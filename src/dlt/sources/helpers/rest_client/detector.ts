// Guessing, from the first response, where the records are and how the API paginates
// (dlt's rest_client detector), with two corrections: a page-number API is continued from the
// page actually received (dlt re-fetched page 1 and lost the last page), and URLs under keys
// that only contain `next` (such as `@odata.nextLink`) are recognised too.
import { formatPath } from "./jsonpath.ts";
import {
  BasePaginator,
  HeaderLinkPaginator,
  JSONLinkPaginator,
  JSONResponseCursorPaginator,
  PageNumberPaginator,
  SinglePagePaginator,
} from "./paginators.ts";
import type { Request } from "./request.ts";
import type { RESTResponse } from "./response.ts";

const RECORD_KEYS = new Set(["data", "items", "results", "entries", "records", "rows", "entities", "payload", "content", "objects", "values"]);
const NON_RECORD_KEYS = new Set(["meta", "metadata", "pagination", "links", "extras", "headers"]);
const TOTAL_PAGES_KEYS = new Set(["total_pages", "pages", "totalpages"]);
const CURRENT_PAGE_KEYS = ["page", "current_page", "currentpage", "page_number", "pagenumber"];
const MAX_LIST_DEPTH = 3;

type Dict = Record<string, unknown>;

function isDict(x: unknown): x is Dict {
  return !!x && typeof x === "object" && !Array.isArray(x);
}

/**
 * The JSONPath of the records: the whole body when it is a list (or has no list); otherwise
 * the shallowest list under a record-like key (`data`, `items`, `results`, ...), else the
 * shallowest list.
 */
export function detectDataSelector(body: unknown): string {
  if (!isDict(body)) return "$";
  const lists: string[][] = [];
  let level: Array<[string[], Dict]> = [[[], body]];
  for (let depth = 0; depth < MAX_LIST_DEPTH && level.length; depth++) {
    const next: Array<[string[], Dict]> = [];
    for (const [path, dict] of level) {
      for (const [k, v] of Object.entries(dict)) {
        if (Array.isArray(v)) lists.push([...path, k]);
        else if (isDict(v)) next.push([[...path, k], v]);
      }
    }
    level = next;
  }
  if (lists.length === 0) return "$";
  const preferred = lists.find((p) => {
    const last = p[p.length - 1].toLowerCase();
    return RECORD_KEYS.has(last) && !NON_RECORD_KEYS.has(last);
  });
  return formatPath(preferred ?? lists[0]);
}

export interface PaginatorDetection {
  paginator: BasePaginator;
  /** 1: certain, 0.5: a guess worth checking, 0: nothing found (single page). */
  score: number;
}

/** dlt's test for a next-page URL: a string starting with `http` or `/`. */
function isUrlLike(v: unknown): v is string {
  return typeof v === "string" && (v.startsWith("http") || v.startsWith("/"));
}

/** A scalar as Python sees one: str, int, float (bool is an int there). */
function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}

interface Found {
  path: string[];
  value: unknown;
}

/**
 * dlt's `find_next_page_path`: depth first, the first key whose name starts with `next`
 * (`next`, `next_cursor`, `next_id`, `nextPageToken`, `next_page`, ...) holding a scalar, or
 * holding a dict with an `href`/`url` scalar. The same path is the next URL when its value looks
 * like one, else the cursor.
 */
function findNextPagePath(body: unknown, path: string[] = []): Found | null {
  if (!isDict(body)) return null;
  for (const [k, v] of Object.entries(body)) {
    if (k.toLowerCase().startsWith("next")) {
      if (isDict(v)) {
        for (const [dk, dv] of Object.entries(v)) {
          const inner = dk.toLowerCase();
          if ((inner.startsWith("href") || inner.startsWith("url")) && isScalar(dv)) return { path: [...path, k, dk], value: dv };
        }
      } else if (isScalar(v)) {
        return { path: [...path, k], value: v };
      }
    }
    if (isDict(v)) {
      const found = findNextPagePath(v, [...path, k]);
      if (found) return found;
    }
  }
  return null;
}

/** pipebook's addition: a URL under a key that merely contains `next` (`@odata.nextLink`). */
function findNextLinkLike(body: unknown, path: string[] = []): string[] | null {
  if (!isDict(body)) return null;
  for (const [k, v] of Object.entries(body)) {
    const key = k.toLowerCase();
    if (key.includes("next") && !key.startsWith("next")) {
      if (isUrlLike(v)) return [...path, k];
      if (isDict(v)) {
        for (const [dk, dv] of Object.entries(v)) {
          if ((dk.toLowerCase() === "href" || dk.toLowerCase() === "url") && isUrlLike(dv)) return [...path, k, dk];
        }
      }
    }
    if (isDict(v)) {
      const found = findNextLinkLike(v, [...path, k]);
      if (found) return found;
    }
  }
  return null;
}

function findKey(body: unknown, keys: Set<string>, path: string[] = []): { path: string[]; value: unknown; parent: Dict } | null {
  if (!isDict(body)) return null;
  for (const [k, v] of Object.entries(body)) {
    if (keys.has(k.toLowerCase()) && (typeof v === "number" || typeof v === "string")) return { path: [...path, k], value: v, parent: body };
    if (isDict(v)) {
      const found = findKey(v, keys, [...path, k]);
      if (found) return found;
    }
  }
  return null;
}

function intOf(v: unknown): number | null {
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "string" && /^\s*\d+\s*$/.test(v)) return Number(v);
  return null;
}

/** The page number the request asked for, from its params or its URL's query. */
function requestedPage(request: Request, param: string): number | null {
  const fromParams = intOf(request.params?.[param]);
  if (fromParams !== null) return fromParams;
  try {
    return intOf(new URL(request.url).searchParams.get(param));
  } catch {
    return null;
  }
}

function reportedPage(parent: Dict, body: unknown): number | null {
  for (const scope of [parent, body]) {
    if (!isDict(scope)) continue;
    for (const [k, v] of Object.entries(scope)) {
      if (CURRENT_PAGE_KEYS.includes(k.toLowerCase())) {
        const n = intOf(v);
        if (n !== null) return n;
      }
    }
  }
  return null;
}

/**
 * A page-number paginator positioned on the page just received. Its number is the one the
 * request asked for, else the one the body reports (`page`, `current_page`, ...), else the
 * first page: 1, which is what a `total_pages` API numbers its first page with unless it says
 * it is page 0. The next request is that page + 1; the last one is base + total - 1.
 */
function pageNumberFrom(response: RESTResponse, request: Request): PaginatorDetection | null {
  const body = response.json();
  const found = findKey(body, TOTAL_PAGES_KEYS);
  if (!found || intOf(found.value) === null) return null;
  const param = "page";
  const current = requestedPage(request, param) ?? reportedPage(found.parent, body);
  const base = current === 0 ? 0 : 1;
  const paginator = new PageNumberPaginator({ base_page: base, page: current ?? base, page_param: param, total_path: formatPath(found.path) });
  return { paginator, score: 0.5 };
}

/** Tried in order: Link header, next URL in the body, total pages, next cursor, single page. */
export function detectPaginator(response: RESTResponse, request: Request): PaginatorDetection {
  if (response.links.next) return { paginator: new HeaderLinkPaginator(), score: 1 };
  const body = response.json();
  const next = findNextPagePath(body);
  if (next && isUrlLike(next.value)) return { paginator: new JSONLinkPaginator({ next_url_path: formatPath(next.path) }), score: 1 };
  const linkLike = findNextLinkLike(body);
  if (linkLike) return { paginator: new JSONLinkPaginator({ next_url_path: formatPath(linkLike) }), score: 1 };
  const pages = pageNumberFrom(response, request);
  if (pages) return pages;
  if (next) return { paginator: new JSONResponseCursorPaginator({ cursor_path: formatPath(next.path), cursor_param: "cursor" }), score: 0.5 };
  return { paginator: new SinglePagePaginator(), score: 0 };
}
