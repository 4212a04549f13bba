// Sharing and keeping work, in headless Chromium: links that reproduce a state in a fresh
// browser, saved work that links and reloads never destroy, the embed view, keyboard use.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { settled, serve, launch, paste, readRows, waitForRows, fillStorage, DIST } from "./harness.mjs";

let server, browser;

before(async () => {
  server = await serve(DIST);
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** A fresh browser context (its own storage, like another person's browser) and a page in it. */
async function open(url = server.url, viewport = { width: 1440, height: 900 }, app = true) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
  const page = await context.newPage();
  page.on("pageerror", (e) => {
    throw e;
  });
  await page.goto(url);
  if (app) {
    await page.locator('[data-testid="apply"], [data-testid="embed-apply"]').first().waitFor();
    await settled(page);
  }
  return page;
}

/**
 * A page around portband's frames, as a documentation page would be: `html` served from the app's
 * own origin (the local server, so that Chromium lets the page reach it), with no app in it
 * beforehand. Replacing a loaded app's document instead (setContent) leaves the app running in
 * the window, and it renders itself over the new document.
 */
async function hostPage(html, viewport = { width: 1440, height: 900 }, context = null) {
  context ??= await browser.newContext({ viewport });
  const url = `${server.url}host-page.html`;
  await context.route(url, (route) => route.fulfill({ contentType: "text/html", body: html }));
  const page = await context.newPage();
  page.on("pageerror", (e) => {
    throw e;
  });
  await page.goto(url);
  return page;
}

async function close(page) {
  assert.equal(await page.getByTestId("panic").count(), 0, "the page must never panic");
  await page.context().close();
}

const service = (name, ports = "[{port: 80}]") =>
  `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}}\nspec: {type: NodePort, ports: ${ports}}\n`;

/** Pastes `yaml` into the editor and applies it. */
async function apply(page, yaml) {
  await paste(page, yaml);
  const before = await page.getByTestId("step-position").textContent();
  await page.getByTestId("apply").click();
  await page.waitForFunction((text) => document.querySelector('[data-testid="step-position"]').textContent !== text, before);
  await settled(page);
}

/** Every step of the log (a windowed list, read by scrolling it). */
async function outcomes(page) {
  await settled(page);
  return (await readRows(page, "outcomes")).map((row) => [row.service, row.result, row.nodePorts]);
}

/** Waits until the address holds the current state (it is packed asynchronously). */
async function linkReady(page) {
  await page.waitForFunction(() => {
    const status = document.querySelector('[data-testid="share-status"]').textContent;
    return location.hash.includes("s=") && !status.startsWith("Making");
  });
}

async function copyLink(page) {
  await linkReady(page);
  await page.getByTestId("copy-link").click();
  await page.waitForFunction(() => document.querySelector('[data-testid="share-status"]').textContent.startsWith("Link copied"));
  return page.evaluate(() => navigator.clipboard.readText());
}

test("a copied link restores the same outcomes, dynamic ports and step in a fresh browser", async () => {
  const page = await open();
  await page.getByTestId("seed-input").fill("12345");
  await page.getByTestId("seed-input").press("Enter");
  await apply(page, service("a", "[{port: 80}, {port: 443}]") + "---\n" + service("b", "[{port: 80, nodePort: 30007}]"));
  await page.getByTestId("add-count").fill("40");
  await page.getByTestId("add-count").press("Tab");
  await page.getByTestId("add-services").click();
  await apply(page, service("c", "[{port: 80, nodePort: 30007}]"));
  await page.getByTestId("step-back").click();
  const sent = await outcomes(page);
  assert.equal(sent.length, 43);
  assert.equal(sent.at(-1)[1], "rejected");
  const position = await page.getByTestId("step-position").textContent();
  assert.equal(position, "Step 42 of 43");
  const link = await copyLink(page);
  assert.match(link, /#at=42&s=[A-Za-z0-9_-]+$/);

  const other = await open(link);
  await waitForRows(other, "outcomes", 43);
  assert.deepEqual(await outcomes(other), sent);
  assert.equal(await other.getByTestId("step-position").textContent(), position);
  assert.equal(await other.getByTestId("seed-input").inputValue(), "12345");
  // The receiver's own work was empty, so there is nothing to switch back to.
  assert.equal(await other.getByTestId("before-link").count(), 0);
  await close(other);
  await close(page);
});

test("a link never destroys saved work: switch back restores it", async () => {
  const sender = await open();
  await apply(sender, service("shared"));
  const link = await copyLink(sender);
  await close(sender);

  const page = await open();
  const mine = service("mine") + "# my own text\n";
  await apply(page, mine);
  await linkReady(page);
  await page.goto(link);
  await page.getByTestId("before-link").waitFor();
  assert.deepEqual((await outcomes(page)).map((o) => o[0]), ["default/shared"]);
  // The recipient sees the link's YAML; their own text is kept with their history.
  assert.equal(await page.getByTestId("yaml-input").inputValue(), service("shared"));
  // Reloading keeps the offer, and the link's state.
  await page.reload();
  await settled(page);
  await page.getByTestId("before-link").waitFor();
  assert.deepEqual((await outcomes(page)).map((o) => o[0]), ["default/shared"]);
  await page.getByTestId("switch-back").click();
  await page.waitForFunction(() => document.querySelector('[data-testid="outcome"]')?.dataset.service === "default/mine");
  assert.equal(await page.getByTestId("before-link").count(), 0);
  assert.equal(await page.getByTestId("yaml-input").inputValue(), mine);
  await close(page);
});

test("a link pasted while the page is still writing its own address is not overwritten", async () => {
  const page = await open();
  await apply(page, service("mine"));
  // At once, before the page has settled and packed its state into the address.
  await page.evaluate(() => (location.hash = "#s=garbage!!"));
  await page.getByTestId("error").waitFor();
  await page.waitForTimeout(800);
  assert.equal(await page.evaluate(() => location.hash), "#s=garbage!!");
  await close(page);
});

test("a garbage fragment shows an error, keeps the saved work, and the app keeps working", async () => {
  const page = await open();
  await apply(page, service("kept"));
  await linkReady(page);
  for (const garbage of ["#s=garbage!!", "#s=AAAA", "#at=x&s=" + "A".repeat(5000)]) {
    await page.goto(server.url + garbage);
    await page.reload();
    await settled(page);
    await page.getByTestId("error").waitFor();
    assert.match(await page.getByTestId("error").textContent(), /^This link could not be opened: .+\. Your own work is still here\.$/);
    assert.deepEqual((await outcomes(page)).map((o) => o[0]), ["default/kept"]);
  }
  // A preset name that does not exist says which exist.
  await page.goto(server.url + "#preset=nope");
  await page.reload();
  await settled(page);
  assert.match(await page.getByTestId("error").textContent(), /preset portband does not have: "nope"\. Presets: kep-3668-story,/);
  await apply(page, service("after"));
  assert.deepEqual((await outcomes(page)).map((o) => o[0]), ["default/kept", "default/after"]);
  await close(page);
});

test("a reload keeps the history and the step shown", async () => {
  const page = await open();
  await apply(page, service("one") + "---\n" + service("two") + "---\n" + service("three"));
  await page.getByTestId("step-first").click();
  await page.getByTestId("step-forward").click();
  const before = await outcomes(page);
  await linkReady(page);
  await page.reload();
  await settled(page);
  await page.getByTestId("step-position").waitFor();
  assert.equal(await page.getByTestId("step-position").textContent(), "Step 1 of 3");
  assert.deepEqual(await outcomes(page), before);
  await close(page);
});

test("two tabs keep their own work across reloads; a new tab opens the latest", async () => {
  const first = await open();
  await apply(first, service("first-tab"));
  await linkReady(first);
  const second = await first.context().newPage();
  await second.goto(server.url);
  await second.getByTestId("apply").waitFor();
  await apply(second, service("second-tab"));
  await linkReady(second);
  await first.reload();
  await settled(first);
  await first.getByTestId("outcome").first().waitFor();
  assert.deepEqual((await outcomes(first)).map((o) => o[0]), ["default/first-tab"]);
  const third = await first.context().newPage();
  await third.goto(server.url);
  await third.getByTestId("outcome").first().waitFor();
  assert.deepEqual((await outcomes(third)).map((o) => o[0]), ["default/first-tab", "default/second-tab"]);
  await close(first);
});

test("a long history says so, and Download scenario gives a file that replays it", async () => {
  const page = await open();
  // Names that do not compress: the link grows past what chat tools keep.
  const names = Array.from({ length: 1500 }, (_, i) => `svc-${((i * 2654435761) % 4294967296).toString(36)}-${i}`);
  await apply(page, names.map((n) => service(n)).join("---\n"));
  await linkReady(page);
  assert.match(await page.getByTestId("share-status").textContent(), /^This link is \d+ characters long: .*Download scenario/);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download").click()]);
  assert.equal(download.suggestedFilename(), "portband-scenario.yaml");
  const scenario = await readFile(await download.path(), "utf8");
  assert.match(scenario, /^apiVersion: portband\/v1\nkind: Scenario\nkubernetesVersion: "1.35"\nrange: 30000-32767\nseed: 0\nstaticSubrange: true\nsteps:\n- manifests: \|2\+\n/);
  const sent = await outcomes(page);
  const other = await open();
  await apply(other, scenario);
  await other.getByTestId("step-position").filter({ hasText: "Step 1500 of 1500 (now)" }).waitFor();
  assert.deepEqual(await outcomes(other), sent);
  // The whole history is in the log, first step to last.
  assert.equal(sent.length, 1500);
  assert.equal(sent[0][0], `default/${names[0]}`);
  assert.equal(sent.at(-1)[0], `default/${names.at(-1)}`);
  await close(other);
  await close(page);
});

test("a history over 1 MiB is kept and shared; when storage is full it says so, and nothing stale comes back", async () => {
  const page = await open();
  const note = "x".repeat(240);
  const big = Array.from({ length: 4000 }, (_, i) => service(`big-${i}, annotations: {note: ${note}}`)).join("---\n");
  assert.ok(big.length > 1 << 20);
  await apply(page, big);
  await linkReady(page);
  const link = await copyLink(page);
  const other = await open(link);
  await other.getByTestId("step-position").filter({ hasText: "Step 4000 of 4000 (now)" }).waitFor();
  await close(other);

  // Type the next Services, fill this origin's localStorage to the brim, then apply them.
  await paste(page, service("one-more") + "---\n" + big);
  await page.waitForFunction(() => localStorage.getItem("portband.editor")?.includes("one-more"));
  await fillStorage(page);
  await page.getByTestId("apply").click();
  // Said above the editor, where the user works, not in the share panel's small print.
  const warning = page.getByTestId("not-kept");
  await warning.filter({ hasText: "Your browser's storage is full" }).waitFor();
  assert.match(await warning.textContent(), /the history is not kept if this page is reloaded or closed\. Download scenario keeps it\./);
  await page.reload();
  await settled(page);
  await page.getByTestId("apply").waitFor();
  assert.equal(await page.getByTestId("outcomes").getAttribute("data-count"), "0", "the older history does not come back");
  await page.evaluate(() => localStorage.clear());
  await close(page);
});

test("the embed view fits 800×500 and 400×300, steps, applies, and leaves saved work alone", async () => {
  const main = await open();
  await apply(main, service("mine"));
  await linkReady(main);
  await main.getByTestId("copy-embed").click();
  await main.waitForFunction(() => document.querySelector('[data-testid="share-status"]').textContent.startsWith("Embed code copied"));
  const code = await main.evaluate(() => navigator.clipboard.readText());
  const saved = await main.evaluate(() => localStorage.getItem("portband.history"));
  assert.match(saved, /name: mine/);
  const [iframe, script] = code.split("\n");
  const src = iframe.match(/^<iframe src="([^"]+)" width="800" height="500" .*><\/iframe>$/)[1];
  assert.match(src, /\?embed#s=/);
  assert.equal(script, `<script src="${server.url}js/embed.js" async></script>`);
  // The small size: the same frame at 400×300, in the compact layout.
  await main.getByTestId("copy-embed-small").click();
  await main.waitForFunction(() => document.querySelector('[data-testid="share-status"]').textContent.startsWith("Embed code (400×300) copied"));
  const small = await main.evaluate(() => navigator.clipboard.readText());
  assert.equal(small, code.replace('width="800" height="500"', 'width="400" height="300"').replace("?embed#", "?embed=compact#"));

  // A documentation page with the copied snippet: the frame shows the work and, through
  // embed.js, takes the height of what it shows.
  const doc = await hostPage(`<!doctype html><body style="margin:0">${code}</body>`, undefined, main.context());
  const frame = doc.frameLocator("iframe");
  await frame.getByTestId("outcome").first().waitFor();
  assert.deepEqual(await frame.getByTestId("outcome").evaluateAll((l) => l.map((x) => x.dataset.service)), ["default/mine"]);
  await doc.waitForFunction(() => document.querySelector("iframe").style.height !== "");
  await frame.locator("html.natural").waitFor();

  // In the same browser as the main app, so that its storage is shared.
  const page = await main.context().newPage();
  await page.setViewportSize({ width: 800, height: 500 });
  await page.goto(server.url + "?embed#preset=kep-3668-story");
  await waitForRows(page, "outcomes", 101);
  // A small frame gets the compact layout (the grid first, the step on one line, "Why this
  // port?" a click away), a larger one the standard layout; resizing the frame switches.
  for (const [width, height, shown] of [
    [400, 300, ["port-grid", "embed-step", "step-back", "embed-why"]],
    [800, 500, ["port-grid", "outcomes", "step-back", "embed-apply", "embed-why"]],
  ]) {
    await page.setViewportSize({ width, height });
    await page.waitForFunction((compact) => document.querySelector('[data-testid="embed"]').classList.contains("compact") === compact, width === 400);
    const size = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight]);
    assert.deepEqual(size, [width, height], `nothing spills out of ${width}×${height}`);
    for (const id of shown) {
      const box = await page.getByTestId(id).boundingBox();
      assert.ok(box && box.width > 0 && box.height > 0 && box.x + box.width <= width + 1 && box.y < height, `${id} shows at ${width}×${height}`);
    }
  }
  assert.equal(await page.locator("header").count(), 0, "no page chrome");
  await page.getByTestId("step-first").click();
  assert.equal(await page.getByTestId("step-position").textContent(), "Step 0 of 101");
  await page.getByTestId("embed-apply").click();
  await waitForRows(page, "outcomes", 202);
  // The embed saved nothing: the main app still has its own work.
  assert.equal(await page.evaluate(() => localStorage.getItem("portband.history")), saved);
  assert.equal(await page.getByTestId("panic").count(), 0);
  await close(main);
});

test("keyboard only: tab to the grid, arrows move the announced cell; outcomes are announced", async () => {
  const page = await open();
  await apply(page, service("web", "[{port: 80, nodePort: 30000}]"));
  assert.equal(await page.getByTestId("announcer").textContent(), "Step 1 of 1: default/web created, nodePorts 80/TCP → 30000.");
  const grid = page.getByTestId("port-grid");
  assert.equal(await grid.getAttribute("role"), "grid");
  // The grid's rows and columns hold the range's 2,768 ports, with no empty row.
  const [rows, cols] = [Number(await grid.getAttribute("aria-rowcount")), Number(await grid.getAttribute("aria-colcount"))];
  assert.ok(rows * cols >= 2768 && (rows - 1) * cols < 2768, `${rows} rows of ${cols} hold 2768 ports`);
  // Tab stops until the grid has focus: one tab stop for the whole grid.
  for (let i = 0; i < 40 && !(await grid.evaluate((c) => c === document.activeElement)); i++) await page.keyboard.press("Tab");
  assert.ok(await grid.evaluate((c) => c === document.activeElement), "Tab reaches the grid");
  const cell = () => page.locator("#port-focus");
  assert.equal(await grid.getAttribute("aria-activedescendant"), "port-focus");
  assert.equal(await cell().textContent(), "30000 · static band · default/web 80/TCP · explicit (written in the manifest)");
  await page.keyboard.press("ArrowRight");
  assert.equal(await cell().textContent(), "30001 · static band · free");
  assert.equal(await cell().getAttribute("aria-colindex"), "2");
  await page.keyboard.press("ArrowDown");
  const columns = Number(await grid.getAttribute("aria-colcount"));
  assert.match(await cell().textContent(), new RegExp(`^${30001 + columns} · `));
  assert.equal(await cell().locator("xpath=..").getAttribute("aria-rowindex"), "2");
  assert.equal(await page.getByTestId("cell-info").textContent(), await cell().textContent());
  // Apply from the keyboard, then step back with the arrow keys outside the grid.
  await page.getByTestId("yaml-input").focus();
  await page.keyboard.press("Control+A");
  await page.keyboard.type(service("api"));
  await page.keyboard.press("Control+Enter");
  await page.getByTestId("announcer").filter({ hasText: "Step 2 of 2: default/api created" }).waitFor();
  await page.getByTestId("step-back").focus();
  await page.keyboard.press("Enter");
  await settled(page);
  assert.equal(await page.getByTestId("announcer").textContent(), "Step 1 of 2: default/web created, nodePorts 80/TCP → 30000.");
  await close(page);
});

test("a preset link opens at the step its at= names", async () => {
  const page = await open(server.url + "#preset=dns-tcp-and-udp&at=1");
  await page.getByTestId("step-position").filter({ hasText: /^Step 1 of \d+$/ }).waitFor();
  // The explanation comes with the step's moment, after the position: wait for it, not a render.
  await page.getByTestId("explain").filter({ hasText: /Step 1: kube-system\/coredns — created/ }).waitFor();
  await close(page);
});

test("the documentation page's embeds show their presets, and one follows the page's buttons", async () => {
  const page = await open(server.url + "docs/embeds.html", undefined, false);
  const kep = page.frameLocator('iframe[data-preset="kep-3668-story"]');
  await kep.locator('[data-testid="outcomes"][data-count="101"]').waitFor();
  const last = await kep.getByTestId("outcome").last().evaluate((row) => [row.dataset.service, row.dataset.result, row.dataset.nodePorts]);
  assert.deepEqual(last, ["storage/minio", "created", "30009"]);
  // The 400×300 frame asks for the compact layout: its last step on one line; embed.js gives it
  // the height of what it shows, 400 pixels wide.
  const dns = page.frameLocator('iframe[data-preset="dns-tcp-and-udp"]');
  await dns.getByTestId("embed-step").filter({ hasText: "kube-system/" }).waitFor();
  await dns.locator('html.natural [data-testid="embed"].compact').waitFor();
  const dnsFrame = page.locator('iframe[data-preset="dns-tcp-and-udp"]');
  await page.waitForFunction(() => document.querySelector('iframe[data-preset="dns-tcp-and-udp"]').style.height !== "");
  const frame = await (await dnsFrame.elementHandle()).contentFrame();
  const inside = await frame.evaluate(() => [document.documentElement.scrollWidth, Math.ceil(document.body.getBoundingClientRect().height)]);
  assert.deepEqual(inside, [400, parseInt(await dnsFrame.evaluate((f) => f.style.height))]);
  assert.equal(await dns.getByTestId("panic").count(), 0);
  // The frame the page drives: its buttons show a step, and the page's text follows the frame.
  const driven = page.frameLocator("#driven");
  await driven.locator('[data-testid="outcomes"][data-count="101"]').waitFor();
  await page.getByRole("button", { name: "The first Service" }).click();
  await driven.getByTestId("step-position").filter({ hasText: "Step 1 of 101" }).waitFor();
  await page.locator("#where").filter({ hasText: "Step 1 of 101" }).waitFor();
  await page.getByRole("button", { name: "Apply a pinned port" }).click();
  await page.locator("#where").filter({ hasText: "Step 102 of 102" }).waitFor();
  await close(page);
});

test("embed.js sizes a frame to what it shows, and follows it as it grows", async () => {
  const page = await open(server.url + "docs/embeds.html", { width: 1000, height: 900 }, false);
  const sized = page.locator("#sized");
  const inner = page.frameLocator("#sized");
  await inner.locator('html.natural [data-testid="embed"]:not(.compact)').waitFor();
  await page.waitForFunction(() => document.getElementById("sized").style.height !== "");
  const frame = await (await sized.elementHandle()).contentFrame();
  const fits = async () => {
    const height = parseInt(await sized.evaluate((f) => f.style.height));
    const [content, view, scrolled] = await frame.evaluate(() => [
      Math.ceil(document.body.getBoundingClientRect().height), innerHeight, document.documentElement.scrollHeight,
    ]);
    assert.equal(content, height, "the frame is as tall as its content");
    assert.ok(view === height && scrolled <= view, "nothing scrolls inside the frame");
    return height;
  };
  await inner.getByTestId("port-grid").waitFor();
  const before = await fits();
  // The grid is as tall as the frame's width makes it: its whole canvas shows.
  const bottom = await frame.evaluate(() => document.querySelector(".grid canvas").getBoundingClientRect().bottom);
  assert.ok(bottom > 100 && bottom <= before, `the grid shows whole: its bottom at ${bottom} of ${before}`);
  // Opening the YAML below the grid makes the content taller, and the frame follows.
  await inner.locator(".embed-yaml summary").click();
  await page.waitForFunction((h) => parseInt(document.getElementById("sized").style.height) > h, before);
  assert.ok((await fits()) > before + 100);
  await close(page);
});

test("drawGrid draws a cluster's grid on the page's canvas and says which port is where", async () => {
  const page = await open(server.url + "docs/embeds.html", { width: 1000, height: 900 }, false);
  const canvas = page.locator("#picture");
  await canvas.scrollIntoViewIfNeeded();
  // 2,768 ports in 760×278 (under the bands' names): cells of 8 pixels, 95 a row.
  const at = (port) => { const i = port - 30000; return [(i % 95) * 8 + 4, 22 + Math.floor(i / 95) * 8 + 4]; };
  const pixel = ([x, y]) => canvas.evaluate((c, [x, y]) => [...c.getContext("2d").getImageData(x, y, 1, 1).data], [x, y]);
  await page.waitForFunction(() => document.getElementById("picture").getContext("2d").getImageData(76, 26, 1, 1).data[3] === 255);
  // MinIO's fixed port: a dark dot (written in the manifest), ringed (highlighted).
  assert.deepEqual(await pixel(at(30009)), [0x1b, 0x1f, 0x23, 255]);
  const edge = await pixel([at(30009)[0] - 4, at(30009)[1]]);
  assert.ok(edge.slice(0, 3).every((v) => v < 40), `the ring's edge: ${edge}`);
  // A port no Service holds, in the static band: not a Service's colour.
  const free = await pixel([at(30001)[0] + 2, at(30001)[1]]);
  assert.ok(free.slice(0, 3).every((v) => v > 0x90), `a free static port: ${free}`);
  // The bands are named above the grid.
  const text = await canvas.evaluate((c) => {
    const d = c.getContext("2d").getImageData(0, 0, 200, 20).data;
    return d.some((v, i) => i % 4 === 3 && v > 0);
  });
  assert.ok(text, "the labels are drawn");
  // Pointing: the function drawGrid returned finds the port under the mouse.
  const box = await canvas.boundingBox();
  for (const [port, said] of [[30009, "30009: default/minio"], [30001, "30001: free"]]) {
    const [x, y] = at(port);
    await page.mouse.move(box.x + x * box.width / 760, box.y + y * box.height / 300);
    await page.locator("#pointed").filter({ hasText: said }).waitFor();
  }
  await page.mouse.move(box.x + 5, box.y + 5);
  await page.waitForFunction(() => document.getElementById("pointed").textContent === "");
  await close(page);
});

test("an embed in a frame of its own height shows the whole range, fitted to what the frame leaves the grid: nothing in the grid scrolls", async () => {
  const page = await open(server.url + "?embed#preset=dns-tcp-and-udp", { width: 400, height: 300 }, false);
  // The grid's whole range inside its panel and the frame, and no scroll bar in its panel.
  const fitted = async (label) => {
    // The grid is laid out again once its box has its new size: wait for that (what is wrong, if
    // it never comes, is said by the assertions below).
    await page.waitForFunction(() => {
      const canvas = document.querySelector('[data-testid="port-grid"]');
      const panel = canvas?.closest(".grid");
      return panel && canvas.getBoundingClientRect().bottom <= panel.getBoundingClientRect().bottom;
    }, null, { timeout: 5000 }).catch(() => {});
    const [cells, canvas, panel, scrolls] = await page.getByTestId("port-grid").evaluate((canvas) => {
      const panel = canvas.closest(".grid");
      const cells = Number(canvas.getAttribute("aria-rowcount")) * Number(canvas.getAttribute("aria-colcount"));
      const scrolls = [panel, ...panel.querySelectorAll("*")].filter((e) => e.scrollHeight > e.clientHeight + 1 && /auto|scroll/.test(getComputedStyle(e).overflowY));
      return [cells, canvas.getBoundingClientRect().toJSON(), panel.getBoundingClientRect().toJSON(), scrolls.map((e) => e.className)];
    });
    assert.ok(cells >= 2768, `${label}: ${cells} cells`);
    assert.ok(canvas.height > 60 && canvas.bottom <= panel.bottom + 0.5 && panel.bottom <= page.viewportSize().height,
      `${label}: the canvas ${JSON.stringify(canvas)} in its panel ${JSON.stringify(panel)}`);
    assert.deepEqual(scrolls, [], `${label}: nothing in the grid's panel scrolls`);
  };
  await page.getByTestId("step-position").filter({ hasText: /^Step 6 of 6/ }).waitFor();
  assert.match(await page.getByTestId("embed").getAttribute("class"), /\bcompact\b/);
  await fitted("compact, 400×300");
  for (const [width, height] of [[600, 400], [800, 500], [800, 440]]) {
    await page.setViewportSize({ width, height });
    await page.waitForFunction(() => !document.querySelector('[data-testid="embed"]').classList.contains("compact"));
    await fitted(`standard, ${width}×${height}`);
  }
  await close(page);
});

test("embed layouts: compact gives the grid most of a 400×300 frame, either can be asked for; captions and titles name the preset", async () => {
  const context = await browser.newContext({ viewport: { width: 400, height: 300 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
  const page = await context.newPage();
  page.on("pageerror", (e) => {
    throw e;
  });
  await page.goto(server.url + "?embed#preset=kep-3668-story");
  const embed = page.getByTestId("embed");
  await page.getByTestId("embed-step").filter({ hasText: "storage/minio created, nodePorts api 9000/TCP → 30009" }).waitFor();
  assert.match(await embed.getAttribute("class"), /\bcompact\b/);
  // The grid (its panel: band labels, axis and cells) is the main thing: at least 60 % of the frame.
  const grid = await page.getByTestId("port-grid").evaluate((g) => g.closest(".embed-body > div").getBoundingClientRect().toJSON());
  assert.ok(grid.width * grid.height >= 0.6 * 400 * 300, `the grid's box is ${grid.width}×${grid.height}`);
  // A preset's embed: its name as the title, its description as the caption.
  assert.equal(await page.title(), "kep-3668-story — portband");
  assert.equal(await page.getByTestId("embed-caption").textContent(), "A fixed nodePort that a dynamic allocation takes first, with and without the band split.");
  // "Why this port?" is one click away, over the grid; stepping back explains the step shown.
  await page.getByTestId("embed-why").locator("summary").click();
  await page.getByTestId("explain").filter({ hasText: "Step 101: storage/minio — created" }).waitFor();
  assert.ok(await page.getByTestId("explain").isVisible());
  await page.getByTestId("step-back").click();
  await page.getByTestId("explain").filter({ hasText: "Step 100: apps/app-100 — created" }).waitFor();
  await page.getByTestId("embed-step").filter({ hasText: "apps/app-100 created" }).waitFor();
  // Asked for: standard in the small frame, compact in a large one; a caption of its own.
  await page.goto(server.url + "?embed=standard#preset=dns-tcp-and-udp&caption=Two%20protocols,+one+nodePort");
  await page.reload();
  await settled(page);
  await page.getByTestId("embed-apply").waitFor();
  assert.doesNotMatch(await embed.getAttribute("class"), /\bcompact\b/);
  assert.equal(await page.getByTestId("embed-caption").textContent(), "Two protocols, one nodePort");
  await page.setViewportSize({ width: 800, height: 500 });
  await page.goto(server.url + "#embed=compact&preset=dns-tcp-and-udp&caption=%E0%A4%A");
  await page.reload();
  await settled(page);
  await page.getByTestId("embed-step").waitFor();
  assert.match(await embed.getAttribute("class"), /\bcompact\b/);
  // A caption that is not percent-encoded UTF-8 gives way to the preset's description.
  assert.match(await page.getByTestId("embed-caption").textContent(), /^53\/TCP and 53\/UDP share one nodePort/);
  await context.close();
  // Copy embed code titles the frame by what it shows.
  const main = await open(server.url + "#preset=kep-3668-story");
  await linkReady(main);
  await main.getByTestId("copy-embed-small").click();
  await main.waitForFunction(() => document.querySelector('[data-testid="share-status"]').textContent.startsWith("Embed code (400×300) copied"));
  const code = await main.evaluate(() => navigator.clipboard.readText());
  assert.match(code.split("\n")[0], / title="portband: kep-3668-story — A fixed nodePort that a dynamic allocation takes first, with and without the band split\."><\/iframe>$/);
  await close(main);
});

test("the Kubernetes version: its band split's default, a note where a cluster could not match, kept in links", async () => {
  const page = await open();
  await apply(page, service("a"));
  const version = page.getByTestId("kubernetes-version");
  assert.equal(await version.inputValue(), "1.35");
  assert.equal(await page.getByTestId("split-note").count(), 0);
  // 1.27: the gate is alpha, so the split is off by default.
  await version.selectOption("1.27");
  assert.equal(await page.getByTestId("static-subrange").isChecked(), false);
  await page.getByTestId("band-summary").filter({ hasText: "static: none (band split off)" }).waitFor();
  await page.getByTestId("static-subrange").check();
  assert.equal(await page.getByTestId("split-note").textContent(), "1.27: only with the alpha feature gate turned on");
  // 1.31 has no gate: turning the split off is a comparison no cluster of 1.31 can make.
  await version.selectOption("1.31");
  assert.equal(await page.getByTestId("static-subrange").isChecked(), true);
  await page.getByTestId("static-subrange").uncheck();
  assert.equal(await page.getByTestId("split-note").textContent(), "comparison only: no Kubernetes 1.31 cluster runs without it");
  assert.match(await page.getByTestId("split-note").getAttribute("title"), /has no feature gate ServiceNodePortStaticSubrange \(removed in 1\.31\)/);
  // A link carries the version (and the split as set).
  const link = await copyLink(page);
  const other = await open(link);
  await other.getByTestId("step-position").filter({ hasText: "Step 1 of 1 (now)" }).waitFor();
  assert.equal(await other.getByTestId("kubernetes-version").inputValue(), "1.31");
  assert.equal(await other.getByTestId("static-subrange").isChecked(), false);
  await close(other);
  await close(page);
});

test("the mode beside Apply: kubectl replace and create answer as kubectl does, and a link keeps the mode", async () => {
  const page = await open();
  const mode = page.getByTestId("mode");
  assert.equal(await mode.inputValue(), "apply");
  // replace of a Service that does not exist: NotFound, as kubectl replace prints it.
  await mode.selectOption("replace");
  await apply(page, service("web", "[{name: http, port: 80}]"));
  assert.deepEqual(await outcomes(page), [["default/web", "rejected", ""]]);
  await page.locator(".apierror code").filter({ hasText: 'Error from server (NotFound): error when replacing "STDIN": services "web" not found' }).waitFor();
  // create, then create again: AlreadyExists.
  await mode.selectOption("create");
  await page.getByTestId("apply").click();
  await page.getByTestId("step-position").filter({ hasText: "Step 2 of 2 (now)" }).waitFor();
  await page.getByTestId("apply").click();
  await page.getByTestId("step-position").filter({ hasText: "Step 3 of 3 (now)" }).waitFor();
  const rows = await outcomes(page);
  assert.deepEqual(rows.map(([, result]) => result), ["rejected", "created", "rejected"]);
  await page.locator(".apierror code").filter({ hasText: 'services "web" already exists' }).waitFor();
  // A renamed port under replace gets a new nodePort; the link brings back the mode.
  await mode.selectOption("replace");
  await apply(page, service("web", "[{name: web, port: 80}]"));
  const after = await outcomes(page);
  assert.notEqual(after[3][2], after[1][2], "replace re-fills by name: a new nodePort");
  const other = await open(await copyLink(page));
  await other.getByTestId("step-position").filter({ hasText: "Step 4 of 4 (now)" }).waitFor();
  assert.equal(await other.getByTestId("mode").inputValue(), "replace");
  await close(other);
  await close(page);
});

test("an embed takes the page's commands from its parent alone, says its step, and never takes the focus or the page's scroll", async () => {
  const host = await hostPage(`<!doctype html><body>
    <button id="first">First step</button>
    <iframe src="${server.url}?embed#preset=kep-3668-story" width="800" height="500"></iframe>
    <div style="height: 2000px"></div>
    <script>
      window.said = [];
      addEventListener("message", (e) => { if (e.data?.type?.startsWith("portband:")) said.push(e.data); });
      document.getElementById("first").onclick = () =>
        document.querySelector("iframe").contentWindow.postMessage({ type: "portband:step", at: 1 }, "*");
    </script></body>`, { width: 1000, height: 900 });
  const frame = host.frameLocator("iframe");
  await frame.getByTestId("step-position").filter({ hasText: /\(now\)/ }).waitFor();
  const last = (type) => host.evaluate((type) => said.filter((m) => m.type === type).at(-1), type);
  await host.waitForFunction(() => said.some((m) => m.type === "portband:step-changed"));
  const total = (await last("portband:step-changed")).of;
  assert.ok(total > 1);
  // The wheel over the embed's grid scrolls the page around it: the embed keeps no scroll.
  const grid = await frame.getByTestId("port-grid").boundingBox();
  await host.mouse.move(grid.x + grid.width / 2, grid.y + grid.height / 2);
  await host.mouse.wheel(0, 400);
  await host.waitForFunction(() => scrollY > 100);
  await host.evaluate(() => scrollTo(0, 0));
  // A click on the page: the embed shows step 1, says so, and the focus stays on the page's button.
  await host.locator("#first").focus();
  await host.locator("#first").click();
  await frame.getByTestId("step-position").filter({ hasText: `Step 1 of ${total}` }).waitFor();
  await host.waitForFunction(() => said.some((m) => m.type === "portband:step-changed" && m.at === 1));
  assert.deepEqual(await last("portband:step-changed"), { type: "portband:step-changed", at: 1, of: total });
  assert.equal(await host.evaluate(() => document.activeElement.id), "first");
  // Malformed commands, and commands from any window but the parent, change nothing.
  const post = (message) => host.evaluate((m) => document.querySelector("iframe").contentWindow.postMessage(m, "*"), message);
  await post({ type: "portband:step", at: "2" });
  await post({ type: "portband:apply" });
  await post("portband:step");
  const embedded = host.frames().find((f) => f.url().includes("embed"));
  await embedded.evaluate(() => postMessage({ type: "portband:step", at: 2 }, "*"));
  await host.waitForTimeout(200);
  await frame.getByTestId("step-position").filter({ hasText: `Step 1 of ${total}` }).waitFor();
  // apply: the YAML's steps are added; a broken text shows its error and adds nothing.
  await post({ type: "portband:apply", yaml: "apiVersion: v1\nkind: Service\nmetadata: {name: from-the-page}\nspec: {type: NodePort, ports: [{port: 80}]}\n" });
  await frame.getByTestId("step-position").filter({ hasText: `Step ${total + 1} of ${total + 1} (now)` }).waitFor();
  await post({ type: "portband:apply", yaml: "kind: [" });
  await frame.getByTestId("error").filter({ hasText: /^Line 2, column 1: while parsing a node/ }).first().waitFor();
  await frame.getByTestId("step-position").filter({ hasText: `of ${total + 1} (now)` }).waitFor();
  // An over-large text is refused as a paste of it would be, and adds nothing.
  const huge = `apiVersion: v1\nkind: Service\nmetadata: {name: huge, annotations: {a: "${"x".repeat(1_100_000)}"}}\nspec: {type: NodePort, ports: [{port: 80}]}\n`;
  await post({ type: "portband:apply", yaml: huge });
  await frame.getByText(/the document is larger than 1 MiB/).first().waitFor();
  await frame.getByTestId("step-position").filter({ hasText: `of ${total + 1} (now)` }).waitFor();
  // preset: another story; an unknown name says so.
  await post({ type: "portband:preset", name: "dns-tcp-and-udp" });
  await frame.getByTestId("outcome").filter({ hasText: "dns" }).first().waitFor();
  await post({ type: "portband:preset", name: "no-such" });
  await frame.getByText(/The page asks for a preset portband does not have: "no-such"/).waitFor();
  assert.equal(await host.evaluate(() => document.activeElement.tagName), "BUTTON");
  // A page that does not ask for it (no embed.js) is not told the content's height: the frame
  // keeps the size the page gave it.
  assert.equal(await host.evaluate(() => said.filter((m) => m.type === "portband:resize").length), 0);
  await frame.locator('html:not(.natural) [data-testid="embed"]').waitFor();
  await close(host);
});
