// End-to-end tests of the lab page (lab.html) in headless Chromium: parameters from the address,
// the trials in the worker with progress and Cancel, the chart and the sentence that reads it,
// the exports (the CSV with the CLI's rows and values), and errors that point at their field.
import { test, before, after, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { serve, launch, DIST } from "./harness.mjs";

const cli = new URL("../../target/debug/portband", import.meta.url).pathname;
let server, browser, page;

before(async () => {
  server = await serve(DIST);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});
beforeEach(async () => {
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on("pageerror", (e) => { throw e; });
});
afterEach(async () => {
  assert.equal(await page.getByTestId("panic").count(), 0, "the page must never panic");
  await page.close();
});

/** Opens the lab with `fragment` and waits for its first run's chart. */
async function openLab(fragment = "") {
  await page.goto(`${server.url}lab.html${fragment ? "#" + fragment : ""}`);
  await page.getByTestId("lab-chart").waitFor();
}

/**
 * Applies the app's editor, runs `check` on the app's page once its log has the `steps` steps,
 * and opens ClusterIPs once the link holds them.
 */
async function openAddresses(steps, check = async () => {}) {
  const before = await page.getByTestId("to-addresses").evaluate((a) => a.href);
  await page.getByTestId("apply").click();
  await page.locator(`[data-testid="outcomes"][data-count="${steps}"]`).waitFor();
  await check();
  await page.waitForFunction((before) => {
    const href = document.querySelector('[data-testid="to-addresses"]')?.href;
    return href && href !== before;
  }, before);
  await page.getByTestId("to-addresses").click();
}

/** Runs the lab as its fields stand and waits until the run has ended. */
async function run() {
  await page.getByTestId("lab-run").click();
  await page.waitForFunction(() => !document.querySelector('[data-testid="lab-cancel"]'));
}

/** The text of the file the button `testid` offers. */
async function exported(testid) {
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId(testid).click()]);
  return { name: download.suggestedFilename(), text: readFileSync(await download.path(), "utf8") };
}

const small = "range=30000-30127&dynamic=0..128:8&trials=400&seed=1";

