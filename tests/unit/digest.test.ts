import { describe, expect, it } from "vitest";
import { canonicalJson, digest128 } from "../../src/dlt/utils/digest.ts";

describe("digest128 (dlt's row ids and hashes)", () => {
  it("derives nested row ids as dlt does", () => {
    expect(digest128("hVIfoBu1SR0iIw_users__pets_0")).toBe("5BasYlzMUxYdOg");
    expect(digest128("hVIfoBu1SR0iIw_users__pets_1")).toBe("J+bgg0i7pQ/kUg");
  });
  it("hashes primary keys (upsert) and whole rows (scd2)", () => {
    expect(digest128(canonicalJson({ id: 1 }))).toBe("z5jIxXIbUnmbKw");
    expect(digest128(canonicalJson({ customer_key: 1, c1: "foo", c2: 1 }))).toBe("SJ3pezeFVqFPPw");
  });
  it("hashes incremental boundary rows with 15 bytes", () => {
    expect(digest128(canonicalJson(2), 15)).toBe("Tp44cKMYfAuJiBfxLAqu");
    expect(digest128(canonicalJson("c"), 15)).toBe("qOM08jBxq2rZrwZqk2gR");
  });
});
