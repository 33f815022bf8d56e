import { describe, expect, test } from "vitest";
import { httpDate, md5Hex, requestUriMd5, wps2Headers, wps2Signature } from "./signer.ts";

describe("WPS-2 signature", () => {
  test("matches the vendor's test vector", () => {
    expect(
      wps2Signature(
        "wJalrXUtnFEYEXAMPLEKES",
        "d41d8cd98f00b204e9800998ecf8427e",
        "application/json",
        "Wed, 23 Jan 2013 06:43:08 GMT",
      ),
    ).toBe("083500176fa3aab58ca2dc962978013b3ca2b6df");
  });

  test("builds the four headers with the app id in Authorization", () => {
    const headers = wps2Headers({
      appId: "SX20220101ABCDEF",
      appKey: "wJalrXUtnFEYEXAMPLEKES",
      contentMd5: md5Hex(""),
      contentType: "application/json",
      date: httpDate(Date.UTC(2013, 0, 23, 6, 43, 8)),
    });
    expect(headers).toEqual({
      Date: "Wed, 23 Jan 2013 06:43:08 GMT",
      "Content-Type": "application/json",
      "Content-Md5": "d41d8cd98f00b204e9800998ecf8427e",
      Authorization: "WPS-2:SX20220101ABCDEF:083500176fa3aab58ca2dc962978013b3ca2b6df",
    });
  });

  test("a GET signs its path and query as sent, without scheme or host", () => {
    const url = new URL("http://127.0.0.1:9/api/v1/openapi/appspace/files?parent_token=0&count=5");
    expect(requestUriMd5(url)).toBe(md5Hex("/api/v1/openapi/appspace/files?parent_token=0&count=5"));
  });
});
