// Measures the web app and the lab in headless Chromium (figures for the README) and saves the
// screenshots docs/screenshot.png, docs/embed.png, docs/phone.png, docs/lab.png and docs/addresses.png. Run by scripts/web-measure after a release build; not a test.
import { serve, launch, paste, gzippedCode, manyServices, DIST } from "./tests/harness.mjs";

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (ms) => `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
const server = await serve(DIST);
const browser = await launch();
const results = [];

// Bundle: the app's wasm and JS (the glue and its snippets), gzipped.
const kB = (bytes) => `${(bytes / 1000).toFixed(2)} kB (${(bytes / 1024).toFixed(1)} KiB)`;
results.push(["wasm + JS, gzipped", "< 200 KB (the stage's cap)", kB(gzippedCode(DIST, ["js/", "lab/"]))]);
results.push(["the lab page's wasm + JS, gzipped", "–", kB(gzippedCode(`${DIST}lab/`))]);

// First paint: from navigation start until the app's first frame is painted (the page itself shows
// nothing before the app renders).
const paints = [];
for (let i = 0; i < 7; i++) {
  const page = await browser.newPage();
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.querySelector('[data-testid="port-grid"]')) {
        observer.disconnect();
        requestAnimationFrame(() => setTimeout(() => (window.firstPaint = performance.now()), 0));
      }
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto(server.url);
  await page.waitForFunction(() => window.firstPaint !== undefined);
  paints.push(await page.evaluate(() => window.firstPaint));
  await page.close();
}
results.push(["first paint from a local server", "< 1 s", fmt(median(paints))]);

const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
await page.goto(server.url);
await page.getByTestId("apply").waitFor();

// Apply of a 500-Service manifest, to the painted result.
const manifest = Array.from({ length: 500 }, (_, i) =>
  `apiVersion: v1\nkind: Service\nmetadata: {name: svc-${i}, namespace: team-${i % 7}}\nspec:\n  type: NodePort\n  selector: {app: svc-${i}}\n  ports:\n  - {name: http, port: 80, targetPort: 8080}\n`,
).join("---\n");
const applies = [];
for (let i = 0; i < 7; i++) {
  await page.getByTestId("reset").click();
  await paste(page, manifest);
  applies.push(
    await page.evaluate(async () => {
      const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
      const button = document.querySelector('[data-testid="apply"]');
      const start = performance.now();
      button.click();
      // The steps in the log, and the engine's description of the moment after them (the grid).
      const busy = () => document.documentElement.dataset.engine === "busy";
      while (document.querySelector('[data-testid="outcomes"]').dataset.count !== "500" || busy()) await frame();
      // Until that frame is painted: a task queued from requestAnimationFrame runs after the paint.
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      return performance.now() - start;
    }),
  );
}
results.push(["Apply of a 500-Service manifest to the painted result", "< 50 ms", fmt(median(applies))]);

// A full redraw of the 0-65535 grid, with 5,000 Services in it: move the focus cell, which redraws.
await page.getByTestId("reset").click();
await page.getByTestId("range-input").fill("0-65535");
await page.getByTestId("range-input").press("Enter");
await page.getByTestId("add-count").fill("5000");
await page.getByTestId("add-count").press("Tab");
await page.getByTestId("add-services").click();
await page.getByTestId("port-grid").focus();
const draws = [];
for (let i = 0; i < 60; i++) {
  await page.getByTestId("port-grid").press("ArrowRight");
  draws.push(await page.evaluate(() => performance.getEntriesByName("portband:grid-draw").at(-1).duration));
}
results.push(["full redraw of the 0-65535 grid (65,536 cells, 5,000 Services)", "< 4 ms", fmt(median(draws))]);

// A full redraw of the ClusterIP grid of the same history (lab.html#addresses): 10.96.0.0/12's
// 1,048,574 addresses, a pixel each, 5,001 of them held (those Services and the kubernetes
// Service). Moving the focus cell redraws it.
await page.waitForFunction(() => document.querySelector('[data-testid="to-addresses"]')?.href.includes("s="));
const addresses = await browser.newPage({ viewport: { width: 1440, height: 900 } });
await addresses.goto(await page.getByTestId("to-addresses").evaluate((a) => a.href));
await addresses.getByTestId("address-grid").waitFor();
await addresses.getByTestId("address-grid").focus();
const addressDraws = [];
for (let i = 0; i < 30; i++) {
  await addresses.getByTestId("address-grid").press("ArrowRight");
  await addresses.waitForFunction((n) => performance.getEntriesByName("portband:address-grid-draw").length > 0 && document.querySelector('[data-testid="address-info"]').textContent.startsWith("10.96.0." + n + " "), i + 1);
  addressDraws.push(await addresses.evaluate(() => performance.getEntriesByName("portband:address-grid-draw").at(-1).duration));
}
results.push(["full redraw of the ClusterIP grid of 10.96.0.0/12 (1,048,574 addresses, a pixel each; 5,001 held)", "< 16 ms", fmt(median(addressDraws))]);
await addresses.close();

// The largest history "Add Services" makes: the whole 0-65535 range, then one step back (a replay of
// 65,535 steps).
await page.getByTestId("reset").click();
await page.getByTestId("add-count").fill("65536");
await page.getByTestId("add-count").press("Tab");
const filled = await page.evaluate(async () => {
  const start = performance.now();
  document.querySelector('[data-testid="add-services"]').click();
  // The position, and the engine's answer for the moment shown (its grid).
  const busy = () => document.documentElement.dataset.engine === "busy";
  while (!/Step 65536 of 65536/.test(document.querySelector('[data-testid="step-position"]').textContent) || busy())
    await new Promise((r) => requestAnimationFrame(r));
  const added = performance.now() - start;
  document.querySelector('[data-testid="step-back"]').click();
  while (!/Step 65535 of 65536$/.test(document.querySelector('[data-testid="step-position"]').textContent) || busy())
    await new Promise((r) => requestAnimationFrame(r));
  return [added, performance.now() - start - added];
});
results.push(["add 65,536 Services to 0-65535, to the painted result", "–", fmt(filled[0])]);
results.push(["then one step back (65,535 steps to replay)", "< 300 ms", fmt(filled[1])]);

// Scrolling a 100,000-step log (34,464 more Services, refused: the range is full): per frame, from
// the scroll event to the laid-out list with its new rows.
await paste(page, "apiVersion: portband/v1\nkind: Scenario\nsteps:\n- apply: {apiVersion: v1, kind: Service, metadata: {name: extra}, spec: {type: NodePort, ports: [{port: 80}]}}\n  repeat: 34464\n");
await page.getByTestId("apply").click();
await page.waitForFunction(() => document.querySelector('[data-testid="outcomes"]').dataset.count === "100000");
const frames = await page.evaluate(async () => {
  const list = document.querySelector('[data-testid="outcomes"]');
  const box = list.parentElement;
  const frame = () => new Promise((r) => requestAnimationFrame(r));
  let scrolled = 0;
  addEventListener("scroll", () => (scrolled = performance.now()), { capture: true });
  const times = [];
  await frame();
  for (let i = 0; i < 120; i++) {
    box.scrollTop = ((i * 7919) % 100) * (box.scrollHeight / 100);
    // The scroll event and the render it causes run before this frame's callbacks; then the
    // layout, forced here.
    await frame();
    void list.offsetHeight;
    times.push(performance.now() - scrolled);
  }
  return times;
});
results.push(["scrolling a 100,000-step log: work per frame (median / worst of 120 jumps)", "< 16 ms", `${fmt(median(frames))} / ${fmt(Math.max(...frames))}`]);

// A 5 MB paste (41,760 Services): typing in it, from the key to the painted frame; then its
// Apply, from the click to the painted result, and the longest the page was busy in between.
const big = await browser.newPage({ viewport: { width: 1440, height: 900 } });
await big.goto(server.url);
await big.getByTestId("apply").waitFor();
const docs = manyServices(5_000_000);
// Typed into a comment on the first line, so that the text still applies.
await paste(big, "# notes: \n" + docs.join("---\n"));
await big.waitForTimeout(1500);
await big.getByTestId("yaml-input").evaluate((area) => area.setSelectionRange(9, 9));
await big.evaluate(() => {
  window.keyTimes = [];
  addEventListener("keydown", () => (window.keyStart = performance.now()), { capture: true });
  addEventListener("input", () => requestAnimationFrame(() => setTimeout(() => window.keyTimes.push(performance.now() - window.keyStart), 0)));
});
for (let i = 0; i < 30; i++) {
  await big.keyboard.press("x");
  await big.waitForFunction((n) => window.keyTimes.length === n, i + 1);
}
const keys = await big.evaluate(() => window.keyTimes);
results.push(["typing in a 5 MB text: key to painted frame (median / worst of 30)", "< 50 ms", `${fmt(median(keys))} / ${fmt(Math.max(...keys))}`]);
const bigApply = await big.evaluate(async (count) => {
  let longest = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longest = Math.max(longest, entry.duration);
  }).observe({ type: "longtask" });
  const start = performance.now();
  document.querySelector('[data-testid="apply"]').click();
  const done = `Step ${count} of ${count} (now)`;
  while (document.querySelector('[data-testid="step-position"]').textContent !== done || document.documentElement.dataset.engine === "busy") {
    await new Promise((r) => requestAnimationFrame(r));
  }
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  return [performance.now() - start, longest];
}, docs.length);
results.push(["Apply of that 5 MB text to the painted result / the longest the page is busy", "progress shown", `${fmt(bigApply[0])} / ${fmt(bigApply[1])}`]);
await big.close();

// The lab: the default sweep (2,769 points of 30000-32767, 10,000 trials, both modes) from Run to
// the chart painted (best and median of 5 runs, each with its own seed); then typing in a field
// while a long run (100,000 trials) goes on, from the key to the painted frame.
const lab = await browser.newPage({ viewport: { width: 1440, height: 900 } });
await lab.goto(server.url + "lab.html");
await lab.getByTestId("lab-chart").waitFor();
const sweeps = [];
for (let seed = 1; seed <= 5; seed++) {
  await lab.getByTestId("lab-seed").fill(String(seed));
  sweeps.push(await lab.evaluate(async (seed) => {
    const start = performance.now();
    document.querySelector('[data-testid="lab-run"]').click();
    await new Promise((resolve) => {
      const look = () => document.querySelector(".lab-exports .hint")?.textContent.endsWith(`seed ${seed}`)
        ? requestAnimationFrame(() => setTimeout(resolve, 0)) : requestAnimationFrame(look);
      look();
    });
    return performance.now() - start;
  }, seed));
}
results.push(["lab: the default sweep, both modes, 10,000 trials, Run to the painted chart (best / median of 5)", "< 1 s", `${fmt(Math.min(...sweeps))} / ${fmt(median(sweeps))}`]);
await lab.getByTestId("lab-trials").fill("100000");
await lab.getByTestId("lab-run").click();
await lab.getByTestId("lab-progress").waitFor();
await lab.evaluate(() => {
  window.keyTimes = [];
  addEventListener("keydown", () => (window.keyStart = performance.now()), { capture: true });
  addEventListener("input", () => requestAnimationFrame(() => setTimeout(() => window.keyTimes.push(performance.now() - window.keyStart), 0)));
});
await lab.getByTestId("lab-second-port").focus();
for (let i = 0; i < 20; i++) {
  await lab.keyboard.press(String(i % 10));
  await lab.waitForFunction((n) => window.keyTimes.length === n, i + 1);
}
const labKeys = await lab.evaluate(() => window.keyTimes);
const stillRunning = await lab.getByTestId("lab-cancel").isVisible();
results.push(["lab: typing while the trials run, key to painted frame (median / worst of 20)", "< 50 ms", `${fmt(median(labKeys))} / ${fmt(Math.max(...labKeys))}${stillRunning ? "" : " (the run ended first)"}`]);
await lab.getByTestId("lab-cancel").click();
await lab.close();

// The lab's chart for the README: the default sweep.
const chart = await browser.newPage({ viewport: { width: 1100, height: 760 } });
await chart.goto(server.url + "lab.html");
await chart.getByTestId("lab-chart").waitFor();
await chart.screenshot({ path: new URL("../docs/lab.png", import.meta.url).pathname });
await chart.close();

// The screenshot for the README: the KEP-3668 story in a fresh page, MinIO selected.
const shot = await browser.newPage({ viewport: { width: 1440, height: 900 } });
await shot.goto(server.url);
await shot.locator('[data-testid="lessons"] summary').click();
await shot.getByRole("button", { name: "KEP-3668: a fixed port taken first", exact: true }).click();
await shot.waitForFunction(() => document.querySelector('[data-testid="outcomes"]')?.dataset.count === "101");
await shot.locator('[data-testid="outcome"] button[data-select="storage/minio"]').click();
await shot.screenshot({ path: new URL("../docs/screenshot.png", import.meta.url).pathname });

// The embed view, as docs/embeds.html frames it at 800×500.
const embed = await browser.newPage({ viewport: { width: 800, height: 500 } });
await embed.goto(server.url + "?embed#preset=kep-3668-story");
await embed.waitForFunction(() => document.querySelector('[data-testid="outcomes"]')?.dataset.count === "101");
await embed.locator('[data-testid="outcome"] button[data-select="storage/minio"]').click();
await embed.screenshot({ path: new URL("../docs/embed.png", import.meta.url).pathname });

// The main view on a phone, 390×844.
const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
await phone.goto(server.url + "#preset=kep-3668-story");
await phone.waitForFunction(() => document.querySelector('[data-testid="outcomes"]')?.dataset.count === "101");
await phone.getByTestId("port-grid").scrollIntoViewIfNeeded();
await phone.screenshot({ path: new URL("../docs/phone.png", import.meta.url).pathname });

// The ClusterIP grid: the lesson on kube-dns's address, zoomed once around the static band.
const ips = await browser.newPage({ viewport: { width: 1000, height: 900 } });
await ips.goto(server.url + "#preset=kube-dns-address");
await ips.waitForFunction(() => document.querySelector('[data-testid="outcomes"]')?.dataset.count === "301");
await ips.waitForFunction(() => document.querySelector('[data-testid="to-addresses"]')?.href.includes("s="));
await ips.goto(await ips.getByTestId("to-addresses").evaluate((a) => a.href));
await ips.getByTestId("address-grid").focus();
for (const key of ["Enter", "Enter", "ArrowRight"]) {
  await ips.keyboard.press(key);
  await ips.waitForTimeout(300);
}
for (let i = 0; i < 9; i++) await ips.keyboard.press("ArrowRight");
await ips.waitForFunction(() => document.querySelector('[data-testid="address-info"]').textContent.startsWith("10.96.0.10 "));
await ips.locator(".addresses").screenshot({ path: new URL("../docs/addresses.png", import.meta.url).pathname });

await browser.close();
await server.close();
console.log("| measured in headless Chromium | target | figure |\n|---|---|---|");
for (const [what, target, value] of results) console.log(`| ${what} | ${target} | ${value} |`);
