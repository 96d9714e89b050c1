// ISO-8601-like parsing and formatting of dates/times, by hand (no Date.parse: it drops
// microseconds, accepts non-ISO text and reads naive strings in local time). The grammar is the
// one dlt relies on (pendulum's ISO 8601 parser, then its "common" fallback for `2024/01/15` or
// a bare year), because whether a string is a datetime decides whether a new column becomes a
// `timestamp` (reference §4.3) and whether a value fits an existing timestamp column (§4.5).

export const MICROS_PER_SECOND = 1_000_000;
export const MICROS_PER_DAY = 86_400 * MICROS_PER_SECOND;
// Python datetimes span years 1..9999; a value outside fails to coerce (→ variant).
const MIN_MICROS = -62_135_596_800 * MICROS_PER_SECOND;
const MAX_MICROS = 253_402_300_800 * MICROS_PER_SECOND - 1;

export type Temporal =
  /** micros since the epoch in UTC; naive values are taken as UTC (dlt's convention) */
  | { kind: "datetime"; micros: number }
  | { kind: "date"; days: number }
  /** micros since midnight, already shifted to UTC when the string had an offset */
  | { kind: "time"; micros: number };

/** Days from 1970-01-01 to the given proleptic Gregorian date. */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Inverse of daysFromCivil. */
export function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [era * 400 + yoe + (m <= 2 ? 1 : 0), m, d];
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(y: number, m: number, d: number): boolean {
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  return d <= (m === 2 && isLeap(y) ? 29 : DAYS_IN_MONTH[m - 1]);
}

function validTime(h: number, mi: number, s: number): boolean {
  return h <= 23 && mi <= 59 && s <= 59;
}

/** Fraction digits (up to 9) → microseconds, truncating beyond 6 digits as dlt does. */
function fractionMicros(digits: string | undefined): number {
  if (!digits) return 0;
  return Number((digits.slice(0, 6) + "000000").slice(0, 6));
}

/** UTC micros of a date and time with an optional offset; NaN when Python would reject it. */
function datetimeMicros(
  y: number, mo: number, d: number, h: number, mi: number, s: number, us: number, offsetSeconds: number | null,
): number {
  if (!validDate(y, mo, d) || !validTime(h, mi, s)) return NaN;
  const local = (daysFromCivil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s) * MICROS_PER_SECOND + us;
  const micros = offsetSeconds === null ? local : local - offsetSeconds * MICROS_PER_SECOND;
  return micros < MIN_MICROS || micros > MAX_MICROS ? NaN : micros;
}

function datetime(
  y: number, mo: number, d: number, h: number, mi: number, s: number, us: number, offsetSeconds: number | null,
): Temporal | null {
  const micros = datetimeMicros(y, mo, d, h, mi, s, us, offsetSeconds);
  return Number.isNaN(micros) ? null : { kind: "datetime", micros };
}

// Strict ISO 8601: optional calendar/ordinal/week date, optional time with `T` or space,
// optional fraction (`.` or `,`) and offset (`Z`, `±HH`, `±HHMM`, `±HH:MM`).
const ISO8601 =
  /^(?:(\d{4})(?:(-)?(\d{2})(?:(-)?(\d{1,2}))?)?|(\d{4})(-)?W(\d{2})(-)?(\d)?)?(?:([T ])?(\d{1,2})(:)?(\d{1,2})?(:)?(\d{1,2})?(?:[.,](\d{1,9}))?([-+]\d{2}:?(?:\d{2})?|Z)?)?$/;

// pendulum's "common" fallback: `YYYY`, `YYYY/MM/DD`, `YYYY:MM:DD`, optional ` HH:MM[:SS][.f]`.
const COMMON =
  /^(?:(\d{4})(?:([/:])?(\d{2})([/:])?(\d{2}))?)?(?:( )?(\d{1,2}):(\d{1,2})?(?::(\d{1,2}))?(?:[.|,](\d{1,9}))?)?$/;

// Cumulative days before each month (index 0 unused) for ordinal dates like 2024-015.
function ordinalToDate(year: number, ordinal: number): [number, number] | null {
  const yearDays = isLeap(year) ? 366 : 365;
  if (ordinal < 1 || ordinal > yearDays) return null;
  let m = 1;
  let rest = ordinal;
  while (m <= 12) {
    const len = m === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[m - 1];
    if (rest <= len) return [m, rest];
    rest -= len;
    m++;
  }
  return null;
}

function isLongIsoYear(y: number): boolean {
  const p = (x: number) => x + Math.floor(x / 4) - Math.floor(x / 100) + Math.floor(x / 400);
  return p(y) % 7 === 4 || p(y - 1) % 7 === 3;
}

function isoWeekDate(year: number, week: number, weekday: number): [number, number, number] | null {
  if (week > 53 || (week > 52 && !isLongIsoYear(year)) || weekday > 7) return null;
  const jan4 = daysFromCivil(year, 1, 4);
  const jan4Weekday = ((((jan4 + 3) % 7) + 7) % 7) + 1; // ISO weekday, 1970-01-01 was a Thursday
  const days = jan4 - (jan4Weekday - 1) + (week - 1) * 7 + (weekday - 1);
  return civilFromDays(days);
}