test("a lab link runs its parameters: the chart, its sentence, and the CLI's CSV", async () => {
  await openLab(small);
  // The fields show the link's parameters.
  assert.equal(await page.getByTestId("lab-range").inputValue(), "30000-30127");
  assert.equal(await page.getByTestId("lab-dynamic").inputValue(), "0..128:8");
  // 128 ports: a static band of 16 and a dynamic band of 112. With the split, 30000 is safe
  // while K ≤ 112, and taken with P = (K − 112)/16 beyond.
  assert.match(await page.getByTestId("lab-reading").textContent(),
    /^With the split, 30000 is never taken until 120 dynamic Services exist; without it, \d+\.\d % of trials conflict at 112, when the split's dynamic band is full\.$/);
  const chart = page.getByTestId("lab-chart");
  assert.equal(await chart.locator("g[data-series]").count(), 2);
  assert.equal(await chart.locator('polyline[data-exact="true"]').count(), 2, "each mode's exact value, dashed");
  assert.equal(await chart.locator("g[data-boundary='112']").count(), 1, "the band boundary D");
  assert.equal(await chart.locator("circle").count(), 2 * 17, "a dot per point and mode");
  const csv = await exported("lab-csv");
  assert.equal(csv.name, "portband-lab.csv");
  const expected = spawnSync(cli, ["simulate", "--range", "30000-30127", "--dynamic", "0..128:8", "--trials", "400", "--seed", "1", "--format", "csv"], { encoding: "utf8" });
  assert.equal(expected.status, 0, expected.stderr);
  // The same rows and values as the CLI's (which writes 0.0 where the page writes 0).
  const rows = (text) => text.trimEnd().split("\n").map((line) => line.split(",").map((f) => (f === "" || isNaN(f) ? f : Number(f))));
  assert.deepEqual(rows(csv.text), rows(expected.stdout));
  assert.equal(rows(csv.text).length, 1 + 2 * 17);
  const svg = await exported("lab-svg");
  assert.equal(svg.name, "portband-lab.svg");
  assert.match(svg.text, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg.text, /D = 112: the dynamic band is full/);
});

test("the lab's parameters go into its address, and a link the lab cannot read says why", async () => {
  await openLab(small);
  await page.getByTestId("lab-second-port").fill("30100");
  await page.getByTestId("lab-order").selectOption("random");
  await page.getByTestId("lab-dynamic").fill("0..128:32");
  await run();
  const hash = await page.evaluate(() => location.hash);
  assert.equal(hash, "#range=30000-30127&dynamic=0..128:32&second=30100&order=random&trials=400&seed=1");
  assert.match(await page.getByTestId("lab-reading").textContent(), /^With the split, 30000 and 30100 are /);
  // No exact value is known for two ports in a random order.
  assert.equal(await page.getByTestId("lab-chart").locator('polyline[data-exact="true"]').count(), 0);
  await page.reload();
  await page.getByTestId("lab-chart").waitFor();
  assert.equal(await page.getByTestId("lab-second-port").inputValue(), "30100");
  assert.equal(await page.getByTestId("lab-order").inputValue(), "random");

  // (A new document: a change of fragment alone would not reload the page.)
  await page.goto("about:blank");
  await page.goto(`${server.url}lab.html#trials=10&colour=red`);
  await page.getByTestId("lab-chart").waitFor();
  assert.equal(await page.getByTestId("error").textContent(),
    "This link's lab parameters could not be read (it has colour, which the lab does not know); the defaults are shown.");
  assert.equal(await page.getByTestId("lab-trials").inputValue(), "10000");
});

test("errors point at their field: a number that is not one, and the engine's own checks", async () => {
  await openLab(small);
  const reading = await page.getByTestId("lab-reading").textContent();
  await page.getByTestId("lab-trials").fill("4OO");
  await page.getByTestId("lab-trials").press("Enter");
  assert.equal(await page.getByTestId("error").textContent(), "Trials: expected a whole number, not \"4OO\"");
  assert.equal(await page.getByTestId("lab-trials").getAttribute("aria-invalid"), "true");
  await page.getByTestId("lab-trials").fill("400");
  await page.getByTestId("lab-range").fill("30000-");
  await page.getByTestId("lab-range").press("Enter");
  assert.equal(await page.getByTestId("error").textContent(), "Range: strconv.Atoi: parsing \"\": invalid syntax");
  assert.equal(await page.getByTestId("lab-range").getAttribute("aria-invalid"), "true");
  await page.getByTestId("lab-range").fill("30000-30127");
  await page.getByTestId("lab-port").fill("40000");
  await run();
  assert.match(await page.getByTestId("error").textContent(), /40000/);
  assert.equal(await page.getByTestId("lab-reading").textContent(), reading, "the last chart stays");
  await page.getByTestId("lab-port").fill("");
  await page.getByTestId("lab-dynamic").fill("0..500");
  await run();
  assert.match(await page.getByTestId("error").textContent(), /500/);
  await page.getByTestId("lab-dynamic").fill("");
  await page.getByTestId("lab-seed").fill(String(2n ** 60n));
  await run();
  assert.match(await page.getByTestId("error").textContent(), /^error: invalid seed: a seed is a whole number from 0 to 9007199254740991$/);
  await page.getByTestId("lab-seed").fill("1");
  await run();
  assert.equal(await page.getByTestId("error").count(), 0);
});

test("a long run shows its progress, the page answers while it runs, and Cancel (or Escape) stops it", async () => {
  await openLab();
  assert.match(await page.getByTestId("lab-reading").textContent(), /^With the split, 30000 is never taken until 2,683 dynamic Services exist; without it, 9\d\.\d % of trials conflict at 2,682, when the split's dynamic band is full\.$/);
  const before = await page.getByTestId("lab-reading").textContent();
  await page.getByTestId("lab-trials").fill("2000000");
  await page.getByTestId("lab-run").click();
  await page.waitForFunction(() => /^ [\d,]+ of 4,000,000 trials( · about \d+ (s|min) left)?$/.test(document.querySelector('[data-testid="lab-progress"]')?.textContent ?? ""));
  // The page answers input while the worker runs trials.
  await page.getByTestId("lab-seed").fill("42");
  assert.equal(await page.getByTestId("lab-seed").inputValue(), "42");
  await page.getByTestId("lab-cancel").click();
  await page.waitForFunction(() => document.querySelector('[data-testid="lab-progress"]')?.textContent.startsWith("Cancelled after "));
  assert.equal(await page.getByTestId("lab-reading").textContent(), before, "the last finished run's chart stays");
  assert.equal(await page.getByTestId("lab-run").isEnabled(), true);
  // Escape stops a run too.
  await page.getByTestId("lab-run").click();
  await page.getByTestId("lab-cancel").waitFor();
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => document.querySelector('[data-testid="lab-progress"]')?.textContent.startsWith("Cancelled after "));
});

test("the app links to the lab", async () => {
  await page.goto(server.url);
  await page.getByTestId("to-lab").click();
  await page.getByTestId("lab-chart").waitFor();
  assert.ok(page.url().endsWith("/lab.html"));
});

test("Compare: the app's history with and without the band split, the outcome that differs listed and marked", async () => {
  await page.goto(server.url);
  await page.locator('[data-testid="lessons"] summary').click();
  await page.getByRole("button", { name: "KEP-3668: a fixed port taken first", exact: true }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="outcomes"]')?.dataset.count === "101");
  // The address holds the history once it is packed; Compare takes it from there.
  await page.getByTestId("to-compare").waitFor();
  await page.getByTestId("to-compare").click();
  await page.getByTestId("compare-summary").waitFor();
  assert.equal(await page.getByTestId("compare-summary").textContent(),
    "The history's 101 steps, with the band split and without the band split: one outcome differs.");
  assert.deepEqual(await page.getByTestId("difference").allTextContents(), [
    "Step 101 · storage/miniowith the band split: created (30009)without the band split: refused: Service \"minio\" is invalid: spec.ports[0].nodePort: Invalid value: 30009: provided port is already allocated (30009 is held by apps/app-62)",
  ]);
  // Both grids are drawn (128 ports each), titled by their settings.
  assert.match(await page.getByTestId("compare-here").locator("h2").textContent(), /^with the band split: range 30000-30127, seed 1, Kubernetes 1\.\d+$/);
  assert.match(await page.getByTestId("compare-there").locator("h2").textContent(), /^without the band split: range 30000-30127/);
  for (const testid of ["compare-here", "compare-there"]) {
    const canvas = page.getByTestId(testid).locator("canvas");
    assert.match(await canvas.getAttribute("aria-label"), / 101 of 128 ports held;| 100 of 128 ports held;/);
    const painted = await canvas.evaluate((c) => {
      const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
      let coloured = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] !== data[i + 1] || data[i + 1] !== data[i + 2]) coloured++;
      return c.width > 100 && coloured > 1000;
    });
    assert.ok(painted, `${testid}: the grid is drawn`);
  }
  // The scrubber moves both grids: before the first step, nothing is held; a difference's step
  // shows both after it.
  const held = (testid) => page.getByTestId(testid).locator("canvas").getAttribute("aria-label");
  await page.getByTestId("compare-scrubber").fill("0");
  await page.getByTestId("compare-position").filter({ hasText: /^After step 0 of 101$/ }).waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="compare-there"] canvas').getAttribute("aria-label").includes(" 0 of 128 ports held"));
  assert.match(await held("compare-here"), / 0 of 128 ports held;/);
  await page.getByTestId("difference").getByRole("button").click();
  await page.getByTestId("compare-position").filter({ hasText: /^After step 101 of 101$/ }).waitFor();
  await page.getByTestId("to-simulate").click();
  await page.getByTestId("lab-chart").waitFor();
});

