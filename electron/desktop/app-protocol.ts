/** Serves the built renderer under app://docsync/ with a strict CSP; nothing outside its folder. */
import { net, protocol } from "electron";
import { normalize, join, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { APP_HOST, APP_SCHEME, appContentSecurityPolicy } from "./trust.ts";

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

export function serveRenderer(rendererDir: string): void {
  const root = rendererDir.endsWith(sep) ? rendererDir : rendererDir + sep;
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const relative = decodeURIComponent(url.pathname).replace(/^\/+/, "") || "index.html";
    const file = normalize(join(root, relative));
    if (url.host !== APP_HOST || !file.startsWith(root)) return new Response("Not found", { status: 404 });
    const response = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(response.headers);
    headers.set("content-security-policy", appContentSecurityPolicy);
    headers.set("x-content-type-options", "nosniff");
    return new Response(response.body, { status: response.status, headers });
  });
}
