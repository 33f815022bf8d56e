import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, expect, test } from "vitest";
import { tempDir } from "../../testing/harness.ts";
import { createDropStaging, DropRefused } from "./drop-staging.ts";

const scratch = tempDir("docsync-drops-");
afterEach(() => scratch.remove());

const bytes = (n: number) => Readable.from([Buffer.alloc(n, 1)]);
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) =>
      error instanceof DropRefused ? { status: error.status, message: error.message } : error,
  );

test("a drop stages no more than its limit, whether the size was declared or not, and leaves no partial file", async () => {
  const staging = createDropStaging(join(scratch.path, "staging"), {
    maxDropBytes: 100,
    reserveBytes: 0,
    freeBytes: async () => 1e12,
  });
  expect(await staging.receive("drop00000001", "a.bin", bytes(60))).toBe(60);
  expect(await refusal(staging.receive("drop00000001", "b.bin", bytes(50), 50))).toMatchObject({
    status: 413,
  });
  expect(await refusal(staging.receive("drop00000001", "c.bin", bytes(50)))).toEqual({
    status: 413,
    message: "The drop is larger than the 100 bytes a drop may stage; drop fewer files at once.",
  });
  expect(readdirSync(join(scratch.path, "staging", "drop00000001"))).toEqual(["a.bin"]);
  // Another drop has its own allowance.
  expect(await staging.receive("drop00000002", "d.bin", bytes(90))).toBe(90);
});

test("a file that would leave less than the reserve free on the disk is refused, saying how much is free", async () => {
  const staging = createDropStaging(join(scratch.path, "staging"), {
    maxDropBytes: 1e12,
    reserveBytes: 1024 ** 3,
    freeBytes: async () => 1024 ** 3 + 10 * 1024 ** 2,
  });
  expect(await refusal(staging.receive("drop00000003", "big.iso", bytes(11 * 1024 ** 2)))).toEqual({
    status: 507,
    message: "There is not enough free disk space to stage big.iso (1.0 GiB free, 1.0 GiB must stay free).",
  });
  expect(existsSync(join(scratch.path, "staging", "drop00000003", "big.iso"))).toBe(false);
});