test("Compare without a history, or with one that cannot be read, says why; a history where nothing differs says so", async () => {
  await page.goto(`${server.url}lab.html#compare`);
  assert.match(await page.getByTestId("error").textContent(), /^This address names no history to compare: open Compare from the app/);
  await page.goto("about:blank");
  await page.goto(`${server.url}lab.html#compare&s=not-a-history`);
  assert.equal(await page.getByTestId("error").textContent(), "This link's history could not be read (it is not base64url text).");
  await page.goto("about:blank");
  await page.goto(`${server.url}lab.html#compare&s=AAAA`);
  assert.match(await page.getByTestId("error").textContent(), /^This link's history could not be read \(it is not compressed portband state/);
  // One Service with a dynamic port: its nodePort differs, its outcome does not.
  await page.goto(server.url);
  await page.getByTestId("apply").waitFor();
  await page.getByTestId("yaml-input").fill("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: NodePort, ports: [{port: 80}]}\n");
  await page.getByTestId("apply").click();
  await page.getByTestId("to-compare").waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="to-compare"]').href.includes("s="));
  await page.getByTestId("to-compare").click();
  await page.getByTestId("compare-summary").waitFor();
  assert.match(await page.getByTestId("compare-summary").textContent(), /: no outcome differs \(dynamic nodePorts land in other places, but every Service gets the same answer\)\.$/);
  assert.equal(await page.getByTestId("difference").count(), 0);
});

