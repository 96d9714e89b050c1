// RESTClient: requests with retries, timeout, auth and response actions, and `paginate()`,
// which walks an endpoint page by page. Uses only fetch/URL/AbortController, so the same code
// runs in Node and in the browser worker.
import { createAuth, type AuthBase, type AuthConfig } from "./auth.ts";
import { detectDataSelector, detectPaginator } from "./detector.ts";
import { ConnectionError, HTTPError, IgnoreResponseException, RequestTimeout } from "./errors.ts";
import { findValues } from "./jsonpath.ts";
import { createPaginator, freshPaginator, type PaginatorConfig } from "./paginator_factory.ts";
import type { BasePaginator } from "./paginators.ts";
import { Secrets } from "./redact.ts";
import { cloneRequest, joinUrl, requestInit, requestUrl, type Request } from "./request.ts";
import { RESTResponse } from "./response.ts";
import { DEFAULT_TIMEOUT, isRetryableStatus, parseRetryAfter, resolveRetry, retryDelay, sleep, type RetrySettings } from "./retry.ts";

export type ResponseHook = (response: RESTResponse) => void;

/** dlt's response_actions entry: conditions (ANDed) and what to do, or a bare hook. */
export type ResponseAction =
  | ResponseHook
  | { status_code?: number | string; content?: string; action?: "ignore" | ResponseHook | ResponseHook[] };

export interface ClientOptions {
  base_url?: string;
  headers?: Record<string, string>;
  auth?: AuthConfig | null;
  paginator?: PaginatorConfig | null;
  data_selector?: string;
  /** Retries on 429, 5xx and network errors; defaults 5 attempts, factor 1 s, at most 300 s apart. */
  retry?: Partial<RetrySettings>;
  /** Seconds to wait for a response (body included) before the attempt fails; default 60. */
  timeout?: number;
  /** Stand-in for the global fetch (e.g. a CORS proxy wrapper). */
  fetch?: typeof fetch;
}

export interface RequestOptions {
  method?: string;
  params?: Record<string, unknown>;
  json?: unknown;
  data?: unknown;
  headers?: Record<string, string>;
  auth?: AuthConfig | null;
  response_actions?: ResponseAction[] | null;
}

export interface PaginateOptions extends RequestOptions {
  paginator?: PaginatorConfig | null;
  data_selector?: string | null;
}

/** One page of records, with what produced it. */
export type PageData<T = unknown> = T[] & { request: Request; response: RESTResponse; paginator: BasePaginator };

interface Verdict {
  ignore: boolean;
  hooks: ResponseHook[];
}

function judge(response: RESTResponse, actions: ResponseAction[] | null | undefined): Verdict {
  const verdict: Verdict = { ignore: false, hooks: [] };
  for (const action of actions ?? []) {
    if (typeof action === "function") {
      verdict.hooks.push(action);
      continue;
    }
    const { status_code, content, action: what } = action;
    const statusOk = status_code === undefined || status_code === null || Number(status_code) === response.status;
    const contentOk = content === undefined || content === null || response.text.includes(content);
    if (!statusOk || !contentOk) continue;
    if (typeof what === "function") verdict.hooks.push(what);
    else if (Array.isArray(what)) verdict.hooks.push(...what);
    else if (what === "ignore") verdict.ignore = true;
    else if (what !== undefined) throw new TypeError(`response action ${JSON.stringify(what)} is not supported: use "ignore" or a function`);
  }
  return verdict;
}

function describeFailure(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause instanceof Error ? e.cause : undefined;
  const code = cause && (cause as { code?: string }).code;
  return cause ? `${e.message} (${code ?? cause.message})` : e.message;
}

export class RESTClient {
  readonly base_url: string;
  readonly headers: Record<string, string>;
  readonly auth?: AuthBase;
  readonly paginator?: BasePaginator;
  readonly data_selector?: string;
  readonly retry: RetrySettings;
  readonly timeout: number;
  /** Every secret this client sends; masked in all its messages. */
  readonly secrets = new Secrets();
  private readonly fetchFn: typeof fetch;

