import js from "@eslint/js";
import i18next from "eslint-plugin-i18next";
import playwright from "eslint-plugin-playwright";
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

/** Where test support lives; product code never imports it. */
const testSupport = {
  group: [
    "**/testing/**",
    "**/e2e/**",
    "**/bench/**",
    "vitest",
    "playwright",
    "playwright-core",
    "@playwright/test",
  ],
  message: "Test support (testing/, e2e/, bench/, test runners) stays out of the product.",
};
const theShells = {
  group: [
    "**/cli/**",
    "**/cli.ts",
    "**/web/**",
    "**/desktop/**",
    "**/shell/**",
    "**/main.ts",
    "**/preload.ts",
    "**/serve.ts",
    "**/renderer/**",
  ],
  message: "The core serves the shells and the renderer; it never imports them.",
};
const theSandbox = { group: ["**/sandbox/**"], message: "The client shares no code with the local cloud." };
const theClient = {
  group: ["**/electron/**", "**/shared/**", "**/renderer/**"],
  message: "The local cloud shares no code with the client.",
};

/** A shell starts the local cloud through its server entry, for a first start without an account. */
const shellPatterns = [
  testSupport,
  { group: ["**/sandbox/**", "!**/sandbox/server.ts"], message: theSandbox.message },
];

/** The layers, as lint keeps them (each entry: which files, which imports they may not make). */
const layers = [
  {
    // The contract and the view model: pure TypeScript, nothing of ours.
    files: ["shared/**"],
    patterns: [{ group: ["../**"], message: "shared/ imports nothing of ours." }],
  },
  {
    // The UI talks to the core only through the contract in shared/.
    files: ["renderer/**"],
    patterns: [
      {
        group: ["**/electron/**", "**/sandbox/**", "**/testing/**", "**/e2e/**", "**/bench/**"],
        message: "renderer/ imports only shared/.",
      },
    ],
  },
  { files: ["electron/core/**"], ignores: ["**/*.test.ts"], patterns: [theShells, theSandbox, testSupport] },
  { files: ["electron/core/**/*.test.ts"], patterns: [theShells] },
  { files: ["electron/**"], ignores: ["electron/core/**", "**/*.test.ts"], patterns: shellPatterns },
  {
    // The local cloud and the client implement the contract independently, its tests included.
    files: ["sandbox/**"],
    ignores: ["sandbox/**/*.test.ts", "sandbox/testing/**"],
    patterns: [theClient, testSupport],
  },
  { files: ["sandbox/**/*.test.ts", "sandbox/testing/**"], patterns: [theClient] },
];

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
  ...layers.map(({ files, ignores, patterns }) => ({
    files,
    ...(ignores ? { ignores } : {}),
    rules: { "no-restricted-imports": ["error", { ...electronOnlyInDesktopShell, patterns }] },
  })),
  {
    // Every word the UI shows comes from the catalogs (shared/i18n/): text in JSX, and the props
    // that people read or hear (names for assistive technology included).
    files: ["renderer/**/*.tsx"],
    ignores: ["**/*.test.tsx"],
    plugins: { i18next },
    rules: {
      "i18next/no-literal-string": [
        "error",
        {
          mode: "jsx-only",
          "jsx-attributes": {
            include: [
              "aria-label",
              "aria-valuetext",
              "title",
              "placeholder",
              "alt",
              "label",
              "lead",
              "hint",
              "text",
              "question",
              "confirmLabel",
            ],
          },
          // Symbols and separators between translated words ("·", "—", "%"), and the product's name.
          words: { exclude: ["^[\\s\\d·—%?:.,()/-]*$", "^docsync$"] },
        },
      ],
    },
  },
  {
    // What the core tells people (a path's reason, an activity line, a failure) is a phrase of the
    // catalogs, said with say(): English words written here would reach a Chinese reader as they are.
    files: ["electron/core/**/*.ts"],
    ignores: ["**/*.test.ts", "electron/core/sync/scenarios*/**"],
    rules: {
      "no-restricted-syntax": [
        "error",
        {
          selector: "Property[key.name='reason'] > :matches(TemplateLiteral, Literal[value=/ /])",
          message: "A reason is a phrase: say(key, values), with the key in both catalogs (shared/i18n/).",
        },
        {
          selector:
            "CallExpression:matches([callee.name=/^(log|fail)$/], [callee.property.name=/^(log|fail)$/]) > :matches(TemplateLiteral, Literal[value=/ /])",
          message:
            "An activity line or a failure is a phrase: say(key, values), with the key in both catalogs.",
        },
      ],
    },
  },
  {
    // The desktop shell is where electron may be imported; the layers still hold there.
    files: ["electron/main.ts", "electron/preload.ts", "electron/desktop/**"],
    ignores: ["**/*.test.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: shellPatterns }] },
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
      // A test skipped in the one shell where its subject does not exist says so with its reason.
      "playwright/no-skipped-test": ["error", { allowConditional: true }],
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
