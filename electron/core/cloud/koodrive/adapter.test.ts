import { describe, expect, test } from "vitest";
import { api, describeItemFailure, envelope, isSuccess } from "./adapter.ts";

const jobInfo = (over: Record<string, unknown>) => ({ data: { jobInfo: { contentNum: 2, ...over } } });

describe("KooDrive answers", () => {
  test('code is the number 0 or the String "0"', () => {
    for (const code of [0, "0"]) expect(isSuccess(envelope.parse({ code, msg: "ok" }).code)).toBe(true);
    expect(isSuccess("13000309")).toBe(false);
  });

  test("a job status the pages do not list keeps the job waiting; an unknown result is read from its items", () => {
    const job = api.job("j").data;
    expect(job.parse(jobInfo({ status: 4 }))).toMatchObject({ state: "running", unknownStatus: "4" });
    expect(job.parse(jobInfo({ status: 1 }))).toMatchObject({ state: "running" });
    expect(job.parse(jobInfo({ status: 1 })).unknownStatus).toBeUndefined();
    const items = (codes: number[]) =>
      codes.map((resultCode, i) => ({ fileId: `f${i}`, resultCode, msg: resultCode ? "taken" : "ok" }));
    const finished = (taskResultCode: number, codes: number[]) =>
      job.parse({ data: { jobInfo: { status: 2, taskResultCode, contentNum: 2 }, taskInfos: items(codes) } });
    expect(finished(9, [0, 0]).state).toBe("succeeded");
    expect(finished(9, [0, 13000405]).state).toBe("partial");
    expect(finished(9, [13000405, 13000405]).state).toBe("failed");
    expect(finished(1, [0, 0]).state).toBe("succeeded");
  });

  test("a package status the pages do not list keeps it waiting", () => {
    const status = api.packageStatus("t", "s").data;
    expect(status.parse({ taskInfo: { taskStatus: 7 } })).toMatchObject({
      state: "running",
      unknownStatus: "7",
    });
    expect(status.parse({ taskInfo: { taskStatus: 2, downloadUrl: "http://x/y" } })).toMatchObject({
      state: "succeeded",
      downloadUrl: "http://x/y",
    });
  });

  test("an item's code in words, KooDrive's codes not KDocs'", () => {
    expect(describeItemFailure({ code: 13000309, message: "" })).toBe("it no longer exists");
    expect(describeItemFailure({ code: 13000405, message: "x" })).toBe(
      "its name is taken in the target folder",
    );
    expect(describeItemFailure({ code: 13000307, message: "" })).toMatch(/into itself/);
    expect(describeItemFailure({ code: 40009, message: "odd" })).toBe("odd (code 40009)");
  });
});