function parseOffset(tz: string): number | null {
  if (tz === "Z") return 0;
  const negative = tz[0] === "-";
  const body = tz.slice(1).replace(":", "");
  const hours = Number(body.slice(0, 2));
  const minutes = body.length > 2 ? Number(body.slice(2, 4)) : 0;
  const seconds = (hours * 60 + minutes) * 60;
  if (seconds >= 86_400) return null;
  return negative ? -seconds : seconds;
}

/** pendulum's strict ISO 8601 parser; null when the string is not ISO 8601. */
export function parseIso8601(text: string): Temporal | null {
  const m = ISO8601.exec(text);
  if (!m) return null;
  const [, cYear, monthSep, cMonth, daySep, cDay, wYear, weekSep, wWeek, weekdaySep, wWeekday,
    timeSep, hh, minSep, mm, secSep, ss, frac, tz] = m;
  const hasDate = cYear !== undefined || wYear !== undefined;
  const hasTime = hh !== undefined;
  let year = 0;
  let month = 1;
  let day = 1;
  let ambiguous = false;
  if (wYear !== undefined) {
    if (weekSep && !weekdaySep && wWeekday) return null;
    if (!weekSep && weekdaySep) return null;
    const ymd = isoWeekDate(Number(wYear), Number(wWeek), wWeekday ? Number(wWeekday) : 1);
    if (!ymd) return null;
    [year, month, day] = ymd;
  } else if (cYear !== undefined) {
    year = Number(cYear);
    if (cMonth !== undefined && cDay !== undefined) {
      if (!daySep && cDay.length === 1) {
        const md = ordinalToDate(year, Number(cMonth + cDay));
        if (!md) return null;
        [month, day] = md;
      } else {
        month = Number(cMonth);
        day = Number(cDay);
      }
    } else if (cMonth !== undefined) {
      // `202401` without separators reads as a time hhmmss when nothing follows
      if (!monthSep) ambiguous = true;
      month = Number(cMonth);
    }
  }
  if (!hasTime) {
    if (!hasDate) return null;
    if (ambiguous) {
      const h = Number(cYear!.slice(0, 2));
      const mi = Number(cYear!.slice(2, 4));
      const s = Number(cMonth);
      if (!validTime(h, mi, s)) return null;
      return { kind: "time", micros: (h * 3600 + mi * 60 + s) * MICROS_PER_SECOND };
    }
    if (!validDate(year, month, day)) return null;
    return { kind: "date", days: daysFromCivil(year, month, day) };
  }
  if (ambiguous) return null;
  if (hasDate && !timeSep) return null;
  const hour = Number(hh);
  let minute = 0;
  let second = 0;
  if (mm !== undefined) minute = Number(mm);
  else if (minSep) return null;
  if (secSep && !minSep && mm !== undefined) return null;
  if (ss !== undefined) {
    if (!secSep && minSep) return null;
    second = Number(ss);
  } else if (secSep) return null;
  const us = fractionMicros(frac);
  const offset = tz === undefined ? null : parseOffset(tz);
  if (tz !== undefined && offset === null) return null;
  if (!hasDate) {
    if (!validTime(hour, minute, second)) return null;
    let micros = (hour * 3600 + minute * 60 + second) * MICROS_PER_SECOND + us;
    if (offset !== null) micros = (((micros - offset * MICROS_PER_SECOND) % MICROS_PER_DAY) + MICROS_PER_DAY) % MICROS_PER_DAY;
    return { kind: "time", micros };
  }
  return datetime(year, month, day, hour, minute, second, us, offset);
}

function parseCommon(text: string): Temporal | null {
  const m = COMMON.exec(text);
  if (!m) return null;
  const [, cYear, , cMonth, , cDay, , hh, mm, ss, frac] = m;
  const year = cYear !== undefined ? Number(cYear) : 0;
  const month = cMonth !== undefined ? Number(cMonth) : 1;
  const day = cDay !== undefined ? Number(cDay) : 1;
  if (hh === undefined) {
    if (!validDate(year, month, day)) return null;
    return { kind: "date", days: daysFromCivil(year, month, day) };
  }
  // pendulum reads a missing minute as an error here
  if (mm === undefined) return null;
  const hour = Number(hh);
  const minute = Number(mm);
  const second = ss !== undefined ? Number(ss) : 0;
  const us = fractionMicros(frac);
  if (cYear !== undefined) return datetime(year, month, day, hour, minute, second, us, null);
  if (!validTime(hour, minute, second)) return null;
  return { kind: "time", micros: (hour * 3600 + minute * 60 + second) * MICROS_PER_SECOND + us };
}

/**
 * dlt's `parse_iso_like_datetime`: ISO 8601 first, then the common fallback. Returns null for
 * anything else (including the empty string).
 */
