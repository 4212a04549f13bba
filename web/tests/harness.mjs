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
  ".svg": "image/svg+xml",
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
 * launch a fresh, temporary profile). Every action on a locator waits, once done, for the app's
 * engine to have answered what the action asked (see `settleAfterActions`). */
export async function launch() {
  const browser = await chromium.launch({
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
  await settleAfterActions(browser);
  return browser;
}

/** The app's engine answers from a Web Worker, after the frame a click or a key is handled in: a
 * test that reads the page right after an action would read it before the answer. So each
 * action of Playwright's locators (click, fill, press, check, uncheck, selectOption) waits, once
 * done, until the frame it acted in marks its engine idle (`data-engine`; a page without the app
 * has no mark and does not wait), unless given `{ noWaitAfter: true }`. The page marks itself busy while it renders the action, before
 * the action returns. */
async function settleAfterActions(browser) {
  const page = await browser.newPage();
  const proto = Object.getPrototypeOf(page.locator("html"));
  await page.close();
  if (proto.settles) return;
  proto.settles = true;
  const idle = () =>
    new Promise((resolve) => {
      const check = () => (document.documentElement.dataset.engine === "busy" ? setTimeout(check, 5) : resolve());
      check();
    });
  for (const name of ["click", "dblclick", "fill", "press", "check", "uncheck", "selectOption", "setChecked"]) {
    const action = proto[name];
    proto[name] = async function (...args) {
      const result = await action.apply(this, args);
      // `{ noWaitAfter: true }`: the test acts while the engine works (Stop during an Apply).
      if (args.some((a) => a?.noWaitAfter)) return result;
      // The locator's own frame (an embed's, for a frame locator's); a navigation that the action
      // started may have replaced it, which leaves nothing to wait for.
      await this._frame.evaluate(idle).catch(() => {});
      return result;
    };
  }
}

/** Puts `text` in the app's editor as Ctrl+A and a paste do: the key, then one input event
 * (Playwright's `fill` types large texts slowly). The editor holds a long text a window at a time,
 * so select-all is its own key, not the text area's. */
export function paste(page, text) {
  return page.getByTestId("yaml-input").evaluate((area, text) => {
    area.focus();
    area.dispatchEvent(new KeyboardEvent("keydown", { key: "a", ctrlKey: true, bubbles: true, cancelable: true }));
    area.value = text;
    area.dispatchEvent(new InputEvent("input", { bubbles: true }));
  }, text);
}

/** NodePort Services `svc-0`, `svc-1`, …, one document each, enough to make at least `bytes` of
 * YAML when joined with `---` lines: the documents. */
export function manyServices(bytes) {
  const docs = [];
  for (let size = 0, i = 0; size < bytes; i++) {
    docs.push(`apiVersion: v1\nkind: Service\nmetadata: {name: svc-${i}}\nspec:\n  type: NodePort\n  ports:\n  - {name: http, port: 80}\n`);
    size += docs.at(-1).length + 4;
  }
  return docs;
}

/** Fills the page's localStorage to the brim, as a browser with its storage full. */
export function fillStorage(page) {
  return page.evaluate(() => {
    let i = 0;
    for (const size of [1 << 20, 1 << 14, 1 << 8, 1]) {
      const chunk = "y".repeat(size);
      for (;;) {
        try {
          localStorage.setItem(`f${i++}`, chunk);
        } catch {
          break;
        }
      }
    }
  });
}

/** The built app, next to this folder. */
export const DIST = new URL("../../dist/", import.meta.url).pathname;

/** The bytes a browser downloads for the code under `root`: its wasm and JavaScript (the glue and
 * its snippets), each gzipped at level 9, but for the folders in `skip` (`js/`, the JS module for
 * documentation pages, and `lab/`, the lab page's code, are not the app's: its budget skips them). */
export function gzippedCode(root, skip = []) {
  return readdirSync(root, { recursive: true })
    .filter((file) => /\.(wasm|js)$/.test(file) && !skip.some((folder) => file.startsWith(folder)))
    .reduce((sum, file) => sum + gzipSync(readFileSync(join(root, file)), { level: 9 }).length, 0);
}

/** Every row of a windowed list (`testid`: "outcomes" or "services"), read by scrolling it from
 * top to bottom: the list renders only the rows in view. Each row is `{ ...dataset, text }` of its
 * content; the list's scroll position is put back. */
export function readRows(page, testid) {
  return page.evaluate(async (testid) => {
    const list = document.querySelector(`[data-testid="${testid}"]`);
    if (!list) return [];
    const box = list.parentElement;
    const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const count = Number(list.dataset.count);
    const rows = new Map();
    const saved = box.scrollTop;
    box.scrollTop = 0;
    for (;;) {
      await frame();
      // Rows the engine has not described yet show as pending: wait for them.
      for (let i = 0; i < 300 && list.querySelector('[aria-busy="true"]'); i++) await frame();
      for (const li of list.querySelectorAll("li[aria-posinset]")) {
        const row = li.firstElementChild;
        rows.set(Number(li.getAttribute("aria-posinset")), { ...row.dataset, text: row.textContent });
      }
      if (rows.size >= count || box.scrollTop + box.clientHeight >= box.scrollHeight - 1) break;
      // A screenful on, and a few rows of the overscan below it.
      const row = list.querySelector("li[aria-posinset]")?.offsetHeight ?? 0;
      box.scrollTop += box.clientHeight + 6 * row;
    }
    box.scrollTop = saved;
    return [...rows.keys()].sort((a, b) => a - b).map((n) => rows.get(n));
  }, testid);
}

/** Waits until the app's engine has answered everything asked of it (`data-engine="idle"`). */
export async function settled(page) {
  await page.waitForFunction(() => document.documentElement.dataset.engine === "idle");
}

/** Waits until the windowed list `testid` has `count` rows. */
export function waitForRows(page, testid, count) {
  return page.waitForFunction(
    ([testid, count]) => document.querySelector(`[data-testid="${testid}"]`)?.dataset.count === String(count),
    [testid, count],
  );
}
