import { DatabaseSync } from "node:sqlite";
import { expect, test } from "vitest";

test("node:sqlite is available on the pinned Node", () => {
  const db = new DatabaseSync(":memory:");
  expect(db.prepare("select 1 + 1 as n").get()).toEqual({ n: 2 });
  expect(process.versions.node.split(".")[0]).toBe("24");
});
