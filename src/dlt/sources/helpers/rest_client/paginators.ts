// Paginators: how to get from one page to the next and when to stop (dlt's rest_client
// paginators, same parameters and stop rules). A configured paginator is a template: every
// request chain paginates with its own `fresh()` copy, so chains never share a page counter.
import { ValueError } from "../../../errors.ts";
import { PaginatorError } from "./errors.ts";
import { findValues, setValueAtPath } from "./jsonpath.ts";
import type { Request } from "./request.ts";
import type { RESTResponse } from "./response.ts";

export abstract class BasePaginator {
  /** The `type` name used in configs. */
  abstract readonly type: string;
  protected _has_next_page = true;

  get has_next_page(): boolean {
    return this._has_next_page;
  }

  /** Prepares the first request (e.g. adds page=base_page). */
  init_request(_request: Request): void {}

  /** Reads what the next page is from a response and the data extracted from it. */
  abstract update_state(response: RESTResponse, data?: unknown[]): void;

  /** Turns the request just sent into the request for the next page. */
  abstract update_request(request: Request): void;

  /** The settings as a config object, e.g. { type: "page_number", base_page: 1, ... }. */
  abstract config(): Record<string, unknown>;

  /** An unused copy with the same settings. */
  fresh(): this {
    const copy = Object.create(Object.getPrototypeOf(this)) as this;
    Object.assign(copy, this);
    copy.reset();
    return copy;
  }

  protected reset(): void {
    this._has_next_page = true;
  }

  toString(): string {
    return `${this.constructor.name}(${JSON.stringify(this.config())})`;
  }
}

export class SinglePagePaginator extends BasePaginator {
  readonly type = "single_page";

  update_state(): void {
    this._has_next_page = false;
  }

  update_request(): void {}

  config() {
    return { type: this.type };
  }
}

function toBool(value: unknown, path: string, cls: string): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "string") {
    const v = value.trim().toLowerCase();
    if (["true", "1", "yes", "y", "t", "on"].includes(v)) return true;
    if (["false", "0", "no", "n", "f", "off"].includes(v)) return false;
  }
  throw new PaginatorError(`\`${path}\` is not a boolean in the response in \`${cls}\`. Expected a boolean, got \`${JSON.stringify(value)}\``);
}

function hasMore(response: RESTResponse, path: string, cls: string): boolean {
  const body = response.json();
  const values = findValues(path, body);
  const v = values.length ? values[0] : undefined;
  if (v === undefined || v === null) {
    throw new PaginatorError(
      `Has more value not found in the response in \`${cls}\`. Expected a response with a \`${path}\` key, got \`${preview(body)}\`.`,
    );
  }
  return toBool(v, path, cls);
}

function preview(body: unknown): string {
  const s = JSON.stringify(body) ?? String(body);
  return s.length > 200 ? s.slice(0, 200) + "…" : s;
}

interface RangeOptions {
  param_name?: string;
  param_body_path?: string;
  initial_value: number;
  value_step: number;
  base_index: number;
  maximum_value?: number | null;
  total_path?: string | null;
  stop_after_empty_page?: boolean;
  has_more_path?: string | null;
  items_name: string;
}

/** A number in the query (or body) that grows by a step per page: pages and offsets. */
abstract class RangePaginator extends BasePaginator {
  protected param_name?: string;
  protected param_body_path?: string;
  protected initial_value: number;
  protected current_value: number;
  protected value_step: number;
  protected base_index: number;
  protected maximum_value: number | null;
  protected total_path: string | null;
  protected stop_after_empty_page: boolean;
  protected has_more_path: string | null;
  private items_name: string;

