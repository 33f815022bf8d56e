import { describe, expect, test } from "vitest";
import { EMPTY_BODY_DIGEST, ostDigest, signOstRequest } from "./signer.ts";

// Expected values computed by hand with openssl from the documented algorithm:
//   printf '{"app_id":"4CC5779A","request_id":"202006290840"}' | openssl dgst -sha256 -binary | base64
//   printf 'host: upload-ost-api.xfyun.cn\ndate: Wed, 23 Jan 2013 06:43:08 GMT\nPOST /file/mpupload/init HTTP/1.1\ndigest: SHA-256=zvGu…' \
//     | openssl dgst -sha256 -hmac 'exampleSecret123' -binary | base64
const date = "Wed, 23 Jan 2013 06:43:08 GMT";
const apiSecret = "exampleSecret123";

describe("OST request signature", () => {
  test("digest of a JSON body and of the empty body", () => {
    expect(ostDigest('{"app_id":"4CC5779A","request_id":"202006290840"}')).toBe(
      "SHA-256=zvGuI84pNxX2X4CcG4BorJmehQU01uLrABKptqa2A0k=",
    );
    expect(EMPTY_BODY_DIGEST).toBe("SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  });

  test("matches the hand-computed HMAC-SHA256 for an init call", () => {
    const headers = signOstRequest({
      method: "POST",
      url: new URL("https://upload-ost-api.xfyun.cn/file/mpupload/init"),
      date,
      digest: "SHA-256=zvGuI84pNxX2X4CcG4BorJmehQU01uLrABKptqa2A0k=",
      apiKey: "key-1",
      apiSecret,
    });
    expect(headers).toEqual({
      host: "upload-ost-api.xfyun.cn",
      date,
      digest: "SHA-256=zvGuI84pNxX2X4CcG4BorJmehQU01uLrABKptqa2A0k=",
      authorization:
        'api_key="key-1", algorithm="hmac-sha256", headers="host date request-line digest", ' +
        'signature="pMjWsTedydp+R7kadBiCF/Uu5ohm5/vtX/IqQU6hSf4="',
    });
  });

  test("signs the host with its port and the path with its query", () => {
    const headers = signOstRequest({
      method: "POST",
      url: new URL("http://127.0.0.1:8080/ost/file/mpupload/upload?x=1"),
      date,
      digest: EMPTY_BODY_DIGEST,
      apiKey: "key-1",
      apiSecret,
    });
    expect(headers.host).toBe("127.0.0.1:8080");
    expect(headers.authorization).toContain('signature="Tez87wIEw89SIB9ID+YppTeogTBts/b4z/IfsHicN6c="');
  });
});
