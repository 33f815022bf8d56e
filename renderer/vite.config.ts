import react from "@vitejs/plugin-react";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  // Relative asset paths work both over HTTP (web shell) and the desktop shell's app:// scheme.
  base: "./",
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL("../dist/renderer", import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    target: "es2022",
    // Both shells allow fonts and images from the app itself only ('self'), never data: URLs, so the
    // small subsets of the Chinese font must stay files rather than be inlined.
    assetsInlineLimit: 0,
  },
  logLevel: "warn",
});