test("ClusterIPs: the app's history's service CIDR, an address a pixel, described on hover and by keyboard, zoomed in and out", async () => {
  await page.goto(server.url);
  await page.getByTestId("apply").waitFor();
  await page.getByTestId("yaml-input").fill(
    "apiVersion: v1\nkind: Service\nmetadata: {name: kube-dns, namespace: kube-system}\nspec: {clusterIP: 10.96.0.10, ports: [{port: 53, protocol: UDP}]}\n" +
    "---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: NodePort, ports: [{port: 80}]}\n");
  // The app's log says each step's cluster IPs with their bands.
  await openAddresses(2, async () => {
    assert.match(await page.locator('[data-testid="outcome"][data-service="kube-system/kube-dns"] .ports').textContent(),
      /^53\/UDP → no nodePort · clusterIP 10\.96\.0\.10 \(static\)$/);
    assert.match(await page.locator('[data-testid="outcome"][data-service="default/web"] .ports').textContent(),
      / · clusterIP 10\.(9[6-9]|10\d|11[01])\.\d+\.\d+ \(dynamic\)$/);
  });
  const grid = page.getByTestId("address-grid");
  await grid.waitFor();
  // 10.96.0.0/12: 1,048,574 usable addresses, a pixel each.
  assert.equal(await grid.getAttribute("data-cells"), "1048574");
  assert.equal(await page.getByTestId("addresses-window").textContent(),
    "Showing 10.96.0.1–10.111.255.254 (1,048,574 addresses, 3 taken), one address a cell");
  assert.equal(await page.getByTestId("addresses-position").textContent(), "After step 2 of 2");
  // Each address in its Service's colour, in list order: default/kubernetes orange (its
  // 10.96.0.1 under the fence line, which runs along the static band's only row), default/web's
  // dynamic address sky blue.
  const [first, blue] = await grid.evaluate((c) => {
    const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
    let blue = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] === 0x56 && data[i + 1] === 0xb4 && data[i + 2] === 0xe9) blue++;
    return [[...data.slice(0, 3)], blue];
  });
  assert.ok(first[0] > first[1] && first[1] > first[2] && first[0] - first[2] > 80, `10.96.0.1: ${first}`);
  assert.equal(blue, 1, "web's one address");
  // Hovering the first pixel tells its address, band, holder and why.
  const box = await grid.boundingBox();
  // Just inside the canvas's 1 px border.
  await page.mouse.move(box.x + 1.3, box.y + 1.3);
  const info = page.getByTestId("address-info");
  await page.waitForFunction(() => document.querySelector('[data-testid="address-info"]').textContent.startsWith("10.96.0.1 "));
  assert.equal(await info.textContent(),
    "10.96.0.1 · static band · held by default/kubernetes. Why this address? kube-apiserver's own Service, which takes the range's second address at start-up.");
  // Zoom in on it: 65,535 addresses, then with the keyboard 4,095 and 256, then out again.
  await page.mouse.click(box.x + 1.3, box.y + 1.3);
  await page.getByTestId("addresses-window").filter({ hasText: /^Showing 10\.96\.0\.1–10\.96\.255\.255 \(65,535 addresses, 2 taken\)/ }).waitFor();
  await grid.focus();
  await page.keyboard.press("Enter");
  await page.getByTestId("addresses-window").filter({ hasText: /\(4,095 addresses, 2 taken\)/ }).waitFor();
  await grid.focus();
  await page.keyboard.press("Enter");
  await page.getByTestId("addresses-window").filter({ hasText: /^Showing 10\.96\.0\.1–10\.96\.1\.0 \(256 addresses, 2 taken\), one address a cell$/ }).waitFor();
  // Cells large enough to read: the arrow keys move to 10.96.0.10, kube-dns's, written.
  await grid.focus();
  for (let i = 0; i < 10; i++) await page.keyboard.press("ArrowRight");
  await page.waitForFunction(() => document.querySelector('[data-testid="address-info"]').textContent.startsWith("10.96.0.10 "));
  assert.match(await info.textContent(), /^10\.96\.0\.10 · static band · held by kube-system\/kube-dns\. Why this address\? written in the manifest \(clusterIP\), in the static band/);
  // Out: sixteen times as many addresses around the same place.
  await page.keyboard.press("Escape");
  await page.getByTestId("addresses-window").filter({ hasText: /^Showing 10\.96\.0\.1–10\.96\.16\.0 \(4,096 addresses, 2 taken\)/ }).waitFor();
  await page.getByTestId("zoom-whole").click();
  await page.getByTestId("addresses-window").filter({ hasText: /\(1,048,574 addresses, 3 taken\)/ }).waitFor();
  // At the whole range, and at the last step, the buttons that would go further are off, and look it.
  const looks = (locator) => locator.evaluate((b) => [b.disabled, getComputedStyle(b).opacity]);
  assert.deepEqual(await looks(page.getByTestId("zoom-whole")), [true, "0.45"]);
  assert.deepEqual(await looks(page.getByTestId("zoom-out")), [true, "0.45"]);
  assert.deepEqual(await looks(page.getByRole("button", { name: "One step forward" })), [true, "0.45"]);
  assert.deepEqual(await looks(page.getByRole("button", { name: "One step back" })), [false, "1"]);
  // The step back: before web, two addresses taken; and back to the app's grid.
  await page.getByRole("button", { name: "One step back" }).click();
  await page.getByTestId("addresses-window").filter({ hasText: /\(1,048,574 addresses, 2 taken\)/ }).waitFor();
  await page.getByTestId("to-ports").click();
  await page.getByTestId("port-grid").waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="outcomes"]')?.dataset.count === "2");
  // The app's link carries the step it shows: one back, and ClusterIPs opens after step 1.
  await page.getByTestId("step-back").click();
  await page.getByTestId("step-position").filter({ hasText: /^Step 1 of 2$/ }).waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid="to-addresses"]')?.href.includes("at=1"));
  await page.getByTestId("to-addresses").click();
  await page.getByTestId("addresses-position").filter({ hasText: /^After step 1 of 2$/ }).waitFor();
});

