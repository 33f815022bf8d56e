/**
 * The installers (`npm run package`): AppImage and deb, dmg, NSIS, made by electron-builder from the
 * desktop app's folder that scripts/build-desktop.ts writes (main.mjs, preload.cjs, renderer/).
 * Icons: build/icon.svg, rendered by scripts/render-icons.ts.
 */
import type { Configuration } from "electron-builder";

const config = {
  appId: "app.docsync.desktop",
  productName: "docsync",
  directories: { app: "dist/electron", buildResources: "build", output: "dist/installers" },
  files: ["main.mjs", "preload.cjs", "package.json", "renderer/**/*", "!**/*.map"],
  asar: true,
  // The packaged app runs only its own archive, as itself: no Node mode, no NODE_OPTIONS, no inspector.
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    grantFileProtocolExtraPrivileges: false,
  },
  linux: {
    target: ["AppImage", "deb"],
    icon: "build/icons",
    category: "Utility",
    executableName: "docsync",
    synopsis: "Keeps local folders in sync with cloud document services",
    maintainer: "docsync maintainers <maintainers@docsync.invalid>",
  },
  mac: { target: ["dmg"], icon: "build/icon.png", category: "public.app-category.productivity" },
  win: { target: ["nsis"], icon: "build/icon.png" },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true },
} satisfies Configuration;

export default config;
