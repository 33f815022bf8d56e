/**
 * What a service answered that the contract does not say: a word it does not know, a field it
 * requires that is missing, a field it does not list, a field of ours it ignored, a signature
 * variant the service refused. The
 * client goes on where it can (an unknown status word keeps a task waiting, a missing field is
 * tolerated) and reports each such thing as a notice, so the core can log it once and `account check`
 * can show it to the user, who can tell the vendor or us.
 */
import { z } from "zod";
import type { ServiceDifference } from "../../../shared/model.ts";

/** One thing a service answered that the contract does not say; the UI shows it as a difference. */
export type ServiceNotice = ServiceDifference;
export type NoticeKind = ServiceNotice["kind"];

export type NoticeSink = (notice: ServiceNotice) => void;

export interface NoticeContext {
  service: string;
  call: string;
}

const expectedFields = new WeakSet<z.ZodType>();
const knownValues = new WeakMap<z.ZodType, readonly unknown[]>();

/**
 * A field the contract says every answer has, which the client can nevertheless live without: a
 * missing one is tolerated and reported, where a plain `.optional()` field is simply optional.
 */
export function expected<T extends z.ZodType>(schema: T): z.ZodOptional<T> {
  const optional = schema.optional();
  expectedFields.add(optional);
  return optional;
}

/**
 * A field whose values the contract lists (a task's status words): any other value is reported. The
 * schema itself must still take it (an unknown word keeps a task waiting; it never fails a parse).
 */
export function known<T extends z.ZodType>(schema: T, values: readonly unknown[]): T {
  knownValues.set(schema, values);
  return schema;
}

export function noticeText(context: NoticeContext, kind: NoticeKind, field: string, value?: string): string {
  const where = `${context.service} ${context.call}`;
  switch (kind) {
    case "unknown-value":
      return `${where} answered ${field} ${JSON.stringify(value)}, a value the contract does not know`;
    case "missing-field":
      return `${where} answered without ${field}, which the contract lists`;
    case "extra-field":
      return `${where} answered a field the contract does not list: ${field}`;
    case "ignored-field":
      return `${where} ignored ${field}${value ? `: ${value}` : ""}; docsync put the result right`;
    case "signature-variant":
      return `${where}: the service refused ${value ?? "a signature variant"}`;
  }
}

export function notice(
  context: NoticeContext,
  kind: NoticeKind,
  field: string,
  value?: string,
): ServiceNotice {
  return {
    ...context,
    kind,
    field,
    ...(value !== undefined ? { value } : {}),
    text: noticeText(context, kind, field, value),
  };
}

/**
 * The fields of `value` that `schema` does not list, and those it marks `expected` that are absent.
 * `ignore` names top-level fields that are read elsewhere (an envelope's `code` and `msg`).
 */
export function shapeNotices(
  schema: z.ZodType,
  value: unknown,
  context: NoticeContext,
  ignore: readonly string[] = [],
): ServiceNotice[] {
  const found = new Map<string, ServiceNotice>();
  const add = (kind: NoticeKind, field: string, value?: string) => {
    const key = `${kind} ${field} ${value ?? ""}`;
    if (!found.has(key)) found.set(key, notice(context, kind, field, value));
  };
  walk(schema, value, "", add, new Set(ignore));
  return [...found.values()];
}

/** At most this many array items are looked at: one odd item says as much as a thousand. */
const ITEMS_LOOKED_AT = 3;

function walk(
  schema: z.ZodType,
  value: unknown,
  path: string,
  add: (kind: NoticeKind, field: string, value?: string) => void,
  ignore: ReadonlySet<string>,
): void {
  const values = knownValuesOf(schema);
  if (values && value !== null && value !== undefined && !values.includes(value)) {
    add("unknown-value", path, typeof value === "string" ? value : JSON.stringify(value));
  }
  const inner = unwrap(schema);
  if (inner instanceof z.ZodObject) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return;
    const record = value as Record<string, unknown>;
    const shape = inner.shape as Record<string, z.ZodType>;
    for (const [key, field] of Object.entries(shape)) {
      const at = path ? `${path}.${key}` : key;
      if (record[key] === undefined) {
        if (expectedFields.has(field)) add("missing-field", at);
      } else walk(field, record[key], at, add, new Set());
    }
    const open = inner.def.catchall !== undefined && !(inner.def.catchall instanceof z.ZodNever);
    if (open) return;
    for (const key of Object.keys(record)) {
      if (!(key in shape) && !ignore.has(key)) add("extra-field", path ? `${path}.${key}` : key);
    }
    return;
  }
  if (inner instanceof z.ZodArray) {
    if (!Array.isArray(value)) return;
    for (const item of value.slice(0, ITEMS_LOOKED_AT)) {
      walk(inner.element as z.ZodType, item, `${path}[]`, add, new Set());
    }
  }
}

/** The values listed for a schema or for any schema it wraps. */
function knownValuesOf(schema: z.ZodType): readonly unknown[] | undefined {
  let current: z.ZodType | undefined = schema;
  for (let depth = 0; current && depth < 16; depth++) {
    const values = knownValues.get(current);
    if (values) return values;
    const next = unwrapOnce(current);
    current = next === current ? undefined : next;
  }
  return undefined;
}

/** The object or array below optional, nullable, default and the input side of a pipe (transforms). */
function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (let depth = 0; depth < 16; depth++) {
    const next = unwrapOnce(current);
    if (next === current) break;
    current = next;
  }
  return current;
}

function unwrapOnce(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return schema.unwrap() as z.ZodType;
  if (schema instanceof z.ZodDefault) return schema.removeDefault() as z.ZodType;
  if (schema instanceof z.ZodPipe) return schema.in as z.ZodType;
  return schema;
}
