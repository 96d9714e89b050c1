// Axis labels people can read: 1.2M rather than 1200000, and an axis wide enough for its
// longest label (uPlot's default 50 px clips large numbers).
import type uPlot from "uplot";

const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });
const plain = new Intl.NumberFormat("en", { maximumFractionDigits: 6 });

/** 950 → "950", 12_500 → "12.5K", 1_234_567 → "1.2M", 0.25 → "0.25", -3e9 → "-3B" */
export function compactNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "";
  return Math.abs(v) >= 10_000 ? compact.format(v) : plain.format(v);
}

export const compactValues = (_u: uPlot, splits: number[]) => splits.map(compactNumber);

/** An axis size that fits its longest label (the recipe from uPlot's own demos). */
export function fitLabels(self: uPlot, values: string[] | null, axisIdx: number, cycleNum: number): number {
  const axis = self.axes[axisIdx] as uPlot.Axis & { _size?: number; ticks: { size: number }; gap: number; font: [string] };
  if (cycleNum > 1 && axis._size) return axis._size;
  let size = (axis.ticks?.size ?? 10) + (axis.gap ?? 5) + 6;
  const longest = (values ?? []).reduce((a, v) => (String(v).length > a.length ? String(v) : a), "");
  if (longest) {
    self.ctx.font = axis.font?.[0] ?? "12px sans-serif";
    size += self.ctx.measureText(longest).width / devicePixelRatio;
  }
  return Math.ceil(size);
}