  constructor(o: RangeOptions) {
    super();
    if (!!o.param_name === !!o.param_body_path) {
      throw new ValueError("Either 'param_name' or 'param_body_path' must be provided, not both.");
    }
    if (o.total_path == null && o.maximum_value == null && o.has_more_path == null && !o.stop_after_empty_page) {
      throw new ValueError(
        `One of \`total_path\`, \`maximum_${o.items_name === "pages" ? "page" : "offset"}\`, \`has_more_path\`, or \`stop_after_empty_page\` must be provided.`,
      );
    }
    this.param_name = o.param_name;
    this.param_body_path = o.param_body_path;
    this.initial_value = o.initial_value;
    this.current_value = o.initial_value;
    this.value_step = o.value_step;
    this.base_index = o.base_index;
    this.maximum_value = o.maximum_value ?? null;
    this.total_path = o.total_path ?? null;
    this.stop_after_empty_page = o.stop_after_empty_page ?? true;
    this.has_more_path = o.has_more_path ?? null;
    this.items_name = o.items_name;
  }

  protected override reset(): void {
    super.reset();
    this.current_value = this.initial_value;
  }

  override init_request(request: Request): void {
    this.reset();
    this.update_request(request);
  }

  update_state(response: RESTResponse, data?: unknown[]): void {
    if (this.stop_after_empty_page && (!data || data.length === 0)) {
      this._has_next_page = false;
      return;
    }
    let total: number | null = null;
    if (this.total_path) {
      const body = response.json();
      const values = findValues(this.total_path, body);
      const raw = values.length ? values[0] : undefined;
      if (raw === undefined || raw === null) {
        throw new PaginatorError(
          `Total \`${this.items_name}\` not found in the response in \`${this.constructor.name}\`. Expected a response with a \`${this.total_path}\` key, got \`${preview(body)}\`. ` +
            `Set \`total_path\` to where the API reports it, or \`total_path: null\` to stop at an empty page.`,
        );
      }
      total = toInt(raw);
      if (total === null) {
        throw new PaginatorError(
          `\`${this.total_path}\` is not an \`int\` in the response in \`${this.constructor.name}\`. Expected an integer, got \`${JSON.stringify(raw)}\``,
        );
      }
    }
    this.current_value += this.value_step;
    if (
      (total !== null && this.current_value >= total + this.base_index) ||
      (this.maximum_value !== null && this.current_value >= this.maximum_value)
    ) {
      this._has_next_page = false;
    }
    if (this.has_more_path) this._has_next_page = hasMore(response, this.has_more_path, this.constructor.name);
  }

  update_request(request: Request): void {
    placeValue(request, this.param_name, this.param_body_path, this.current_value);
  }
}

function toInt(v: unknown): number | null {
  if (typeof v === "number" && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === "string" && /^\s*-?\d+\s*$/.test(v)) return Number(v);
  return null;
}

/**
 * Where a value goes: the query parameter or the body path. With neither, the default parameter
 * (dlt's backward-compatible default); both, or only empty strings, is dlt's ValueError.
 */
function paramOrBodyPath(
  name: string,
  param: string | null | undefined,
  bodyPath: string | null | undefined,
  defaultParam: string,
): { param?: string; bodyPath?: string } {
  if (param == null && bodyPath == null) return { param: defaultParam };
  if (!param === !bodyPath) {
    throw new ValueError(`Either '${name}_param' or '${name}_body_path' must be provided, not both.`);
  }
  return param ? { param } : { bodyPath: bodyPath! };
}

function placeValue(request: Request, param: string | undefined, bodyPath: string | undefined, value: unknown): void {
  if (bodyPath) {
    if (request.json === undefined || request.json === null) request.json = {};
    if (typeof request.json !== "object" || Array.isArray(request.json)) {
      throw new PaginatorError(`Cannot place a value at \`${bodyPath}\`: the request body is not a JSON object`);
    }
    setValueAtPath(request.json as Record<string, unknown>, bodyPath, value);
  } else if (param) {
    request.params ??= {};
    request.params[param] = value;
  }
}