test("ClusterIPs without a history says why", async () => {
  await page.goto(`${server.url}lab.html#addresses`);
  assert.match(await page.getByTestId("error").textContent(), /^This address names no history: open ClusterIPs from the app/);
});

test("ClusterIPs of a dual-stack cluster: a button for each CIDR, and an IPv6 /64 drawn as the IPAddress allocator sees it", async () => {
  await page.goto(server.url);
  await page.getByTestId("apply").waitFor();
  await page.getByTestId("yaml-input").fill(
    "apiVersion: portband/v1\nkind: Scenario\nkubernetesVersion: \"1.35\"\nserviceClusterIPRange: 10.96.0.0/16,fd00::/64\nsteps:\n" +
    "- apply: {apiVersion: v1, kind: Service, metadata: {name: web}, spec: {ipFamilyPolicy: RequireDualStack, selector: {app: web}, ports: [{port: 80}]}}\n");
  await openAddresses(1);
  await page.getByTestId("address-grid").waitFor();
  assert.deepEqual(await page.getByTestId("cidr").allTextContents(), ["10.96.0.0/16", "fd00::/64"]);
  assert.equal(await page.getByTestId("addresses-window").textContent(),
    "Showing 10.96.0.1–10.96.255.254 (65,534 addresses, 2 taken), one address a cell");
  await page.getByTestId("cidr").nth(1).click();
  // 2^64 − 1 addresses, in 2^20 cells of 2^44 each.
  await page.getByTestId("addresses-window").filter({ hasText: /^Showing fd00::1–fd00::ffff:ffff:ffff:ffff \(18,446,744,073,709,551,615 addresses, 1 taken\), 17,592,186,044,416 addresses a cell$/ }).waitFor();
  assert.equal(await page.getByTestId("address-grid").getAttribute("data-cells"), "1048576");
  assert.equal(await page.getByTestId("cidr").nth(1).getAttribute("aria-pressed"), "true");
  // A zoom in keeps inside the range.
  await page.getByTestId("address-grid").focus();
  await page.keyboard.press("Enter");
  await page.getByTestId("addresses-window").filter({ hasText: /\(1,152,921,504,606,846,975 addresses/ }).waitFor();
});
