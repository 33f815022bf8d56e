import { expect, test } from "vitest";
import { multipartFrame } from "./multipart.ts";

test("the frame wraps text fields and the file part, with the boundary in the content type", () => {
  const frame = multipartFrame(
    [
      ["parent_path", "报告"],
      ["parent_path", "2024"],
    ],
    { field: "file", filename: "a.txt" },
    "B",
  );
  expect(frame.contentType).toBe("multipart/form-data; boundary=B");
  expect(Buffer.concat([frame.preamble, Buffer.from("DATA"), frame.epilogue]).toString()).toBe(
    '--B\r\nContent-Disposition: form-data; name="parent_path"\r\n\r\n报告\r\n' +
      '--B\r\nContent-Disposition: form-data; name="parent_path"\r\n\r\n2024\r\n' +
      '--B\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n' +
      "Content-Type: application/octet-stream\r\n\r\nDATA\r\n--B--\r\n",
  );
});

test("quotes in a file name are escaped so the name survives as given", () => {
  const frame = multipartFrame([], { field: "file", filename: 'say "hi".txt' }, "B");
  expect(frame.preamble.toString()).toContain('filename="say \\"hi\\".txt"');
});

test("each frame gets its own boundary", () => {
  const a = multipartFrame([], { field: "file", filename: "x" });
  const b = multipartFrame([], { field: "file", filename: "x" });
  expect(a.contentType).not.toBe(b.contentType);
});
