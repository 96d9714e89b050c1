// A paginator from a config value: a `type` name, a `{ type, ...params }` dict, or an instance
// (yours may be any object with update_state / update_request).
import { PaginatorError } from "./errors.ts";
import {
  BasePaginator,
  HeaderCursorPaginator,
  HeaderLinkPaginator,
  JSONLinkPaginator,
  JSONResponseCursorPaginator,
  OffsetPaginator,
  PageNumberPaginator,
  SinglePagePaginator,
} from "./paginators.ts";

type PaginatorClass = new (options?: any) => BasePaginator;

const PAGINATORS: Record<string, PaginatorClass | null> = {
  json_link: JSONLinkPaginator,
  json_response: JSONLinkPaginator,
  header_link: HeaderLinkPaginator,
  header_cursor: HeaderCursorPaginator,
  cursor: JSONResponseCursorPaginator,
  offset: OffsetPaginator,
  page_number: PageNumberPaginator,
  single_page: SinglePagePaginator,
  auto: null,
};

export type PaginatorConfig = string | BasePaginator | ({ type: string } & Record<string, unknown>);

/** Registers a paginator class under a `type` name usable in configs. */
export function register_paginator(name: string, cls: PaginatorClass): void {
  PAGINATORS[name] = cls;
}

function isPaginatorLike(x: unknown): x is BasePaginator {
  return !!x && typeof (x as BasePaginator).update_state === "function" && typeof (x as BasePaginator).update_request === "function";
}

/** undefined means "detect from the first response" (`auto` or nothing configured). */
export function createPaginator(config: PaginatorConfig | null | undefined): BasePaginator | undefined {
  if (config === undefined || config === null) return undefined;
  if (isPaginatorLike(config)) return config;
  if (typeof config === "string") {
    const cls = lookup(config);
    if (!cls) return undefined;
    try {
      return new cls();
    } catch (e) {
      throw new PaginatorError(
        `Paginator \`${config}\` needs parameters: use an object, e.g. { type: "${config}", ... }. ${(e as Error).message}`,
      );
    }
  }
  if (typeof config === "object") {
    const { type = "auto", ...options } = config as Record<string, unknown>;
    const cls = lookup(String(type));
    return cls ? new cls(options) : undefined;
  }
  throw new PaginatorError(`A paginator must be a type name, an object with \`type\` or a paginator instance, not ${typeof config}`);
}

function lookup(type: string): PaginatorClass | null {
  if (!(type in PAGINATORS)) {
    throw new PaginatorError(`Unknown paginator type \`${type}\`. Known types: ${Object.keys(PAGINATORS).join(", ")}`);
  }
  return PAGINATORS[type];
}

/** A fresh copy for one request chain; objects that are not BasePaginators are copied shallowly. */
export function freshPaginator(p: BasePaginator): BasePaginator {
  if (typeof (p as BasePaginator).fresh === "function") return p.fresh();
  const copy = Object.create(Object.getPrototypeOf(p));
  return Object.assign(copy, p);
}
