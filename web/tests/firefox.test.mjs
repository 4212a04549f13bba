// The web app in headless Firefox (Debian's firefox-esr, driven over WebDriver by geckodriver):
// the core loop, share links, the lab and Compare work there as in Chromium.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { deflateRawSync } from "node:zlib";
import { serve, DIST } from "./harness.mjs";
import { firefox } from "./webdriver.mjs";

let server, browser;

before(async () => {
  server = await serve(DIST);
  browser = await firefox();
  await browser.goto(server.url);
  await browser.until(`return document.querySelector('[data-testid="apply"]')`);
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** Replaces the editor's whole text, as Ctrl+A and a paste do (see harness.mjs's `paste`). */
const setEditor = (text) =>
  browser.run(
    `const el = document.querySelector('[data-testid="yaml-input"]');
     el.focus();
     el.dispatchEvent(new KeyboardEvent("keydown", { key: "a", ctrlKey: true, bubbles: true, cancelable: true }));
     el.value = arguments[0];
     el.dispatchEvent(new InputEvent("input", { bubbles: true }));`,
    text,
  );
const outcomes = () =>
  browser.run(`return [...document.querySelectorAll('[data-testid="outcome"]')].map((li) => [li.dataset.service, li.dataset.result, li.dataset.nodePorts]);`);

test("Firefox: apply, outcomes, band summary, conflicts, errors, the grid", async () => {
  await setEditor("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: NodePort, ports: [{port: 80, nodePort: 30080}]}\n");
  await browser.click('[data-testid="apply"]');
  await setEditor("apiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec: {type: NodePort, ports: [{port: 81, nodePort: 30080}]}\n");
  await browser.click('[data-testid="apply"]');
  await browser.until(`return document.querySelectorAll('[data-testid="outcome"]').length === 2`);
  assert.deepEqual(await outcomes(), [
    ["default/web", "created", "30080"],
    ["default/b", "rejected", ""],
  ]);
  const log = await browser.run(`return document.querySelector('[data-testid="outcomes"]').textContent`);
  assert.ok(log.includes('Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated'), log);
  const summary = await browser.run(`return document.querySelector('[data-testid="band-summary"]').textContent`);
  assert.match(summary, /static 30000–30085 \(86\): 1 used, 85 free/);

  await browser.type('[data-testid="range-input"]', "30000-30127\uE007");
  // Until the engine has run the steps under the new range, the page may show no summary.
  await browser.until(`return /30016–30127/.test(document.querySelector('[data-testid="band-summary"]')?.textContent)`);

  await setEditor("spec: a: b\n");
  await browser.click('[data-testid="apply"]');
  const error = await browser.until(`return document.querySelector('[data-testid="error"]')?.textContent`);
  assert.match(error, /^Line 1, column 8: mapping values are not allowed/);

  // The canvas draws the explicit port 30080 in its Service's colour: web is the second Service
  // of the list, after default/kubernetes (Okabe-Ito sky blue, 86,180,233).
  const drawn = await browser.run(`
    const canvas = document.querySelector('[data-testid="port-grid"]');
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let coloured = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] > 70 && data[i] < 100 && data[i + 1] > 165 && data[i + 1] < 195 && data[i + 2] > 220) coloured++;
    return { width: canvas.width, coloured };`);
  assert.ok(drawn.width > 0 && drawn.coloured > 0, JSON.stringify(drawn));
  assert.equal(await browser.run(`return document.querySelectorAll('[data-testid="panic"]').length`), 0);
});

test("Firefox: the address becomes a share link that opens the same outcomes", async () => {
  await setEditor("apiVersion: v1\nkind: Service\nmetadata: {name: ff}\nspec: {type: NodePort, ports: [{port: 80}]}\n");
  await browser.click('[data-testid="apply"]');
  const link = await browser.until(`return location.hash.includes("s=") && /Step \\d+ of \\d+/.test(document.querySelector('[data-testid="step-position"]').textContent) && document.querySelector('[data-testid="copy-link"]').disabled === false && location.href`);
  const sent = await outcomes();
  assert.ok(sent.some(([service]) => service === "default/ff"), JSON.stringify(sent));
  // Another page loading the link (its own saved work is the same, so nothing to switch back to).
  await browser.run(`localStorage.clear(); sessionStorage.clear();`);
  await browser.goto("about:blank");
  await browser.goto(link);
  await browser.until(`return document.querySelectorAll('[data-testid="outcome"]').length === ${sent.length}`);
  assert.deepEqual(await outcomes(), sent);
  assert.equal(await browser.run(`return document.querySelectorAll('[data-testid="panic"]').length`), 0);
});

test("Firefox: a long text is held a window at a time, and keys land on the right line of it", async () => {
  const doc = (i) => `apiVersion: v1\nkind: Service\nmetadata: {name: svc-${i}}\nspec: {type: NodePort, ports: [{port: 80}]}\n`;
  const text = Array.from({ length: 4000 }, (_, i) => doc(i)).join("---\n");
  await setEditor(text);
  const held = () => browser.run(`return document.querySelector('[data-testid="yaml-input"]').value`);
  assert.ok((await held()).length < text.length / 4, "the text area holds a window");
  await browser.run(`const box = document.querySelector(".editor .code"); box.scrollTop = box.scrollHeight / 2;`);
  await browser.until(`return Number(document.querySelector(".gutter").textContent.split("\\n")[0]) > 1000`);
  const first = await browser.run(`return Number(document.querySelector(".gutter").textContent.split("\\n")[0])`);
  const lines = (await held()).split("\n");
  assert.deepEqual(lines, text.split("\n").slice(first - 1, first - 1 + lines.length));
  // The caret at the end of a `metadata:` line in view, then real keys: the YAML breaks there.
  const at = lines.findIndex((line, i) => i > 40 && line.startsWith("metadata:"));
  const caret = lines.slice(0, at + 1).join("\n").length - 1;
  await browser.run(`const area = document.querySelector('[data-testid="yaml-input"]'); area.focus(); area.setSelectionRange(arguments[0], arguments[0]);`, caret);
  await browser.keys(": x");
  await browser.click('[data-testid="apply"]');
  const error = await browser.until(`return document.querySelector('[data-testid="error"]')?.textContent`, 30_000);
  assert.match(error, new RegExp(`^Line ${first + at}, column`));
  await setEditor("");
  assert.equal(await held(), "", "Ctrl+A and a paste replace all of it");
});

test("Firefox: the lab runs its trials in the worker and draws its chart; Compare draws both runs", async () => {
  await browser.goto("about:blank");
  await browser.goto(`${server.url}lab.html#range=30000-30127&dynamic=0..128:8&trials=400&seed=1`);
  const reading = await browser.until(`return document.querySelector('[data-testid="lab-reading"]')?.textContent`, 30_000);
  assert.match(reading, /^With the split, 30000 is never taken until 120 dynamic Services exist; without it, /);
  assert.equal(await browser.run(`return document.querySelectorAll('[data-testid="lab-chart"] circle').length`), 34);
  // Compare of the KEP's story: MinIO's fixed port is free with the split, taken without it.
  const history = "apiVersion: portband/v1\nkind: Scenario\nrange: 30000-30127\nseed: 1\nsteps:\n" +
    "- apply: {apiVersion: v1, kind: Service, metadata: {name: app}, spec: {type: NodePort, ports: [{port: 80}]}}\n  repeat: 100\n" +
    "- apply: {apiVersion: v1, kind: Service, metadata: {name: minio}, spec: {type: NodePort, ports: [{port: 9000, nodePort: 30009}]}}\n";
  const code = deflateRawSync(history).toString("base64url");
  await browser.goto("about:blank");
  await browser.goto(`${server.url}lab.html#compare&s=${code}`);
  const summary = await browser.until(`return document.querySelector('[data-testid="compare-summary"]')?.textContent`, 30_000);
  assert.equal(summary, "The history's 101 steps, with the band split and without the band split: one outcome differs.");
  assert.equal(await browser.run(`return [...document.querySelectorAll(".still-grid")].filter((c) => c.width > 100).length`), 2);
  assert.equal(await browser.run(`return document.querySelectorAll('[data-testid="panic"]').length`), 0);
});
