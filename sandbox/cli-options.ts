/** The command line of `npm run sandbox`, turned into SandboxOptions. */
import { parseArgs } from "node:util";
import { parseFaultFlag } from "./faults.ts";
import { parseQuirksFlag } from "./quirks.ts";
import type { Plan, SandboxOptions } from "./server.ts";

export const USAGE =
  "usage: npm run sandbox -- [--port N] [--data DIR] [--app-id ID] [--app-key KEY] " +
  "[--plan test|production|unlimited] [--faults latency=MS,errors=SHARE,drops=SHARE,path=/PREFIX] " +
  "[--quirks unfamiliar-answers,ignore-undocumented] " +
  "[--ost-app-id ID --ost-api-key KEY --ost-api-secret SECRET]";

const PLANS: readonly Plan[] = ["test", "production", "unlimited"];

/** Throws an Error whose message is one line fit to show the user. */
export function parseCommandLine(args: string[]): SandboxOptions {
  const { values } = parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: "string" },
      data: { type: "string" },
      "app-id": { type: "string" },
      "app-key": { type: "string" },
      plan: { type: "string" },
      faults: { type: "string" },
      quirks: { type: "string" },
      "ost-app-id": { type: "string" },
      "ost-api-key": { type: "string" },
      "ost-api-secret": { type: "string" },
    },
  });
  const options: SandboxOptions = {};
  if (values.port !== undefined) {
    const port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535)
      throw new Error(`--port: "${values.port}" is not a port number`);
    options.port = port;
  }
  if (values.data !== undefined) options.dataDir = values.data;
  for (const [flag, value] of [
    ["--app-id", values["app-id"]],
    ["--app-key", values["app-key"]],
  ] as const) {
    if (value === "") throw new Error(`${flag}: must not be empty`);
  }
  if (values["app-id"] !== undefined) options.appId = values["app-id"];
  if (values["app-key"] !== undefined) options.appKey = values["app-key"];
  if (values.plan !== undefined) {
    if (!PLANS.includes(values.plan as Plan)) {
      throw new Error(`--plan: "${values.plan}" is not one of ${PLANS.join(", ")}`);
    }
    options.plan = values.plan as Plan;
  }
  if (values.faults !== undefined) {
    try {
      options.faults = parseFaultFlag(values.faults);
    } catch (error) {
      throw new Error(`--faults: ${(error as Error).message}`, { cause: error });
    }
  }
  if (values.quirks !== undefined) {
    try {
      options.quirks = parseQuirksFlag(values.quirks);
    } catch (error) {
      throw new Error(`--quirks: ${(error as Error).message}`, { cause: error });
    }
  }
  const ost = {
    appId: values["ost-app-id"],
    apiKey: values["ost-api-key"],
    apiSecret: values["ost-api-secret"],
  };
  if (Object.values(ost).some((value) => value !== undefined)) {
    if (Object.values(ost).some((value) => !value)) {
      throw new Error("--ost-app-id, --ost-api-key and --ost-api-secret go together");
    }
    options.ost = ost;
  }
  return options;
}
