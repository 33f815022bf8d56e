import { describe, expect, it } from "vitest";
import { z } from "zod";
import { IpcError } from "../../shared/contract.ts";
import { CloudError } from "./cloud/errors.ts";
import { errorFromEnvelope } from "./cloud/kdocs/adapter.ts";
import { asIpcFailure, ipcFailure, toIpcError } from "./ipc-error.ts";

describe("IpcError mapping", () => {
  it("turns cloud errors into codes and words a user can act on", () => {
    // The provider words which credential it was; the mapping keeps its words.
    expect(toIpcError(errorFromEnvelope({ code: 30003, msg: "InvalidSignature" }, 401, undefined))).toEqual({
      code: "credentials",
      message: expect.stringMatching(/^The credentials were refused: .*app key is wrong/),
    });
    expect(
      toIpcError(errorFromEnvelope({ code: 30005, msg: "unknown app" }, 401, undefined)).message,
    ).toMatch(/app id/);
    expect(
      toIpcError(
        new CloudError("clock", "Date refused", { code: 30004, hint: "your clock is off by 17 minutes" }),
      ),
    ).toEqual({ code: "clock", message: expect.stringMatching(/off by 17 minutes/) });
    const reset = Date.UTC(2030, 0, 2);
    expect(toIpcError(new CloudError("quota", "quota", { code: 42900, retryAt: reset }))).toEqual({
      code: "quota",
      message: expect.stringContaining("2030-01-02 00:00:00Z"),
      details: { retryAt: reset },
    });
    expect(toIpcError(new CloudError("transient", "HTTP 500")).code).toBe("transient");
    expect(toIpcError(new CloudError("needs-config", "no OST credentials")).code).toBe("unsupported");
  });

  it("maps validation, file-system and unexpected failures", () => {
    const zodError = z.object({ accountId: z.string().min(1) }).safeParse({ accountId: "" }).error;
    expect(toIpcError(zodError)).toEqual({
      code: "invalid-input",
      message: expect.stringContaining("accountId"),
    });
    const enoent = Object.assign(new Error("x"), { code: "ENOENT", path: "/nope" });
    expect(toIpcError(enoent)).toEqual({ code: "not-found", message: "No such file or folder: /nope" });
    expect(toIpcError(new TypeError("boom"))).toEqual({ code: "internal", message: "boom" });
    expect(toIpcError(ipcFailure("conflict", "taken"))).toEqual({ code: "conflict", message: "taken" });
  });

  it("always produces a valid wire shape that keeps its cause", () => {
    const cause = new CloudError("conflict", "name taken", { code: 40009 });
    const failure = asIpcFailure(cause);
    expect(IpcError.parse(failure.ipc)).toEqual(failure.ipc);
    expect(failure.cause).toBe(cause);
    expect(asIpcFailure(failure)).toBe(failure);
  });
});
