/**
 * Renders the app icon (build/icon.svg) to the PNGs the installers take: build/icon.png (1024 px,
 * from which electron-builder makes the macOS and Windows icons) and the Linux set build/icons/NxN.png.
 * With the Chromium the end-to-end tests use. `node scripts/render-icons.ts`, after changing the SVG.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { launchChromium } from "../e2e/support/browser.ts";

const buildDir = fileURLToPath(new URL("../build", import.meta.url));
export const linuxIconSizes = [16, 24, 32, 48, 64, 128, 256, 512];

const svg = readFileSync(join(buildDir, "icon.svg"));
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  const render = async (size: number, file: string) => {
    await page.setViewportSize({ width: size, height: size });
    const src = `data:image/svg+xml;base64,${svg.toString("base64")}`;
    await page.setContent(
      `<body style="margin:0;background:transparent"><img src="${src}" width="${size}" height="${size}"></body>`,
    );
    await page.locator("img").evaluate((img: HTMLImageElement) => img.decode());
    writeFileSync(
      file,
      await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } }),
    );
  };
  mkdirSync(join(buildDir, "icons"), { recursive: true });
  await render(1024, join(buildDir, "icon.png"));
  for (const size of linuxIconSizes) await render(size, join(buildDir, "icons", `${size}x${size}.png`));
  console.log(`icons rendered → ${buildDir}`);
} finally {
  await browser.close();
}
