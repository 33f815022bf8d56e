import js from "@eslint/js";
import tseslint from "typescript-eslint";

const electronOnlyInDesktopShell = {
  paths: [
    {
      name: "electron",
      message: "Only electron/main.ts, electron/preload.ts and electron/desktop/ may import electron.",
    },
    {
      name: "electron-store",
      message:
        "electron-store imports electron: only the desktop shell (electron/main.ts, electron/desktop/) may use it; elsewhere settings go through conf (electron/core/settings/).",
    },
  ],
};

export default tseslint.config(
  { ignores: ["node_modules", "dist", "coverage", "test-results", "bench/out"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2024, sourceType: "module" },
    rules: {
      "no-restricted-imports": ["error", electronOnlyInDesktopShell],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
    },
  },
  {
    files: ["electron/main.ts", "electron/preload.ts", "electron/desktop/**"],
    rules: { "no-restricted-imports": "off" },
  },
  {
    // The local cloud and the client implement the contract independently.
    files: ["sandbox/**"],
    ignores: ["sandbox/**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          ...electronOnlyInDesktopShell,
          patterns: [
            {
              group: ["**/electron/**", "**/shared/**", "**/renderer/**"],
              message: "The local cloud shares no code with the client.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["electron/core/**", "shared/**", "renderer/**"],
    ignores: ["**/*.test.ts", "**/*.test.tsx", "**/testing/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          ...electronOnlyInDesktopShell,
          patterns: [
            { group: ["**/sandbox/**"], message: "The client shares no code with the local cloud." },
          ],
        },
      ],
    },
  },
);
