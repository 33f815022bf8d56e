/** Turns request input into typed values, or a 40001 that names the field. */
import { z } from "zod";
import { badArgument } from "./errors.ts";

export function parseWith<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.join(".") : what;
  const missing = issue.code === "invalid_type" && issue.message.endsWith("received undefined");
  throw badArgument(field, missing ? "is required" : issue.message);
}

/** The JSON body of a request whose raw bytes the body parser kept. */
export function parseJsonBody<T>(raw: unknown, contentType: string | undefined, schema: z.ZodType<T>): T {
  const bytes = Buffer.isBuffer(raw) ? raw : Buffer.alloc(0);
  if (bytes.length === 0) return parseWith(schema, {}, "body");
  if (!/^application\/json\s*(;|$)/i.test(contentType ?? "")) {
    throw badArgument(
      "Content-Type",
      `must be application/json for this endpoint, got "${contentType ?? ""}"`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString("utf8"));
  } catch (error) {
    throw badArgument("body", `not valid JSON (${(error as Error).message})`);
  }
  return parseWith(schema, value, "body");
}

const token = z.string().min(1, "must not be empty").max(128, "is longer than 128 characters");
const segments = z.array(z.string()).max(64, "has more than 64 folder levels");
const integerString = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

export const listQuery = z.object({
  parent_token: token.default("0"),
  offset: integerString(0, Number.MAX_SAFE_INTEGER).default(0),
  count: integerString(1, 500).default(100),
});

export const createFolderBody = z.object({ name: z.string(), parent_token: token.default("0") });
export const renameBody = z.object({ new_name: z.string() });
export const destroyBody = z.object({ modifier: z.string().optional() });

export const asyncUploadBody = z.object({
  url: z
    .string()
    .refine(
      (value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol),
      "must be an http(s) URL",
    ),
  filename: z.string(),
  parent_token: token.optional(),
  parent_path: segments.optional(),
  creator: z.string().optional(),
  file_token: token.optional(),
});

export const moveBody = z.object({
  file_tokens: z.array(token).min(1, "must list 1 to 100 tokens").max(100, "must list 1 to 100 tokens"),
  parent_token: token,
  modifier: z.string().optional(),
});
