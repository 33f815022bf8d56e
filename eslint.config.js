import js from "@eslint/js";
import playwright from "eslint-plugin-playwright";
import tseslint from "typescript-eslint";

const electronOnlyInDesktopShell = {
  paths: [
    {
      name: "electron",
      message: "Only electron/main.ts, electron/preload.ts and electron/desktop/ may import electron.",
    },
  ],
};

/** `expect(await …)` asserts a value read once, a state nobody waited for. */
const assertWaitedState = {
  meta: {
    type: "problem",
    schema: [],
    messages: {
      readOnce:
        "This asserts a value read once. Use a web-first assertion on a locator (await expect(locator).toHaveText(…)) or expect.poll(() => …), which wait until the state holds.",
    },
  },
  create(context) {
    return {
      AwaitExpression(node) {
        for (let child = node, parent = node.parent; parent; child = parent, parent = parent.parent) {
          if (parent.type.endsWith("FunctionExpression") || parent.type === "FunctionDeclaration") return;
          const isExpect =
            parent.type === "CallExpression" &&
            parent.callee.type === "Identifier" &&
            parent.callee.name === "expect";
          if (isExpect && parent.arguments.includes(child)) {
            context.report({ node, messageId: "readOnce" });
            return;
          }
        }
      },
    };
  },
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
  {
    // End-to-end tests assert only states they waited for: web-first assertions and locators.
    files: ["e2e/**/*.ts"],
    ...playwright.configs["flat/recommended"],
    plugins: {
      ...playwright.configs["flat/recommended"].plugins,
      e2e: { rules: { "assert-waited-state": assertWaitedState } },
    },
    rules: {
      ...playwright.configs["flat/recommended"].rules,
      "e2e/assert-waited-state": "error",
      "playwright/no-element-handle": "error",
      "playwright/no-eval": "error",
      "playwright/no-force-option": "error",
      "playwright/no-page-pause": "error",
      "playwright/no-wait-for-selector": "error",
      "playwright/no-wait-for-timeout": "error",
      "playwright/prefer-to-have-count": "error",
      "playwright/prefer-to-have-length": "error",
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.property.name='content'][arguments.length=0]",
          message:
            "page.content() is the page at one instant; assert on a locator, which waits for the state.",
        },
      ],
    },
  },
);
