import { describe, expect, test } from "vitest";
import { shapeNotices } from "../notices.ts";
import { api, describeItemFailure } from "./adapter.ts";

const context = { service: "KDocs", call: "test" };

describe("KDocs answers", () => {
  test("an unknown task status word keeps the task running and names the word", () => {
    const move = api.taskResult("t1").data;
    expect(move.parse({ task_id: "t1", type: "move", status: "queued" })).toMatchObject({
      state: "running",
      unknownStatus: "queued",
      current: 0,
      total: -1,
      failed: [],
    });
    expect(move.parse({ status: "partial", results: [{ file_token: "a", code: 40009 }] })).toMatchObject({
      state: "partial",
      failed: [{ id: "a", code: 40009, message: "code 40009" }],
    });
    const imported = api.asyncUploadStatus("t2").data;
    expect(imported.parse({ status: "success", file_token: "f" })).toMatchObject({
      state: "succeeded",
      resultId: "f",
    });
    expect(imported.parse({ status: "transcoding" })).toMatchObject({ unknownStatus: "transcoding" });
  });

  test("a file object without the fields only docsync's contract lists is still a file", () => {
    const info = api.fileInfo("f").data;
    const bare = { file_token: "f", name: "a.txt", type: "file" };
    expect(info.parse(bare)).toEqual({
      id: "f",
      name: "a.txt",
      kind: "file",
      parentId: "",
      size: 0,
      version: 1,
      mtime: 0,
    });
    const told = shapeNotices(info, { ...bare, owner: "x" }, context).map((n) => `${n.kind} ${n.field}`);
    expect(told).toEqual(
      expect.arrayContaining(["missing-field parent_token", "missing-field version", "extra-field owner"]),
    );
  });

  test("an item's code in words", () => {
    expect(describeItemFailure({ code: 40004, message: "" })).toBe("it no longer exists");
    expect(describeItemFailure({ code: 40009, message: "name taken" })).toBe(
      "its name is taken in the target folder",
    );
    expect(describeItemFailure({ code: 40009, message: "cannot move into itself" })).toMatch(/into itself/);
    expect(describeItemFailure({ code: 12345, message: "odd" })).toBe("odd (code 12345)");
  });
});
