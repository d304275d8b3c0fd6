// Renders build/icon.svg into the PNGs electron-builder packages: build/icon.png (1024×1024, from
// which it makes the macOS .icns and the Windows .ico) and build/icons/<n>x<n>.png (the Linux
// hicolor sizes, 16 to 512, for AppImage and deb). Run it after changing the SVG and commit the
// outputs: packaging needs no browser. Chromium draws the SVG (no rasterizer dependency), through
// playwright-core; CHROMIUM=/path/to/chromium picks another browser than Debian's.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const build = `${root}build/`;
const LINUX_SIZES = [16, 32, 48, 64, 128, 256, 512];

const svg = await readFile(`${build}icon.svg`, 'utf8');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  // Chromium's sandbox refuses to run as root (containers, CI).
  args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
});
try {
  const page = await browser.newPage();
  /** The icon as an n×n PNG with a transparent background. */
  const render = async (size) => {
    await page.setViewportSize({ width: size, height: size });
    const sized = svg.replace(/ width="\d+" height="\d+"/, ` width="${size}" height="${size}"`);
    await page.setContent(
      `<!doctype html><style>html,body{margin:0;background:transparent}svg{display:block}</style>${sized}`,
    );
    return page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
  };
  await writeFile(`${build}icon.png`, await render(1024));
  await mkdir(`${build}icons`, { recursive: true });
  for (const size of LINUX_SIZES) await writeFile(`${build}icons/${size}x${size}.png`, await render(size));
  console.log(
    `build/icon.png and build/icons/{${LINUX_SIZES.map((s) => `${s}x${s}`).join(',')}}.png written`,
  );
} finally {
  await browser.close();
}
