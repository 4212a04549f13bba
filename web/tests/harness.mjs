// Shared by the browser tests and the measuring script: serve dist/ on loopback, drive Chromium,
// count the bytes of the app's code.
import { createServer } from "node:http";
import { readdirSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { chromium } from "playwright-core";
import { gzipSync } from "node:zlib";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript",
  ".wasm": "application/wasm",
  ".css": "text/css",
  ".png": "image/png",
};

/** Serves `root` on 127.0.0.1 at a free port; resolves to { url, close }. */
export async function serve(root) {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
    const file = join(root, path.endsWith("/") ? `${path}index.html` : path);
    try {
      const body = await readFile(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) };
}

/** Debian's Chromium, headless, with nothing that reaches for the network (Playwright gives each
 * launch a fresh, temporary profile). */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

/** Puts `text` in the app's editor as a paste does: one input event (Playwright's `fill` types
 * large texts slowly). */
export function paste(page, text) {
  return page.getByTestId("yaml-input").evaluate((area, text) => {
    area.value = text;
    area.dispatchEvent(new InputEvent("input", { bubbles: true }));
  }, text);
}

/** The built app, next to this folder. */
export const DIST = new URL("../../dist/", import.meta.url).pathname;

/** The bytes a browser downloads for the app's code: its wasm and JavaScript (the glue and its
 * snippets) under `root`, each gzipped at level 9. */
export function gzippedCode(root) {
  return readdirSync(root, { recursive: true })
    .filter((file) => /\.(wasm|js)$/.test(file))
    .reduce((sum, file) => sum + gzipSync(readFileSync(join(root, file)), { level: 9 }).length, 0);
}
