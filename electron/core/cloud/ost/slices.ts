/** How a file is cut into OST slices: 1 to 10,000 slices of 5 MiB to 5 GiB, the last may be smaller. */
import { CloudError } from "../errors.ts";

const MiB = 1024 * 1024;
export const MIN_SLICE_SIZE = 5 * MiB;
export const MAX_SLICE_SIZE = 5 * 1024 * MiB;
export const MAX_SLICES = 10_000;
/** Larger than the minimum: fewer requests per file, still a small loss when one has to be sent again. */
export const DEFAULT_SLICE_SIZE = 8 * MiB;

export interface SlicePlan {
  fileSize: number;
  sliceSize: number;
  count: number;
}

export interface SliceRange {
  /** 1-based, as the server numbers slices. */
  id: number;
  start: number;
  /** Exclusive. */
  end: number;
}

/** Picks the slice size for a file: the preferred size, grown in whole MiB when 10,000 would not do. */
export function planSlices(fileSize: number, preferredSliceSize = DEFAULT_SLICE_SIZE): SlicePlan {
  if (!Number.isSafeInteger(fileSize) || fileSize < 0) {
    throw new CloudError("invalid", `cannot plan slices for a file of ${fileSize} bytes`);
  }
  const needed = Math.ceil(fileSize / MAX_SLICES / MiB) * MiB;
  const sliceSize = Math.max(MIN_SLICE_SIZE, preferredSliceSize, needed);
  return planWithSliceSize(fileSize, sliceSize);
}

/** The plan for a slice size fixed earlier (a resumed upload keeps its slices). */
export function planWithSliceSize(fileSize: number, sliceSize: number): SlicePlan {
  if (!Number.isSafeInteger(sliceSize) || sliceSize < MIN_SLICE_SIZE) {
    throw new CloudError("invalid", `a slice of ${sliceSize} bytes is below the 5 MiB minimum`);
  }
  if (sliceSize > MAX_SLICE_SIZE) {
    throw new CloudError(
      "too-large",
      `a file of ${fileSize} bytes needs more than ${MAX_SLICES} slices of at most 5 GiB`,
    );
  }
  const count = Math.max(1, Math.ceil(fileSize / sliceSize));
  if (count > MAX_SLICES) {
    throw new CloudError(
      "invalid",
      `${count} slices of ${sliceSize} bytes exceed the ${MAX_SLICES}-slice limit`,
    );
  }
  return { fileSize, sliceSize, count };
}

export function sliceRange(plan: SlicePlan, id: number): SliceRange {
  if (!Number.isInteger(id) || id < 1 || id > plan.count) {
    throw new RangeError(`slice ${id} is outside 1..${plan.count}`);
  }
  const start = (id - 1) * plan.sliceSize;
  return { id, start, end: Math.min(plan.fileSize, start + plan.sliceSize) };
}
