import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "electron/**/*.test.ts",
      "shared/**/*.test.ts",
      "sandbox/**/*.test.ts",
      "renderer/**/*.test.{ts,tsx}",
      "scripts/**/*.test.ts",
      "testing/**/*.test.ts",
    ],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Run through vitest, so a test can stand in for the `electron` it imports (no Electron binary here).
    server: { deps: { inline: ["electron-store"] } },
  },
});
