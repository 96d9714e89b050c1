// scd2's timestamps (boundary, active record) as dlt takes them: a datetime, an ISO string (naive
// means UTC, a bare date means midnight UTC) or Unix seconds, as UTC microseconds.
import { isoToTimestampMicros, microsFromDate, microsFromUnixSeconds } from "../normalize/temporal.ts";

/** UTC microseconds of `value`; throws dlt's "could not parse" ValueError text otherwise. */
export function toUtcMicros(value: unknown, what: string): number {
  let micros: number | null = null;
  if (value instanceof Date) micros = Number.isNaN(value.getTime()) ? null : microsFromDate(value);
  else if (typeof value === "number") micros = microsFromUnixSeconds(value);
  else if (typeof value === "string") {
    const parsed = isoToTimestampMicros(value.trim());
    micros = Number.isNaN(parsed) ? null : parsed;
  }
  if (micros === null) throw new Error(`could not parse \`${what}\` value \`${String(value)}\``);
  return micros;
}
