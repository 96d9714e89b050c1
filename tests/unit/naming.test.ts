import { describe, expect, it } from "vitest";
import {
  breakPath,
  makePath,
  normalizeIdentifier,
  normalizePath,
  normalizeTableIdentifier,
  shortenIdentifier,
} from "../../src/dlt/naming/snake_case.ts";

// Reference §3.1 table, §13.9 and S4: every row verified against dlt 1.26.
const IDENTIFIERS: [string, string][] = [
  ["CamelCase", "camel_case"],
  ["camelCase", "camel_case"],
  ["HTTPResponseCode", "http_response_code"],
  ["getHTTPResponse", "get_http_response"],
  ["userID", "user_id"],
  ["BANaNA", "ba_na_na"],
  ["BANANA", "banana"],
  ["BAN_ANA", "ban_ana"],
  ["123BaNaNa", "_123_ba_na_na"],
  ["with space", "with_space"],
  ["Small Love Potion", "small_love_potion"],
  [" Small Love Potion ", "small_love_potion"],
  ["  padded  ", "padded"],
  ["ümlaut", "_mlaut"],
  ["Ünïcödé Name", "_n_c_d_name"],
  ["émoji😀col", "_moji_col"],
  ["日本語", "x"],
  ["1st_place", "_1st_place"],
  ["123", "_123"],
  ["1event_n'", "_1event_nx"],
  ["123event_n'", "_123event_nx"],
  ["trailing_", "trailingx"],
  ["BANANA_", "bananax"],
  ["BANANA____", "bananaxxxx"],
  ["_leading", "_leading"],
  ["_dlt_id", "_dlt_id"],
  ["user.name", "user_name"],
  ["user-name", "user_name"],
  ["price$", "pricex"],
  ["e-mail@home", "e_mailahome"],
  ["a+b", "axb"],
  ["x|y", "xly"],
  ["+-!$*@#=|:", "x_xa_lx"],
  ["+-*@|", "x_xal"],
  ["event-.!:*<>value", "event_x_value"],
  ["event value", "event_value"],
  ["event_value", "event_value"],
  ["+1", "x1"],
  ["-1", "_1"],
  ["v1Data", "v1_data"],
  ["version2", "version2"],
  ["event__value_value2____", "event_value_value2xxxx"],
  ["__double__under__", "_double_underxx"],
  ["LIST+ident:1", "lis_txident_1"],
  // §13.9
  ["Größe", "gr_e"],
  ["日本", "x"],
  ["%discount", "_discount"],
];

describe("normalizeIdentifier (snake_case)", () => {
  it.each(IDENTIFIERS)("%s → %s", (input, expected) => {
    expect(normalizeIdentifier(input)).toBe(expected);
  });

  it("rejects empty and blank identifiers", () => {
    expect(() => normalizeIdentifier("")).toThrow();
    expect(() => normalizeIdentifier("   ")).toThrow();
  });

  it("returns the same (cached) result on repeated calls", () => {
    expect(normalizeIdentifier("CamelCase")).toBe("camel_case");
    expect(normalizeIdentifier("CamelCase")).toBe("camel_case");
  });
});

describe("normalizePath", () => {
  const PATHS: [string, string][] = [
    ["__double__under__", "double__under"],
    ["e_vent__value_value2___", "e_vent__value_value2__x"],
    ["Small___Love____Potion_____x", "small___love__potion___x"],
    ["small___love__potion___x", "small___love__potion___x"],
    ["small_love_potion", "small_love_potion"],
    ["small__love__potion", "small__love__potion"],
    ["Small_Love_Potion", "small_love_potion"],
    ["Small__Love__Potion", "small__love__potion"],
    ["Small  Love  Potion", "small_love_potion"],
    ["a__b", "a__b"],
    ["__meta", "meta"],
    ["CamelName", "camel_name"],
  ];
  it.each(PATHS)("%s → %s", (input, expected) => {
    expect(normalizePath(input)).toBe(expected);
  });

  it("normalizes table names as paths", () => {
    expect(normalizeTableIdentifier("My Table")).toBe("my_table");
    expect(normalizeTableIdentifier("users__pets")).toBe("users__pets");
    expect(normalizeTableIdentifier("_dlt_pipeline_state")).toBe("_dlt_pipeline_state");
  });
});

describe("paths", () => {
  it("makePath joins with __ and skips blank fragments", () => {
    expect(makePath("a", "b", "c")).toBe("a__b__c");
    expect(makePath("a", "", "c")).toBe("a__c");
    expect(makePath()).toBe("");
  });
  it("breakPath splits on __ and drops empty fragments", () => {
    expect(breakPath("a__b")).toEqual(["a", "b"]);
    expect(breakPath("Small___Love____Potion_____x")).toEqual(["Small", "_Love", "Potion", "_x"]);
  });
});

describe("shortenIdentifier (§3.3)", () => {
  it("tags with shake_128 of the original and keeps head and tail", () => {
    expect(shortenIdentifier("a_very_long_identifier_name", "a_very_long_identifier_name", 10)).toBe("a_ebfjtgme");
    expect(normalizeIdentifier("a_very_long_identifier_name", 10)).toBe("a_ebfjtgme");
  });
  it("leaves names within the limit alone", () => {
    expect(shortenIdentifier("short", "short", 10)).toBe("short");
    expect(shortenIdentifier("a_very_long_identifier_name", "x", undefined)).toBe("a_very_long_identifier_name");
  });
  it("always yields exactly maxLength characters", () => {
    const s = shortenIdentifier("abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstuvwxyz", 11);
    expect(s).toHaveLength(11);
    expect(s.startsWith("abc")).toBe(true);
    expect(s.endsWith("yz")).toBe(true);
  });
});