export function parseIsoLike(text: string): Temporal | null {
  if (text === "") return null;
  const fast = fastIsoMicros(text);
  if (!Number.isNaN(fast)) return { kind: "datetime", micros: fast };
  return parseIso8601(text) ?? parseCommon(text);
}

/**
 * Text → UTC micros when it is a datetime, a bare date (midnight) or NaN otherwise: what a
 * timestamp column accepts from ISO text. Allocation-free for the common ISO shape.
 */
export function isoToTimestampMicros(text: string): number {
  const fast = fastIsoMicros(text);
  if (!Number.isNaN(fast)) return fast;
  const parsed = text === "" ? null : parseIso8601(text) ?? parseCommon(text);
  if (parsed?.kind === "datetime") return parsed.micros;
  if (parsed?.kind === "date") return parsed.days * MICROS_PER_DAY;
  return NaN;
}

/** Two ASCII digits at i → 0..99, or -1. */
function two(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Hot path for the most common shape, `YYYY-MM-DDTHH:MM:SS[.f…][Z|±HH:MM]` (what
 * `Date.toISOString()` and most APIs emit); NaN defers anything else to the regex parser.
 */
function fastIsoMicros(s: string): number {
  const n = s.length;
  if (n < 19 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 ||
    s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return NaN;
  const yHigh = two(s, 0);
  const yLow = two(s, 2);
  const mo = two(s, 5);
  const d = two(s, 8);
  const h = two(s, 11);
  const mi = two(s, 14);
  const sec = two(s, 17);
  if (yHigh < 0 || yLow < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0) return NaN;
  const y = yHigh * 100 + yLow;
  let i = 19;
  let us = 0;
  if (i < n && (s.charCodeAt(i) === 46 || s.charCodeAt(i) === 44)) {
    i++;
    let scale = 100_000;
    const start = i;
    while (i < n) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      if (scale >= 1) us += c * scale;
      scale /= 10;
      i++;
    }
    if (i === start || i - start > 9) return NaN;
    us = Math.floor(us);
  }
  let offset: number | null = null;
  if (i < n) {
    const c = s.charCodeAt(i);
    if (c === 90 && i === n - 1) offset = 0;
    else if ((c === 43 || c === 45) && i === n - 6 && s.charCodeAt(i + 3) === 58) {
      const oh = two(s, i + 1);
      const om = two(s, i + 4);
      if (oh < 0 || om < 0) return NaN;
      offset = (oh * 60 + om) * 60;
      if (offset >= 86_400) return NaN;
      if (c === 45) offset = -offset;
    } else return NaN;
  }
  return datetimeMicros(y, mo, d, h, mi, sec, us, offset);
}

// Python's float(): optional sign, digits with single underscores between them, exponent, or
// inf/infinity/nan, surrounded by optional whitespace.
const PY_FLOAT =
  /^[+-]?(?:(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:[eE][+-]?\d(?:_?\d)*)?|inf(?:inity)?|nan)$/i;

/** Python's `float(text)`, or null when Python would raise. */
export function pyFloat(text: string): number | null {
  const t = text.trim();
  if (!PY_FLOAT.test(t)) return null;
  const lower = t.toLowerCase();
  if (lower.endsWith("nan")) return NaN;
  if (lower.endsWith("inf") || lower.endsWith("infinity")) return lower[0] === "-" ? -Infinity : Infinity;
  return Number(t.replace(/_/g, ""));
}

/** pendulum.from_timestamp: Unix seconds → UTC micros, null when out of Python's range. */
export function microsFromUnixSeconds(seconds: number): number | null {
  if (!Number.isFinite(seconds)) return null;
  const micros = Math.round(seconds * MICROS_PER_SECOND);
  if (micros < MIN_MICROS || micros > MAX_MICROS) return null;
  return micros;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/** `YYYY-MM-DDTHH:MM:SS[.ffffff]` for UTC micros (no offset). */
export function formatIsoMicros(micros: number): string {
  const days = Math.floor(micros / MICROS_PER_DAY);
  let rest = micros - days * MICROS_PER_DAY;
  const [y, m, d] = civilFromDays(days);
  const h = Math.floor(rest / 3_600_000_000);
  rest -= h * 3_600_000_000;
  const mi = Math.floor(rest / 60_000_000);
  rest -= mi * 60_000_000;
  const s = Math.floor(rest / MICROS_PER_SECOND);
  const us = rest - s * MICROS_PER_SECOND;
  const base = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}`;
  return us ? `${base}.${pad(us, 6)}` : base;
}

/** `HH:MM:SS[.ffffff]` for micros since midnight, as Python's time.isoformat(). */
export function formatTimeMicros(micros: number): string {
  return formatIsoMicros(micros).slice(11);
}

/** Micros since the epoch for a JS Date (millisecond precision). */
export function microsFromDate(d: Date): number {
  return d.getTime() * 1000;
}