  constructor(options: ClientOptions = {}) {
    this.base_url = options.base_url ?? "";
    this.headers = { ...(options.headers ?? {}) };
    this.auth = createAuth(options.auth);
    this.paginator = createPaginator(options.paginator);
    this.data_selector = options.data_selector;
    this.retry = resolveRetry(options.retry);
    this.timeout = options.timeout ?? DEFAULT_TIMEOUT;
    if (!(this.timeout > 0)) throw new TypeError(`client.timeout must be a positive number of seconds, got ${JSON.stringify(options.timeout)}`);
    const f = options.fetch ?? globalThis.fetch;
    if (typeof f !== "function") throw new TypeError("No fetch() available in this environment");
    this.fetchFn = (...args) => f(...args);
    this.secrets.add(...(this.auth?.secrets() ?? []));
  }

  /** Logs through console.warn with every secret masked. */
  warn(message: string): void {
    console.warn(this.secrets.redact(message));
  }

  createRequest(path: string, options: RequestOptions = {}): Request {
    if (options.json !== undefined && options.json !== null && options.data !== undefined && options.data !== null) {
      throw new TypeError("Cannot use both `json` and `data`: use `json` for JSON payloads or `data` for form/raw bodies.");
    }
    return {
      method: (options.method ?? "GET").toUpperCase(),
      url: joinUrl(this.base_url, path),
      params: { ...(options.params ?? {}) },
      headers: { ...this.headers, ...(options.headers ?? {}) },
      json: options.json ?? undefined,
      data: options.data ?? undefined,
    };
  }

  /** One request with retries; status errors are raised unless a response action handles them. */
  async request(path: string, options: RequestOptions = {}): Promise<RESTResponse | null> {
    const auth = options.auth !== undefined && options.auth !== null ? createAuth(options.auth) : this.auth;
    return this.send(this.createRequest(path, options), auth, options.response_actions);
  }

  /**
   * Sends a request: retries 429/5xx and network failures with exponential backoff (Retry-After
   * wins), then applies response actions. null means a response action ignored the response.
   */
  async send(req: Request, auth: AuthBase | undefined, actions?: ResponseAction[] | null): Promise<RESTResponse | null> {
    if (auth && auth !== this.auth) this.secrets.add(...auth.secrets());
    const { max_attempts } = this.retry;
    for (let attempt = 1; ; attempt++) {
      const url = new URL(requestUrl(req));
      const init = requestInit(req);
      const headers = init.headers as Headers;
      await auth?.apply({ url, headers });
      const display = this.secrets.url(url.toString());
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), this.timeout * 1000);
      let response: RESTResponse | undefined;
      let failure: unknown;
      try {
        const res = await this.fetchFn(url.toString(), { ...init, headers, signal: controller.signal });
        const text = await res.text();
        response = new RESTResponse({
          status: res.status,
          statusText: res.statusText,
          url: url.toString(),
          headers: res.headers,
          text,
          request: req,
          displayUrl: display,
        });
      } catch (e) {
        failure = e;
      } finally {
        clearTimeout(timer);
      }

      if (response) {
        const verdict = judge(response, actions);
        if (verdict.ignore && verdict.hooks.length === 0) return null;
        if (isRetryableStatus(response.status) && attempt < max_attempts) {
          const wait = retryDelay(attempt, this.retry, parseRetryAfter(response.headers.get("retry-after")));
          this.warn(`${req.method} ${display} returned ${response.status} ${response.reason}; retrying in ${wait} s (attempt ${attempt + 1} of ${max_attempts})`);
          await sleep(wait);
          continue;
        }
        try {
          for (const hook of verdict.hooks) hook(response);
        } catch (e) {
          if (e instanceof IgnoreResponseException) return null;
          throw e;
        }
        if (response.status >= 400) throw new HTTPError(response.status, response.reason, display);
        return response;
      }

