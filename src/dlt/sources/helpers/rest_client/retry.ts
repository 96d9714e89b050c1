// When and how long to wait before trying a request again (dlt's `[runtime]` request_* settings).

export interface RetrySettings {
  /** Total attempts, the first one included (dlt: request_max_attempts). */
  max_attempts: number;
  /** Seconds; the wait after attempt n is backoff_factor * 2**(n-1) (dlt: request_backoff_factor). */
  backoff_factor: number;
  /** Seconds; no wait is longer, Retry-After included (dlt: request_max_retry_delay). */
  max_retry_delay: number;
}

export const DEFAULT_RETRY: RetrySettings = { max_attempts: 5, backoff_factor: 1, max_retry_delay: 300 };

/** Seconds a request waits for its response before it counts as failed (dlt: request_timeout). */
export const DEFAULT_TIMEOUT = 60;

export function resolveRetry(partial: Partial<RetrySettings> | undefined): RetrySettings {
  const r = { ...DEFAULT_RETRY, ...(partial ?? {}) };
  for (const [k, v] of Object.entries(r)) {
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
      throw new TypeError(`client.retry.${k} must be a non-negative number, got ${JSON.stringify(v)}`);
    }
  }
  if (r.max_attempts < 1) throw new TypeError("client.retry.max_attempts must be at least 1");
  return r;
}

/** Throttled or failing on the server's side: worth another try. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Retry-After as seconds from now: delta-seconds or an HTTP date; undefined if absent/unparsable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, (at - now) / 1000);
}

/** Seconds to wait after failed attempt number `attempt` (1-based). */
export function retryDelay(attempt: number, settings: RetrySettings, retryAfter?: number): number {
  const wait = retryAfter ?? settings.backoff_factor * 2 ** (attempt - 1);
  return Math.min(wait, settings.max_retry_delay);
}

export function sleep(seconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, seconds * 1000)));
}
