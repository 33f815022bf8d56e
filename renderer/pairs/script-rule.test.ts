import { describe, expect, test } from "vitest";
import { extensionsField, extensionsProblem, listExtensions, parseExtensions } from "./script-rule.ts";

describe("a sync folder's script extensions", () => {
  test("typed with commas, spaces, dots and capitals, they come out plain and once each", () => {
    expect(parseExtensions(" xlsx, .CSV ;docx  xlsx,, ")).toEqual(["xlsx", "csv", "docx"]);
  });

  test("an empty field or a path is refused with a reason", () => {
    expect(extensionsProblem(parseExtensions(" , . "))).toMatch(/at least one/);
    expect(extensionsProblem(parseExtensions("xlsx, a/b"))).toMatch(/“a\/b” is not a file extension/);
    expect(extensionsProblem(parseExtensions("xlsx, csv"))).toBeNull();
  });

  test("are shown with dots on the card and without them in the field", () => {
    expect(listExtensions(["xlsx", "csv"])).toBe(".xlsx, .csv");
    expect(parseExtensions(extensionsField(["xlsx", "csv"]))).toEqual(["xlsx", "csv"]);
  });
});