      const timedOut = controller.signal.aborted;
      const why = this.secrets.redact(timedOut ? `timed out after ${this.timeout} s` : describeFailure(failure));
      if (attempt < max_attempts) {
        const wait = retryDelay(attempt, this.retry);
        this.warn(`${req.method} ${display} failed: ${why}; retrying in ${wait} s (attempt ${attempt + 1} of ${max_attempts})`);
        await sleep(wait);
        continue;
      }
      if (timedOut) throw new RequestTimeout(display, this.timeout, attempt);
      throw new ConnectionError(`Request ${req.method} ${display} failed after ${attempt} attempt(s): ${why}`, display, attempt);
    }
  }

  /** Records selected from a response: always a list (a single object becomes one record). */
  extract(response: RESTResponse, dataSelector: string): unknown[] {
    const values = findValues(dataSelector, response.json());
    const data = values.length === 1 ? values[0] : values;
    if (data === undefined || data === null) return [];
    return Array.isArray(data) ? data : [data];
  }

  /**
   * Yields the pages of an endpoint. Without a paginator (or with `auto`) the paginator is
   * detected from the first response; without a data selector, so are the records.
   */
  async *paginate(path: string, options: PaginateOptions = {}): AsyncGenerator<PageData> {
    const auth = options.auth !== undefined && options.auth !== null ? createAuth(options.auth) : this.auth;
    const request = this.createRequest(path, options);
    const template = options.paginator !== undefined && options.paginator !== null ? createPaginator(options.paginator) : this.paginator;
    let paginator = template ? freshPaginator(template) : undefined;
    paginator?.init_request(request);
    let selector = options.data_selector ?? this.data_selector;
    let detected = false;
    let previousPage: string | undefined;

    while (true) {
      const sent = cloneRequest(request);
      const response = await this.send(request, auth, options.response_actions);
      if (!response) return;
      selector ??= detectDataSelector(response.json());
      const data = this.extract(response, selector);
      if (!paginator) {
        const found = detectPaginator(response, sent);
        paginator = found.paginator;
        detected = true;
        this.reportDetection(found.paginator, found.score, response, data);
      }
      if (detected && data.length > 0) {
        // A guessed paginator whose parameter the API ignores gets the same page back.
        const key = JSON.stringify(data);
        if (key === previousPage) {
          this.warn(
            `${sent.method} ${response.displayUrl} returned the same records as the previous page: stopping. ` +
              `The detected paginator ${paginator} does not fit this API; set \`paginator\` explicitly.`,
          );
          return;
        }
        previousPage = key;
      }
      paginator.update_state(response, data);
      paginator.update_request(request);
      yield Object.defineProperties(data, {
        request: { value: sent, enumerable: false },
        response: { value: response, enumerable: false },
        paginator: { value: paginator, enumerable: false },
      }) as PageData;
      if (!paginator.has_next_page) return;
      if (requestUrl(request) === requestUrl(sent) && JSON.stringify(request.json) === JSON.stringify(sent.json)) {
        this.warn(`Paginator ${paginator} asked for ${response.displayUrl} again: stopping to avoid a loop.`);
        return;
      }
    }
  }

  private reportDetection(paginator: BasePaginator, score: number, response: RESTResponse, data: unknown[]): void {
    const url = response.displayUrl;
    if (score >= 1) return;
    if (score <= 0) {
      // A single object is a single entity, not a page of a list: nothing to say.
      if (data.length <= 1) return;
      this.warn(
        `No pagination detected for ${url}: loading only the first page (single_page). ` +
          `If the API is paginated, set it explicitly, e.g. paginator: { type: "page_number", page_param: "page", base_page: 1, total_path: "total_pages" }, ` +
          `{ type: "offset", limit: 100 }, { type: "json_link", next_url_path: "next" } or { type: "cursor", cursor_path: "next", cursor_param: "cursor" }.`,
      );
      return;
    }
    this.warn(
      `Detected paginator ${paginator.type} for ${url} (a guess). If pages are missing or repeated, set it explicitly: ` +
        `paginator: ${configSnippet(paginator)}`,
    );
  }
}

/** The paginator's settings as a config literal to paste. */
export function configSnippet(p: BasePaginator): string {
  const cfg = { ...p.config() };
  // The starting page is where detection found the API, not a setting to copy.
  if (cfg.type === "page_number") delete cfg.page;
  const parts = Object.entries(cfg)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
  return `{ ${parts.join(", ")} }`;
}
