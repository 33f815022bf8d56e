import { describe, expect, test } from "vitest";
import { isCloudError } from "../errors.ts";
import { MAX_SLICES, MIN_SLICE_SIZE, planSlices, planWithSliceSize, sliceRange } from "./slices.ts";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

function ranges(fileSize: number, preferred?: number) {
  const plan = planSlices(fileSize, preferred);
  return { plan, all: Array.from({ length: plan.count }, (_, i) => sliceRange(plan, i + 1)) };
}

describe("slice planning", () => {
  test("a 150 MiB file: 8 MiB slices, the last one smaller", () => {
    const { plan, all } = ranges(150 * MiB);
    expect(plan).toEqual({ fileSize: 150 * MiB, sliceSize: 8 * MiB, count: 19 });
    expect(all.at(-1)).toEqual({ id: 19, start: 144 * MiB, end: 150 * MiB });
    expect(all.every((r, i) => i === all.length - 1 || r.end - r.start === 8 * MiB)).toBe(true);
  });

  test("slices cover the file exactly, with no gap and no overlap", () => {
    for (const size of [0, 1, 5 * MiB, 8 * MiB, 8 * MiB + 1, 1 * GiB - 3]) {
      const { all } = ranges(size);
      expect(all[0]?.start).toBe(0);
      expect(all.at(-1)?.end).toBe(size);
      for (let i = 1; i < all.length; i++) expect(all[i]?.start).toBe(all[i - 1]?.end);
    }
  });

  test("never below 5 MiB, even when a smaller size is asked for", () => {
    expect(planSlices(100 * MiB, 1 * MiB).sliceSize).toBe(MIN_SLICE_SIZE);
    expect(planSlices(3, 1).sliceSize).toBe(MIN_SLICE_SIZE);
  });

  test("an empty or tiny file is one slice", () => {
    expect(planSlices(0).count).toBe(1);
    expect(sliceRange(planSlices(0), 1)).toEqual({ id: 1, start: 0, end: 0 });
    expect(planSlices(10).count).toBe(1);
  });

  test("grows the slice size so a huge file stays within 10,000 slices", () => {
    const exactly = planSlices(10_000 * 8 * MiB);
    expect(exactly).toMatchObject({ sliceSize: 8 * MiB, count: MAX_SLICES });
    const oneMore = planSlices(10_000 * 8 * MiB + 1);
    expect(oneMore.sliceSize).toBe(9 * MiB);
    expect(oneMore.count).toBeLessThanOrEqual(MAX_SLICES);
    const tb = planSlices(2 * 1024 * GiB);
    expect(tb.count).toBeLessThanOrEqual(MAX_SLICES);
    expect(tb.sliceSize % MiB).toBe(0);
  });

  test("a file beyond 10,000 slices of 5 GiB is too large", () => {
    let error: unknown;
    try {
      planSlices(10_000 * 5 * GiB + 1);
    } catch (e) {
      error = e;
    }
    expect(isCloudError(error, "too-large")).toBe(true);
  });

  test("a resumed plan keeps its slice size and refuses one the server would not take", () => {
    expect(planWithSliceSize(150 * MiB, 5 * MiB).count).toBe(30);
    expect(() => planWithSliceSize(150 * MiB, 4 * MiB)).toThrow(/5 MiB/);
    expect(() => planWithSliceSize(100_000 * 5 * MiB, 5 * MiB)).toThrow(/10000-slice limit/);
    expect(() => sliceRange(planSlices(10), 2)).toThrow(RangeError);
  });
});
