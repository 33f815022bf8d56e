import { expect, test } from "vitest";
import type { z } from "zod";
import { createDispatcher } from "./dispatch.ts";
import { channels, coreChannels, events, type Handlers } from "../../shared/contract.ts";
import * as model from "../../shared/model.ts";

interface Def {
  type: string;
  checks?: { _zod: { def: { check: string } } }[];
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
  out?: z.ZodType;
}

const modelSchemas = new Set<unknown>(Object.values(model));

/** Paths of the strings and arrays (declared here, not in the model) that have no upper bound. */
function unbounded(schema: z.ZodType, path: string): string[] {
  if (modelSchemas.has(schema)) return [];
  const def = (schema as unknown as { _zod: { def: Def } })._zod.def;
  const bounded = def.checks?.some((check) => check._zod.def.check === "max_length") ?? false;
  switch (def.type) {
    case "string":
      return bounded ? [] : [path];
    case "array":
      return [...(bounded ? [] : [path]), ...unbounded(def.element!, `${path}[]`)];
    case "object":
      return Object.entries(def.shape!).flatMap(([key, value]) => unbounded(value, `${path}.${key}`));
    case "optional":
    case "nullable":
    case "default":
    case "readonly":
      return unbounded(def.innerType!, path);
    case "union":
      return def.options!.flatMap((option, i) => unbounded(option, `${path}|${i}`));
    case "pipe":
      return [...unbounded(def.in!, path), ...unbounded(def.out!, path)];
    default:
      return [];
  }
}

test("every string and array of every channel and event has a length limit", () => {
  const found = [
    ...Object.entries(channels).flatMap(([name, spec]) => [
      ...unbounded(spec.input, `${name} input`),
      ...unbounded(spec.result, `${name} result`),
    ]),
    ...Object.entries(events).flatMap(([name, schema]) => unbounded(schema, name)),
  ];
  expect(found).toEqual([]);
});

test("a service address is https, or plain http only for the local cloud at 127.0.0.1", async () => {
  const added: unknown[] = [];
  const handlers = Object.fromEntries(
    Object.keys(coreChannels).map((name) => [name, async (input: unknown) => void added.push(input)]),
  ) as unknown as Handlers;
  const dispatch = createDispatcher(handlers);
  const add = (baseUrl: string, ostUrl = "https://ost.example") =>
    dispatch("accounts.add", {
      kind: "kdocs",
      name: "Work",
      baseUrl,
      appId: "SX1",
      appKey: "key",
      largeFiles: { baseUrl: ostUrl, appId: "o", apiKey: "k", apiSecret: "s" },
    });
  for (const refused of [
    add("http://openapi.example"),
    add("https://openapi.example", "http://localhost:9"),
  ]) {
    expect(await refused).toMatchObject({
      ok: false,
      error: {
        code: "invalid-input",
        message: expect.stringContaining(
          "must use https; plain http is only for the local cloud at 127.0.0.1",
        ),
      },
    });
  }
  expect(added).toEqual([]);
  await add("https://openapi.example");
  await add("http://127.0.0.1:4100", "http://127.0.0.1:4100");
  expect(added).toHaveLength(2);
  const huge = await dispatch("pairs.add", {
    accountId: "a",
    localPath: "x".repeat(100_000),
    remotePath: "/r",
  });
  expect(huge).toMatchObject({ ok: false, error: { code: "invalid-input" } });
});
