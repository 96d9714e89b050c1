import { describe, expect, it } from "vitest";
import { compactNumber } from "../../src/app/outputs/axis.ts";

describe("chart axis labels", () => {
  it("large values are compact, small ones exact", () => {
    expect(compactNumber(1_234_567)).toBe("1.2M");
    expect(compactNumber(12_500)).toBe("12.5K");
    expect(compactNumber(-3_000_000_000)).toBe("-3B");
    expect(compactNumber(950)).toBe("950");
    expect(compactNumber(0.25)).toBe("0.25");
    expect(compactNumber(null)).toBe("");
  });
});