export interface PageNumberPaginatorOptions {
  base_page?: number;
  page?: number | null;
  page_param?: string | null;
  page_body_path?: string | null;
  total_path?: string | null;
  maximum_page?: number | null;
  stop_after_empty_page?: boolean;
  has_more_path?: string | null;
}

/**
 * page=base_page, base_page+1, ... Stops at an empty page, when the page number reaches
 * `total` (pages) + base_page, at `maximum_page`, or when `has_more_path` is false.
 */
export class PageNumberPaginator extends RangePaginator {
  readonly type = "page_number";
  private readonly options: PageNumberPaginatorOptions;

  constructor(options: PageNumberPaginatorOptions = {}) {
    const base = options.base_page ?? 0;
    const page = paramOrBodyPath("page", options.page_param, options.page_body_path, "page");
    super({
      param_name: page.param,
      param_body_path: page.bodyPath,
      initial_value: options.page ?? base,
      value_step: 1,
      base_index: base,
      maximum_value: options.maximum_page,
      total_path: options.total_path === undefined ? "total" : options.total_path,
      stop_after_empty_page: options.stop_after_empty_page ?? true,
      has_more_path: options.has_more_path,
      items_name: "pages",
    });
    this.options = options;
  }

  /** The page number the next request asks for. */
  get current_page(): number {
    return this.current_value;
  }

  config() {
    return { type: this.type, ...this.options };
  }
}

export interface OffsetPaginatorOptions {
  limit: number;
  offset?: number;
  offset_param?: string | null;
  offset_body_path?: string | null;
  limit_param?: string | null;
  limit_body_path?: string | null;
  total_path?: string | null;
  maximum_offset?: number | null;
  stop_after_empty_page?: boolean;
  has_more_path?: string | null;
}

/**
 * offset=0, limit, 2*limit, ... with `limit` sent on every request. Stops at an empty page,
 * when offset reaches `total` (items), at `maximum_offset`, or when `has_more_path` is false.
 */
export class OffsetPaginator extends RangePaginator {
  readonly type = "offset";
  private readonly options: OffsetPaginatorOptions;
  private readonly limit: number;
  private readonly limit_param?: string;
  private readonly limit_body_path?: string;

  constructor(options: OffsetPaginatorOptions) {
    if (!options || typeof options.limit !== "number" || !(options.limit > 0)) {
      throw new ValueError("Paginator `offset` needs `limit` (a positive number of items per page).");
    }
    const offset = paramOrBodyPath("offset", options.offset_param, options.offset_body_path, "offset");
    const limit = paramOrBodyPath("limit", options.limit_param, options.limit_body_path, "limit");
    super({
      param_name: offset.param,
      param_body_path: offset.bodyPath,
      initial_value: options.offset ?? 0,
      value_step: options.limit,
      base_index: 0,
      maximum_value: options.maximum_offset,
      total_path: options.total_path === undefined ? "total" : options.total_path,
      stop_after_empty_page: options.stop_after_empty_page ?? true,
      has_more_path: options.has_more_path,
      items_name: "items",
    });
    this.options = options;
    this.limit = options.limit;
    this.limit_body_path = limit.bodyPath;
    this.limit_param = limit.param;
  }

  override update_request(request: Request): void {
    super.update_request(request);
    placeValue(request, this.limit_param, this.limit_body_path, this.limit);
  }

  config() {
    return { type: this.type, ...this.options };
  }
}

/** Follows a reference (a URL or a cursor) found in each response; stops when there is none. */
abstract class ReferencePaginator extends BasePaginator {
  protected next_reference: string | null = null;

  protected setNext(value: unknown): void {
    this.next_reference = value === undefined || value === null || value === "" ? null : String(value);
    this._has_next_page = this.next_reference !== null;
  }

  protected override reset(): void {
    super.reset();
    this.next_reference = null;
  }
}

/** Next page at a URL (absolute or relative to the current one); its query replaces ours. */
abstract class NextUrlPaginator extends ReferencePaginator {
  update_request(request: Request): void {
    if (this.next_reference === null) return;
    request.url = new URL(this.next_reference, request.url).toString();
    // The next URL carries its own query; re-adding the first request's params would
    // duplicate them (dlt #1514).
    request.params = {};
  }
}

export class JSONLinkPaginator extends NextUrlPaginator {
  readonly type = "json_link";
  readonly next_url_path: string;

  constructor(options: { next_url_path?: string } = {}) {
    super();
    this.next_url_path = options.next_url_path ?? "next";
  }

  update_state(response: RESTResponse): void {
    this.setNext(findValues(this.next_url_path, response.json())[0]);
  }

  config() {
    return { type: this.type, next_url_path: this.next_url_path };
  }
}

export class HeaderLinkPaginator extends NextUrlPaginator {
  readonly type = "header_link";
  readonly links_next_key: string;

  constructor(options: { links_next_key?: string } = {}) {
    super();
    this.links_next_key = options.links_next_key ?? "next";
  }

  update_state(response: RESTResponse): void {
    this.setNext(response.links[this.links_next_key]?.url);
  }

  config() {
    return { type: this.type, links_next_key: this.links_next_key };
  }
}

export interface CursorPaginatorOptions {
  cursor_path?: string;
  cursor_param?: string | null;
  cursor_body_path?: string | null;
  stop_after_empty_page?: boolean;
  has_more_path?: string | null;
}

/** A cursor from the body (`cursor_path`) sent back as `cursor_param` (or into the body). */
export class JSONResponseCursorPaginator extends ReferencePaginator {
  readonly type = "cursor";
  private readonly options: CursorPaginatorOptions;
  readonly cursor_path: string;
  readonly cursor_param?: string;
  readonly cursor_body_path?: string;

  constructor(options: CursorPaginatorOptions = {}) {
    super();
    // Unlike the range paginators, dlt rejects only both being given (not empty strings).
    if (options.cursor_param != null && options.cursor_body_path != null) {
      throw new ValueError("Either 'cursor_param' or 'cursor_body_path' must be provided, not both.");
    }
    this.options = options;
    this.cursor_path = options.cursor_path ?? "cursors.next";
    this.cursor_body_path = options.cursor_body_path ?? undefined;
    this.cursor_param = options.cursor_param ?? (this.cursor_body_path ? undefined : "cursor");
  }

  update_state(response: RESTResponse, data?: unknown[]): void {
    const body = response.json();
    const v = findValues(this.cursor_path, body)[0];
    this.setNext(v === false || v === 0 ? null : v);
    if (this.options.stop_after_empty_page && (!data || data.length === 0)) {
      this._has_next_page = false;
      return;
    }
    if (this.options.has_more_path) this._has_next_page = hasMore(response, this.options.has_more_path, this.constructor.name);
  }

  update_request(request: Request): void {
    placeValue(request, this.cursor_param, this.cursor_body_path, this.next_reference);
  }

  config() {
    return { type: this.type, cursor_path: this.cursor_path, ...this.options };
  }
}

/** A cursor from a response header (`cursor_key`) sent back as `cursor_param`. */
export class HeaderCursorPaginator extends ReferencePaginator {
  readonly type = "header_cursor";
  readonly cursor_key: string;
  readonly cursor_param: string;

  constructor(options: { cursor_key?: string; cursor_param?: string } = {}) {
    super();
    this.cursor_key = options.cursor_key ?? "next";
    this.cursor_param = options.cursor_param ?? "cursor";
  }

  update_state(response: RESTResponse): void {
    this.setNext(response.headers.get(this.cursor_key));
  }

  update_request(request: Request): void {
    request.params ??= {};
    request.params[this.cursor_param] = this.next_reference;
  }

  config() {
    return { type: this.type, cursor_key: this.cursor_key, cursor_param: this.cursor_param };
  }
}
