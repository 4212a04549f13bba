// End-to-end tests of the web app in headless Chromium: load the built app (dist/), paste, apply,
// and read what a user sees.
import { test, before, after, beforeEach, afterEach } from "node:test";
import assert from "node:assert/strict";
import { settled, serve, launch, paste, readRows, waitForRows, manyServices, fillStorage, DIST } from "./harness.mjs";

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
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on("pageerror", (e) => { throw e; });
  await page.goto(server.url);
  await page.getByTestId("apply").waitFor();
  await settled(page);
});
afterEach(async () => {
  assert.equal(await page.getByTestId("panic").count(), 0, "the page must never panic");
  await page.close();
});

const service = (name, spec) => `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}}\nspec:\n${spec}`;

async function apply(yaml) {
  await page.getByTestId("yaml-input").fill(yaml);
  await page.getByTestId("apply").click();
  await settled(page);
}

/** Opens a lesson from the lessons list and waits for its `count` steps. */
async function loadPreset(label, count) {
  await page.locator('[data-testid="lessons"] summary').click();
  await page.getByRole("button", { name: label, exact: true }).click();
  await waitForRows(page, "outcomes", count);
}

/** Every step of the log (a windowed list, read by scrolling it). */
async function outcomes() {
  await settled(page);
  return (await readRows(page, "outcomes")).map((row) => ({
    service: row.service,
    result: row.result,
    nodePorts: row.nodePorts ? row.nodePorts.split(",").map(Number) : [],
    text: row.text,
  }));
}

test("paste, apply: outcomes, nodePorts in the dynamic band, the band summary", async () => {
  await apply(
    service("web", "  type: NodePort\n  ports: [{name: http, port: 80}, {name: https, port: 443}]\n") +
      "---\n" +
      service("dns", "  type: NodePort\n  ports: [{name: tcp, port: 53}, {name: udp, port: 53, protocol: UDP}]\n") +
      "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\n",
  );
  const steps = await outcomes();
  assert.deepEqual(steps.map((s) => [s.service, s.result]), [
    ["default/web", "created"],
    ["default/dns", "created"],
    ["default/cfg", "skipped"],
  ]);
  assert.equal(steps[0].nodePorts.length, 2);
  for (const port of steps[0].nodePorts) assert.ok(port >= 30086 && port <= 32767, `${port} in the dynamic band`);
  assert.equal(steps[1].nodePorts.length, 1, "53/TCP and 53/UDP share one nodePort");
  const summary = await page.getByTestId("band-summary").textContent();
  assert.match(summary, /static 30000–30085 \(86\): 0 used, 86 free/);
  assert.match(summary, /dynamic 30086–32767 \(2682\): 3 used, 2679 free/);
});

test("a conflict shows the apiserver's exact error, as kubectl prints it", async () => {
  await apply(service("a", "  type: NodePort\n  ports: [{port: 80, nodePort: 30080}]\n"));
  await apply(service("b", "  type: NodePort\n  ports: [{port: 81, nodePort: 30080}]\n"));
  const steps = await outcomes();
  assert.equal(steps[1].result, "rejected");
  assert.ok(
    steps[1].text.includes(
      'Error from server (Invalid): error when creating "STDIN": Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated',
    ),
    steps[1].text,
  );
  assert.ok(steps[1].text.includes("held by default/a"), steps[1].text);
});

test("Ctrl+Enter applies; Apply again updates and keeps the ports", async () => {
  await page.getByTestId("yaml-input").fill(service("web", "  type: NodePort\n  ports: [{port: 80}]\n"));
  await page.getByTestId("yaml-input").press("Control+Enter");
  await page.getByTestId("apply").click();
  const steps = await outcomes();
  assert.deepEqual(steps.map((s) => s.result), ["created", "updated"]);
  assert.deepEqual(steps[1].nodePorts, steps[0].nodePorts);
});

test("the range control changes the bands and replays the steps", async () => {
  await apply(service("web", "  type: NodePort\n  ports: [{port: 80}]\n"));
  await page.getByTestId("range-input").fill("30000-30127");
  await page.getByTestId("range-input").press("Enter");
  const summary = await page.getByTestId("band-summary").textContent();
  assert.match(summary, /static 30000–30015 \(16\)/);
  assert.match(summary, /dynamic 30016–30127 \(112\): 1 used/);
  const [step] = await outcomes();
  assert.ok(step.nodePorts[0] >= 30016 && step.nodePorts[0] <= 30127, String(step.nodePorts));
});

test("a bad range shows the upstream error and the app keeps working", async () => {
  await page.getByTestId("range-input").fill("200-100");
  await page.getByTestId("range-input").press("Enter");
  assert.equal(
    await page.getByTestId("error").textContent(),
    'Invalid range "200-100": end port cannot be less than start port: 200-100. A range is written 30000-32767, 30000+2767 or 30080; empty means 30000-32767.',
  );
  assert.equal(await page.getByTestId("range-input").getAttribute("aria-invalid"), "true");
  await apply(service("web", "  type: NodePort\n  ports: [{port: 80}]\n"));
  assert.equal((await outcomes())[0].result, "created");
  assert.match(await page.getByTestId("band-summary").textContent(), /30086–32767/, "the last good range stays");
  // An empty range and an empty seed are the defaults.
  await page.getByTestId("range-input").fill("");
  await page.getByTestId("range-input").press("Enter");
  assert.equal(await page.getByTestId("range-input").getAttribute("aria-invalid"), "false");
  assert.equal(await page.getByTestId("range-input").inputValue(), "30000-32767");
  await page.getByTestId("seed-input").fill("7");
  await page.getByTestId("seed-input").press("Enter");
  await page.getByTestId("seed-input").fill("");
  await page.getByTestId("seed-input").press("Enter");
  assert.equal(await page.getByTestId("seed-input").inputValue(), "0");
  assert.equal(await page.getByTestId("error").count(), 0);
});

test("broken YAML points at its line, keeps the text, and the app keeps working", async () => {
  const broken = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: type: NodePort\n";
  await apply(broken);
  assert.equal(
    await page.getByTestId("error").textContent(),
    "Line 4, column 11: mapping values are not allowed in this context",
  );
  assert.equal(await page.locator(".gutter .mark").textContent(), "4\n");
  assert.equal(await page.getByTestId("yaml-input").inputValue(), broken);
  await apply(service("web", "  type: NodePort\n  ports: [{port: 80}]\n"));
  assert.equal(await page.getByTestId("error").count(), 0);
  assert.equal((await outcomes()).length, 1);
});

test("huge input and an alias bomb are refused with a clear error, no panic", async () => {
  await paste(page, `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  blob: "${"x".repeat(2_000_000)}"\n`);
  await page.getByTestId("apply").click();
  assert.match(await page.getByTestId("error").textContent(), /larger than 1 MiB/);

  let bomb = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  const names = "abcdefghi";
  for (let i = 1; i < names.length; i++) bomb += `  ${names[i]}: &${names[i]} [${Array(9).fill(`*${names[i - 1]}`).join(",")}]\n`;
  await apply(bomb);
  assert.match(await page.getByTestId("error").textContent(), /alias bomb/);
  await apply(service("web", "  type: NodePort\n  ports: [{port: 80}]\n"));
  assert.equal((await outcomes())[0].result, "created");
});

test("a trap of the wasm module (how the release build ends a panic) is reported in a banner", async () => {
  page.removeAllListeners("pageerror");
  const banner = page.getByTestId("panic");
  // Other errors are not the app's crash.
  await page.evaluate(() => setTimeout(() => { throw new Error("a browser extension failed"); }));
  await page.evaluate(() => new Promise((done) => setTimeout(done, 50)));
  assert.equal(await banner.count(), 0);
  // A trap in an event handler or a timer.
  await page.evaluate(() => setTimeout(() => { throw new WebAssembly.RuntimeError("unreachable"); }));
  await banner.waitFor();
  assert.match(
    await banner.textContent(),
    /^portband hit an internal error and stopped responding: RuntimeError: unreachable\. Your text is still in the editor/,
  );
  // A trap in a promise's task.
  await page.reload();
  await settled(page);
  await page.getByTestId("apply").waitFor();
  assert.equal(await banner.count(), 0);
  await page.evaluate(() => { Promise.reject(new WebAssembly.RuntimeError("unreachable")); });
  await banner.waitFor();
  await page.reload();
  await settled(page);
});

test("the KEP-3668 switch: the preset story with and without the band split", async () => {
  await loadPreset("KEP-3668: a fixed port taken first", 101);
  let steps = await outcomes();
  assert.equal(steps.length, 101);
  assert.deepEqual([steps[100].service, steps[100].result, steps[100].nodePorts], ["storage/minio", "created", [30009]]);
  assert.match(await page.getByTestId("band-summary").textContent(), /static 30000–30015 \(16\)/);
  await page.getByTestId("static-subrange").uncheck();
  steps = await outcomes();
  assert.equal(steps[100].result, "rejected");
  assert.match(await page.getByTestId("band-summary").textContent(), /static: none \(band split off\)/);
});

test("the lessons list: every lesson with its introduction, opened and closed from the keyboard", async () => {
  const text = await page.getByTestId("yaml-input").inputValue();
  const list = page.getByTestId("lessons");
  const summary = list.locator("summary");
  await summary.focus();
  await page.keyboard.press("Enter");
  const lessons = list.locator("li");
  assert.equal(await lessons.count(), 8);
  for (const lesson of await lessons.all()) {
    assert.ok((await lesson.locator("p").textContent()).length > 150, "a paragraph of introduction");
  }
  // Escape closes the list, loads nothing, and gives the focus back to its summary.
  await page.keyboard.press("Escape");
  assert.equal(await list.getAttribute("open"), null);
  assert.equal(await summary.evaluate((s) => s === document.activeElement), true);
  assert.equal(await page.getByTestId("yaml-input").inputValue(), text, "the editor keeps its text");
  // Enter on a lesson's button opens it and closes the list; its title and introduction show.
  await page.keyboard.press("Enter");
  await list.getByRole("button", { name: "DNS on TCP and UDP" }).focus();
  await page.keyboard.press("Enter");
  await waitForRows(page, "outcomes", 6);
  assert.equal(await list.getAttribute("open"), null);
  assert.equal(await page.getByTestId("lesson-intro").locator("h2").textContent(), "DNS on TCP and UDP");
  assert.match(await page.getByTestId("lesson-intro").locator("p").textContent(), /^A DNS Service serves port 53 on TCP and UDP/);
  assert.match(await page.getByTestId("yaml-input").inputValue(), /name: dns-tcp-and-udp/);
  // The list marks the lesson open.
  assert.equal(await list.locator('button[aria-current="true"]').textContent(), "DNS on TCP and UDP");
});

test("the lesson on the scan's bias shades the next pick's odds; a lesson that cannot be fetched says so", async () => {
  await page.getByTestId("next-pick").waitFor();
  assert.equal(await page.getByTestId("next-pick").isChecked(), false);
  await loadPreset("The scan's bias: runs attract picks", 14);
  assert.equal(await page.getByTestId("next-pick").isChecked(), true);
  await page.getByTestId("step-first").click();
  await page.getByTestId("step-forward").click();
  await settled(page);
  assert.match(await page.getByTestId("step-note").textContent(), /^edge\/relay holds twelve ports in a row/);
  // The legend reads the shading, and a free port's description names its odds.
  await page.getByTestId("port-grid").focus();
  await page.keyboard.press("Control+Home");
  for (let i = 0; i < 32; i++) await page.keyboard.press("ArrowRight");
  assert.equal(await page.getByTestId("focused-port").textContent(), "30032 · dynamic band · free · next pick: 13 of 48 random starts (27.1 %)");
  await page.keyboard.press("ArrowRight");
  assert.equal(await page.getByTestId("focused-port").textContent(), "30033 · dynamic band · free · next pick: 1 of 48 random starts (2.1 %)");
  await page.getByTestId("next-pick").uncheck();
  assert.equal(await page.getByTestId("next-pick").isChecked(), false);

  const text = await page.getByTestId("yaml-input").inputValue();
  await page.route("**/scenarios/range-filling-up.yaml", (route) => route.fulfill({ status: 404, body: "" }));
  await page.locator('[data-testid="lessons"] summary').click();
  await page.getByRole("button", { name: "A range filling up", exact: true }).click();
  await settled(page);
  assert.match(await page.getByTestId("error").textContent(), /^The lesson "A range filling up" could not be loaded: scenarios\/range-filling-up\.yaml answered 404\.$/);
  assert.equal(await page.getByTestId("yaml-input").inputValue(), text, "the work shown stays");
  assert.equal(await page.getByTestId("outcomes").getAttribute("data-count"), "14");
  await page.unroute("**/scenarios/range-filling-up.yaml");
});

test("a preset starts from its own settings, the defaults for what it leaves out", async () => {
  await loadPreset("A range filling up", 43);
  assert.equal(await page.getByTestId("range-input").inputValue(), "30000-30039");
  // DNS on TCP and UDP sets no range: it runs on 30000-32767, not on the previous preset's 40 ports.
  await page.locator('[data-testid="lessons"] summary').click();
  await page.getByRole("button", { name: "DNS on TCP and UDP", exact: true }).click();
  await page.waitForFunction(() => document.querySelector('[data-testid="range-input"]').value === "30000-32767");
  const steps = await outcomes();
  assert.ok(steps.length > 1);
  assert.ok(steps.every((s) => !s.text.includes("not in the valid range")), JSON.stringify(steps.map((s) => s.text)));
  // The lesson's title and introduction show until something else changes the history.
  assert.equal(await page.getByTestId("lesson-intro").locator("h2").textContent(), "DNS on TCP and UDP");
  await apply(service("other", "  type: NodePort\n  ports: [{port: 80}]\n"));
  assert.equal(await page.getByTestId("lesson-intro").count(), 0);
  // A scenario of one's own shows its description instead.
  await apply("apiVersion: portband/v1\nkind: Scenario\ndescription: My own story.\nsteps: []\n");
  assert.equal(await page.getByTestId("scenario-description").textContent(), "My own story.");
});

test("feedback: an Apply that adds nothing, a full range, a deletion while an earlier step is shown", async () => {
  const notice = () => page.locator(".notice").textContent();
  await apply("# nothing but a comment\n");
  assert.match(await notice(), /^Nothing to apply: the text holds no Kubernetes object/);
  await page.getByTestId("range-input").fill("30000-30009");
  await page.getByTestId("range-input").press("Enter");
  await page.getByTestId("add-count").fill("25");
  await page.getByTestId("add-count").press("Tab");
  await page.getByTestId("add-services").click();
  await waitForRows(page, "outcomes", 10);
  assert.equal(await notice(), "Added 10 Services: the range had 10 free ports.");
  await page.getByTestId("add-services").click();
  assert.match(await notice(), /^The range is full/);
  assert.equal(await page.getByTestId("outcomes").getAttribute("data-count"), "10");
  await page.getByTestId("step-first").click();
  await page.getByTestId("step-last").click();
  await page.getByTestId("step-back").click();
  // The list shows the step the engine has described: the one before the last, once it answers.
  await settled(page);
  assert.equal(await page.getByTestId("services").getAttribute("data-count"), "10", "nine fillers and the kubernetes Service");
  await page.getByRole("button", { name: "Delete default/filler-1", exact: true }).click();
  assert.match(await notice(), /a deletion is always added at the end/);
  assert.equal(await page.getByTestId("step-position").textContent(), "Step 11 of 11 (now)");
});

test("add Services, delete one, reset", async () => {
  // The count has a visible label that names it.
  const label = page.locator("label", { has: page.getByTestId("add-count") });
  assert.ok(await label.isVisible());
  assert.match(await label.innerText(), /^Services to add/);
  assert.equal(await page.getByLabel("Services to add").getAttribute("data-testid"), "add-count");
  await page.getByTestId("add-count").fill("40");
  await page.getByTestId("add-count").press("Tab");
  await page.getByTestId("add-services").click();
  assert.equal((await outcomes()).length, 40);
  // The Service list sorts numbers by their value.
  const listed = (await readRows(page, "services")).map((row) => row.service);
  assert.deepEqual(listed.slice(0, 3), ["default/filler-1", "default/filler-2", "default/filler-3"]);
  assert.deepEqual(listed.slice(-2), ["default/filler-40", "default/kubernetes"], "and the Service every cluster has");
  assert.match(await page.getByTestId("band-summary").textContent(), /40 used/);
  await page.getByRole("button", { name: "Delete default/filler-7" }).click();
  const steps = await outcomes();
  assert.deepEqual([steps[40].service, steps[40].result], ["default/filler-7", "deleted"]);
  await page.getByTestId("reset").click();
  assert.equal((await outcomes()).length, 0);
});

test("on a phone (390×844) nothing overflows, the controls wrap, and the grid's cells can be tapped", async () => {
  const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, hasTouch: true });
  for (const address of ["#preset=kep-3668-story", "?embed#preset=kep-3668-story"]) {
    await phone.goto(server.url + address);
    await phone.locator('[data-testid="outcomes"][data-count="101"]').waitFor();
    assert.ok(await phone.evaluate(() => document.documentElement.scrollWidth <= 390), `${address}: no horizontal overflow`);
    // Once laid out: the page renders again as its answers come, and an element read across
    // such a render can be one that has just been replaced (an empty box).
    await phone.waitForFunction(() => document.querySelector('[data-testid="step-position"]')?.getBoundingClientRect().width > 0);
    const position = await phone.getByTestId("step-position").evaluate((e) => {
      const { x, width } = e.getBoundingClientRect();
      return { x, width };
    });
    assert.ok(position.width > 0 && position.x + position.width <= 390, `${address}: the step position shows (${JSON.stringify(position)})`);
    const grid = phone.getByTestId("port-grid");
    const box = await grid.boundingBox();
    const columns = Number(await grid.getAttribute("aria-colcount"));
    assert.ok(box.width / columns >= 8, `${address}: cells of ${(box.width / columns).toFixed(1)} px`);
    await grid.scrollIntoViewIfNeeded();
    const shown = await grid.boundingBox();
    await phone.touchscreen.tap(shown.x + 4, shown.y + 4);
    await phone.waitForFunction(() => document.querySelector('[data-testid="cell-info"]')?.textContent.startsWith("30000 ·") || document.querySelector('[data-testid="focused-port"]')?.textContent.startsWith("30000 ·"));
  }
  await phone.close();
});

test("pictures that tell the truth: the scan has a colour of its own, the legend and the metrics say what they show", async () => {
  const note = () => page.getByTestId("metrics-note").textContent();
  assert.match(await note(), /The gauges read 0 until the first allocation/);
  await apply(service("web", "  type: NodePort\n  ports: [{port: 80}]\n"));
  assert.match(await note(), /^scope static counts nodePorts written in a manifest, scope dynamic those the allocator chose/);
  assert.doesNotMatch(await note(), /gauges read 0/);
  // One Service (the palette's second colour, after default/kubernetes) and its scan: violet rings, and no Service's
  // blue (#0072b2), which the scan used to be drawn in.
  const colours = await page.getByTestId("port-grid").evaluate((canvas) => {
    const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    const near = (r, g, b) => {
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 30) n++;
      return n;
    };
    return { violet: near(0x7b, 0x2c, 0xbf), blue: near(0x00, 0x72, 0xb2) };
  });
  assert.ok(colours.violet > 0 && colours.blue === 0, JSON.stringify(colours));
  const legend = await page.locator(".legend").textContent();
  assert.match(legend, /coloured by Service \(seven colours, repeating in list order\)/);
  assert.match(legend, /violet rings: the ports the step's scan passed/);
});

test("no console errors or failed requests on load, Apply, scrubbing, keys and the wheel; a favicon", async () => {
  const fresh = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const problems = [];
  fresh.on("console", (m) => ["error", "warning"].includes(m.type()) && problems.push(`${m.type()}: ${m.text()}`));
  fresh.on("requestfailed", (r) => problems.push(`failed: ${r.url()}`));
  fresh.on("response", (r) => r.status() >= 400 && problems.push(`${r.status()}: ${r.url()}`));
  await fresh.goto(server.url);
  await fresh.getByTestId("apply").waitFor();
  await fresh.getByTestId("apply").click();
  await fresh.getByTestId("scrubber").fill("1");
  await fresh.locator("h1").click();
  for (const key of ["ArrowLeft", "ArrowRight", "Home", "End", " ", " "]) await fresh.keyboard.press(key);
  await fresh.mouse.move(700, 500);
  await fresh.mouse.wheel(0, 400);
  await fresh.getByTestId("port-grid").hover();
  await fresh.mouse.wheel(0, -200);
  await fresh.waitForTimeout(300);
  assert.deepEqual(problems, []);
  assert.match(await fresh.locator('link[rel="icon"]').getAttribute("href"), /favicon.*\.svg$/);
  await fresh.close();
});

test("a long name gives way to a step's verdict and to the Service list's columns, whole in its title", async () => {
  const name = "a-very-long-service-name-that-fills-the-row-" + "x".repeat(18);
  const key = `${"n".repeat(60)}/${name}`;
  await apply(`apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: ${"n".repeat(60)}}\nspec:\n  type: NodePort\n  ports: [{port: 80}]\n`);
  const row = page.getByTestId("outcome").first();
  const [rowBox, verdictBox] = [await row.boundingBox(), await row.locator(".verdict").boundingBox()];
  assert.ok(verdictBox.x + verdictBox.width <= rowBox.x + rowBox.width + 1, `verdict at ${JSON.stringify(verdictBox)} in ${JSON.stringify(rowBox)}`);
  assert.equal(await row.locator(".verdict").textContent(), "created");
  assert.equal(await row.locator("button.service").getAttribute("title"), key);
  const ports = await row.locator(".ports").textContent();
  assert.match(ports, /^80\/TCP → 3\d{4} \(dynamic, allocated\)/);
  assert.equal(await row.locator(".ports").getAttribute("title"), ports);
  // In the Service list, the name ends where the type's column starts.
  const stored = page.locator(`.service[data-service="${key}"]`);
  const [nameBox, typeBox] = [await stored.locator(".name").boundingBox(), await stored.locator(".type").boundingBox()];
  assert.ok(nameBox.x + nameBox.width <= typeBox.x, `name at ${JSON.stringify(nameBox)}, type at ${JSON.stringify(typeBox)}`);
  assert.equal(await stored.locator(".name").getAttribute("title"), key);
  assert.equal(await stored.locator(".ports").getAttribute("title"), await stored.locator(".ports").textContent());
  // On a phone, the name and the nodePorts share the row: neither is squeezed out.
  const viewport = page.viewportSize();
  await page.setViewportSize({ width: 390, height: 844 });
  try {
    for (const row of [stored, page.locator('.service[data-service="default/kubernetes"]')]) {
      const [name, type, ports] = await Promise.all([".name", ".type", ".ports"].map((part) => row.locator(part).boundingBox()));
      assert.ok(name.width >= 80 && ports.width >= 80, `name ${JSON.stringify(name)}, nodePorts ${JSON.stringify(ports)}`);
      assert.ok(name.x + name.width <= type.x, `name at ${JSON.stringify(name)}, type at ${JSON.stringify(type)}`);
    }
  } finally {
    await page.setViewportSize(viewport);
  }
});

test("the header stays put while the history's link is made: Compare is shown off until then", async () => {
  // Each frame from before an Apply until its link is made: where the lessons' summary is, and
  // whether Compare is a link or words shown off (with a title that says why).
  await page.evaluate(() => {
    window.frames_ = [];
    const tick = () => {
      const compare = [...document.querySelectorAll("header.bar > *")].find((e) => e.textContent === "Compare");
      window.frames_.push([document.querySelector('[data-testid="lessons"] summary').getBoundingClientRect().x, compare?.getAttribute("aria-disabled") ?? compare?.getAttribute("href")?.split("&")[0], compare?.title]);
      if (!window.stop_) requestAnimationFrame(tick);
    };
    tick();
  });
  const before = await page.getByTestId("to-compare").getAttribute("href");
  await apply(service("web", "  type: NodePort\n  ports: [{port: 80}]\n"));
  await page.waitForFunction((before) => document.querySelector('[data-testid="to-compare"]')?.getAttribute("href") !== before, before);
  const frames = await page.evaluate(() => {
    window.stop_ = true;
    return window.frames_;
  });
  assert.equal(new Set(frames.map(([x]) => x)).size, 1, `the summary moved: ${JSON.stringify(frames)}`);
  const states = new Set(frames.map(([, tag, title]) => `${tag}: ${title}`));
  assert.ok(states.has("true: Making this history's link, which Compare opens…"), [...states].join("; "));
  assert.ok(states.has("lab.html#compare: This history with and without the band split"), [...states].join("; "));
});

test("the grid: hover and keyboard focus describe a port; a click selects its Service", async () => {
  await apply(service("web", "  type: NodePort\n  ports: [{name: admin, port: 8443, nodePort: 30000}]\n"));
  const grid = page.getByTestId("port-grid");
  // The axis names the first port of every few rows, beside the row it starts.
  const columns = Number(await grid.getAttribute("aria-colcount"));
  const axis = await page.getByTestId("grid-axis").locator("span").evaluateAll((spans) =>
    spans.map((s) => [Number(s.textContent), s.getBoundingClientRect().top]));
  assert.ok(axis.length >= 3, JSON.stringify(axis));
  assert.equal(axis[0][0], 30000);
  const gridTop = (await grid.boundingBox()).y;
  const rowHeight = (await grid.boundingBox()).height / Number(await grid.getAttribute("aria-rowcount"));
  for (const [port, top] of axis) {
    assert.equal((port - 30000) % columns, 0, `${port} starts a row`);
    const row = (port - 30000) / columns;
    assert.ok(Math.abs(top - (gridTop + row * rowHeight)) < rowHeight, `${port} sits beside its row`);
  }
  const box = await grid.boundingBox();
  await page.mouse.move(box.x + 2, box.y + 2);
  assert.match(await page.getByTestId("cell-info").textContent(), /^30000 · static band · default\/web admin 8443\/TCP · explicit/);
  await page.mouse.click(box.x + 2, box.y + 2);
  assert.equal(await page.locator(".service.selected").getAttribute("data-service"), "default/web");
  await page.mouse.move(box.x + box.width + 50, box.y - 50);
  await grid.focus();
  await grid.press("ArrowRight");
  assert.equal(await page.getByTestId("cell-info").textContent(), "30001 · static band · free");
  await grid.press("Control+End");
  assert.equal(await page.getByTestId("cell-info").textContent(), "32767 · dynamic band · free");
});

test("a nodePort stored on an ExternalName Service holds nothing; shared ports and the health check show once", async () => {
  await apply(
    service("ext", "  type: ExternalName\n  externalName: example.com\n  ports: [{port: 80, nodePort: 30005}]\n") +
      "---\n" + service("np", "  type: NodePort\n  ports: [{port: 80, nodePort: 30005}]\n") +
      "---\n" + service("dns", "  type: LoadBalancer\n  externalTrafficPolicy: Local\n  healthCheckNodePort: 30156\n" +
        "  ports:\n  - {name: dns-tcp, port: 53, protocol: TCP, nodePort: 31243}\n  - {name: dns-udp, port: 53, protocol: UDP}\n"),
  );
  await waitForRows(page, "outcomes", 3);
  assert.deepEqual((await outcomes()).map((o) => o.result), ["created", "created", "created"]);
  const ports = (key) => page.locator(`[data-testid="services"] [data-service="${key}"] .ports`).textContent();
  assert.equal(await ports("default/ext"), "no nodePorts");
  assert.equal(await ports("default/np"), "80/TCP → 30005");
  assert.equal(await ports("default/dns"), "dns-tcp 53/TCP + dns-udp 53/UDP → 31243; health check → 30156");
  const grid = page.getByTestId("port-grid");
  await grid.focus();
  for (let i = 0; i < 5; i++) await grid.press("ArrowRight");
  assert.equal(await page.getByTestId("cell-info").textContent(), "30005 · static band · default/np 80/TCP · explicit (written in the manifest)");
  await page.locator('[data-testid="outcome"] button[data-seek="3"]').click();
  assert.match(await page.getByTestId("announcer").textContent(), /^Step 3 of 3: default\/dns created, nodePorts dns-tcp 53\/TCP \+ dns-udp 53\/UDP → 31243, health check → 30156/);
});

test("the step log follows new steps and keeps its place when a step is clicked", async () => {
  await loadPreset("KEP-3668: a fixed port taken first", 101);
  const log = page.locator(".outcomes .window");
  const atBottom = await log.evaluate((box) => box.scrollTop + box.clientHeight >= box.scrollHeight - 2);
  assert.ok(atBottom, "the newest step is in view");
  await log.evaluate((box) => (box.scrollTop = 200));
  const button = page.locator('[data-testid="outcome"] button[data-select]').filter({ hasText: "apps/app-10" }).first();
  await button.click();
  assert.equal(await page.locator(".service.selected").getAttribute("data-service"), "apps/app-10");
  assert.ok(Math.abs((await log.evaluate((box) => box.scrollTop)) - 200) < 40, "the log keeps its place");
  // Time travel brings the step shown into view.
  await page.locator("h1").click();
  await page.keyboard.press("Home");
  await page.keyboard.press("ArrowRight");
  await page.locator(".outcome.current").waitFor();
  assert.equal(await page.locator(".outcome.current").getAttribute("data-service"), "apps/app-1");
  assert.equal(await log.evaluate((box) => box.scrollTop), 0);
});

test("the log and the Service list render only the rows in view, however long they are", async () => {
  await page.getByTestId("add-count").fill("2000");
  await page.getByTestId("add-count").press("Tab");
  await page.getByTestId("add-services").click();
  await waitForRows(page, "outcomes", 2000);
  await waitForRows(page, "services", 2001);
  const rendered = (testid) =>
    page.locator(`[data-testid="${testid}"] li`).evaluateAll((rows) => rows.map((li) => Number(li.getAttribute("aria-posinset"))));
  for (const testid of ["outcomes", "services"]) {
    const rows = await rendered(testid);
    assert.ok(rows.length > 3 && rows.length < 60, `${testid}: ${rows.length} rows rendered`);
  }
  assert.ok((await rendered("outcomes")).includes(2000), "the newest step is in view");
  // Scrolled to the middle, the rows there are rendered, numbered as they are in the whole list.
  const box = page.locator(".outcomes .window");
  await box.evaluate((box) => (box.scrollTop = box.scrollHeight / 2));
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="outcomes"] li')].some((li) => li.getAttribute("aria-posinset") === "1000"));
  const middle = page.locator('[data-testid="outcome"] button[data-seek="1000"]');
  assert.equal(await middle.textContent(), "1000");
  await page.locator('.services .window').evaluate((box) => (box.scrollTop = box.scrollHeight));
  await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="services"] li')].some((li) => li.getAttribute("aria-posinset") === "2001"));
  // The engine lists the Services scrolled to (in name order, numbers by value), at this step
  // and at an earlier one.
  const row = async (n) => (await page.waitForFunction(
    (n) => document.querySelector(`[data-testid="services"] li[aria-posinset="${n}"] [data-service]`)?.dataset.service,
    n,
  )).jsonValue();
  assert.equal(await row(2001), "default/kubernetes");
  assert.equal(await row(2000), "default/filler-2000");
  assert.equal(await row(1995), "default/filler-1995");
  await box.evaluate((box) => (box.scrollTop = box.scrollHeight));
  await page.locator('[data-testid="outcome"] button[data-seek="1990"]').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="services"]')?.dataset.count === "1991");
  await settled(page);
  assert.equal(await row(1990), "default/filler-1990", "the moment after step 1990");
});

test("the seed replays the same dynamic ports; a bad seed is refused", async () => {
  await apply(service("web", "  type: NodePort\n  ports: [{port: 80}]\n"));
  const first = (await outcomes())[0].nodePorts[0];
  const setSeed = async (value) => {
    await page.getByTestId("seed-input").fill(value);
    await page.getByTestId("seed-input").press("Enter");
  };
  await setSeed("12345");
  const other = (await outcomes())[0].nodePorts[0];
  assert.notEqual(other, first);
  await setSeed("0");
  assert.equal((await outcomes())[0].nodePorts[0], first);
  await setSeed("-3");
  assert.match(await page.getByTestId("error").textContent(), /The seed must be a whole number from 0 to 9007199254740991/);
  assert.equal((await outcomes())[0].nodePorts[0], first, "the last good seed stays");
});

test("time travel: step back and forward with buttons, keys and the scrubber; play and pause", async () => {
  await apply(service("a", "  type: NodePort\n  ports: [{port: 80}]\n"));
  await apply(service("b", "  type: NodePort\n  ports: [{port: 80, nodePort: 30001}]\n"));
  const summary = () => page.getByTestId("band-summary").textContent();
  const position = () => page.getByTestId("step-position").textContent();
  assert.equal(await position(), "Step 2 of 2 (now)");
  assert.match(await summary(), /static 30000–30085 \(86\): 1 used/);

  await page.getByTestId("step-back").click();
  assert.equal(await position(), "Step 1 of 2");
  assert.match(await summary(), /static 30000–30085 \(86\): 0 used, 86 free/);
  assert.equal(await page.locator(".outcome.future").getAttribute("data-service"), "default/b");
  assert.equal(await page.locator(".outcome.current").getAttribute("data-service"), "default/a");
  assert.equal(await page.locator('[data-testid="services"] li').count(), 2, "the Service list shows that moment too (a, and kubernetes)");

  await page.locator("h1").click();
  await page.keyboard.press("Home");
  await settled(page);
  assert.equal(await position(), "Step 0 of 2");
  assert.match(await summary(), /dynamic 30086–32767 \(2682\): 0 used/);
  await page.keyboard.press("ArrowRight");
  assert.equal(await position(), "Step 1 of 2");
  await page.keyboard.press("End");
  assert.equal(await position(), "Step 2 of 2 (now)");

  await page.getByTestId("scrubber").fill("1");
  assert.equal(await position(), "Step 1 of 2");

  await page.keyboard.press("Home");
  await page.locator("h1").click();
  await page.keyboard.press(" ");
  assert.equal(await page.getByTestId("play").getAttribute("aria-pressed"), "true");
  await page.waitForFunction(() => document.querySelector('[data-testid="step-position"]').textContent.endsWith("(now)"), null, { timeout: 5000 });
  assert.equal(await page.getByTestId("play").getAttribute("aria-pressed"), "false", "playing stops at the end");

  await page.getByTestId("step-back").click();
  await apply(service("c", "  type: NodePort\n  ports: [{port: 80}]\n"));
  assert.equal(await position(), "Step 3 of 3 (now)", "a new step brings the view back to now");
});

test("the history shortcuts work after clicking a step button; Space plays instead of pressing it again", async () => {
  await apply(service("a", "  type: NodePort\n  ports: [{port: 80}]\n"));
  await apply(service("b", "  type: NodePort\n  ports: [{port: 80}]\n"));
  const position = () => page.getByTestId("step-position").textContent();
  await page.getByTestId("step-back").click();
  assert.equal(await position(), "Step 1 of 2");
  await page.keyboard.press("ArrowRight");
  assert.equal(await position(), "Step 2 of 2 (now)");
  await page.keyboard.press("ArrowLeft");
  await page.keyboard.press("ArrowLeft");
  assert.equal(await position(), "Step 0 of 2");
  await page.getByTestId("step-forward").click();
  await page.keyboard.press(" ");
  assert.equal(await page.getByTestId("play").getAttribute("aria-pressed"), "true");
  assert.match(await position(), /^Step [12] of 2/, "the focused ▶ was not pressed again");
  await page.keyboard.press(" ");
  assert.equal(await page.getByTestId("play").getAttribute("aria-pressed"), "false");
});

test("the next pick's odds: shaded on request, told for each free port, adding up to the band", async () => {
  await loadPreset("A range filling up", 43);
  await page.getByTestId("scrubber").fill("10");
  await settled(page);
  const grid = page.getByTestId("port-grid");
  const pixels = () => grid.evaluate((canvas) => canvas.toDataURL());
  const plain = await pixels();
  assert.equal(await page.getByTestId("odds-legend").count(), 0);
  await page.getByTestId("next-pick").check();
  await page.getByTestId("odds-legend").waitFor();
  assert.ok((await pixels()) !== plain, "free ports are shaded");
  await page.getByTestId("next-pick").uncheck();
  assert.ok((await pixels()) === plain, "and drawn as before once the shading is off");
  await page.getByTestId("next-pick").check();
  // Every port of the dynamic band 30016–30039, by keyboard: the free ones tell their starts.
  await grid.focus();
  await grid.press("Control+End");
  let starts = 0;
  let free = 0;
  for (let port = 30039; port >= 30016; port--) {
    const info = await page.getByTestId("cell-info").textContent();
    assert.ok(info.startsWith(`${port} · dynamic band · `), info);
    const odds = info.match(/ · free · next pick: (\d+) of 24 random starts \((\d+\.\d) %\)$/);
    if (info.includes("free")) {
      assert.ok(odds, info);
      starts += Number(odds[1]);
      free += 1;
      assert.equal(odds[2], (Math.round((Number(odds[1]) * 1000) / 24) / 10).toFixed(1));
    }
    await grid.press("ArrowLeft");
  }
  assert.ok(free > 0 && free < 24, `${free} free: some of the band is held after ten steps`);
  assert.equal(starts, 24, "every random start leads to one free port");
  assert.match(await page.getByTestId("explain").textContent(), /It had a \d+ in 24 chance \(\d+\.\d %\) of being the one picked/);
  await page.getByTestId("next-pick").uncheck();
  await grid.press("ArrowRight");
  assert.doesNotMatch(await page.getByTestId("cell-info").textContent(), /next pick/);
});

test("why this port: the random start, the scan, the holder, the fallback, the band formula", async () => {
  const explain = () => page.getByTestId("explain").textContent();
  await apply(service("a", "  type: NodePort\n  ports: [{name: http, port: 80}, {name: admin, port: 8443, nodePort: 30080}]\n"));
  let text = await explain();
  assert.match(text, /Step 1: default\/a — created/);
  assert.match(text, /http 80\/TCP: the allocator drew a random start, \d+, in the dynamic band 30086–32767 \(2682\); it was free, so it took it\./);
  assert.match(text, /admin 8443\/TCP: 30080 is written in the manifest\. Explicit ports may be anywhere in the range; this one is in the static band\./);
  assert.match(text, /took it\. It had a 1 in 2682 chance \(0\.0 %\) of being the one picked: no taken port lies just before it, so 1 of the band's 2682 random starts leads to it\./);
  assert.match(
    await page.getByTestId("formula").textContent(),
    /^30000-32767 has N = 2768 ports: ⌊2768 \/ 32⌋ = 86, kept within \[16, 128\] → a static band of 86: 30000–30085 \(86\); dynamic 30086–32767 \(2682\)\.$/,
  );

  await apply(service("b", "  type: NodePort\n  ports: [{port: 81, nodePort: 30080}]\n"));
  assert.match(await explain(), /spec\.ports\[0\]\.nodePort asked for 30080, which default\/a holds \(spec\.ports\[1\]\.nodePort \(admin\)\)\./);

  await page.locator('[data-testid="outcome"] button[data-seek="1"]').click();
  assert.equal(await page.getByTestId("step-position").textContent(), "Step 1 of 2");
  assert.match(await explain(), /Step 1: default\/a — created/);

  await loadPreset("A range filling up", 43);
  await page.getByTestId("scrubber").fill("26");
  assert.equal(await page.getByTestId("step-position").textContent(), "Step 26 of 43");
  assert.match(await explain(), /80\/TCP: every port of the dynamic band was taken, so the allocator fell back to the static band 30000–30015 \(16\): it drew a random start, \d+; /);
  await page.getByTestId("static-subrange").uncheck();
  assert.match(await page.getByTestId("formula").textContent(), /^Band split off \(legacy\): dynamic ports come from all 40 ports of 30000-30039\.$/);
});

test("a reload keeps the editor text and the settings", async () => {
  const text = service("kept", "  type: NodePort\n  ports: [{port: 80}]\n") + "# typed before the reload\n";
  await page.getByTestId("yaml-input").fill(text);
  await page.getByTestId("range-input").fill("30000-30127");
  await page.getByTestId("range-input").press("Enter");
  await page.getByTestId("seed-input").fill("7");
  await page.getByTestId("seed-input").press("Enter");
  await page.getByTestId("static-subrange").uncheck();
  // As a user would: see the change, then reload.
  await page.waitForFunction(() => document.querySelector('[data-testid="band-summary"]').textContent.includes("band split off"));
  await page.reload();
  await page.getByTestId("apply").waitFor();
  await settled(page);
  assert.equal(await page.getByTestId("yaml-input").inputValue(), text);
  assert.equal(await page.getByTestId("range-input").inputValue(), "30000-30127");
  assert.equal(await page.getByTestId("seed-input").inputValue(), "7");
  assert.equal(await page.getByTestId("static-subrange").isChecked(), false);
  assert.match(await page.getByTestId("band-summary").textContent(), /static: none \(band split off\)/);
});

test("a 5 MB paste: the editor holds a window and edits land in place; Apply shows progress; a refused save is said above the editor", async () => {
  const docs = manyServices(5_000_000);
  const text = docs.join("---\n");
  const lines = text.split("\n").length;
  // A browser with its storage full: the text cannot be kept.
  await fillStorage(page);
  await paste(page, text);
  const warning = page.getByTestId("not-kept");
  // The editor's text is refused (once typing pauses); the history too, when its last save was
  // still to come when the storage filled up: the warning may say the history alone first.
  await warning.filter({ hasText: "the editor's text" }).waitFor();
  assert.match(
    await warning.textContent(),
    /^Your browser's storage is full: (the editor's text \(5\.\d MB\) is not kept if this page is reloaded or closed\. Keep your own copy of it|neither the editor's text \(5\.\d MB\) nor the history is kept if this page is reloaded or closed\. Keep your own copy of the text; Download scenario keeps the history)\.$/,
  );
  await page.evaluate(() => localStorage.clear());

  const area = page.getByTestId("yaml-input");
  assert.ok((await area.inputValue()).length < 50_000, "the text area holds a window, not 5 MB");
  // Scrolled to the middle, the window holds the lines there, numbered as in the whole text.
  const box = page.locator(".editor .code");
  await box.evaluate((box) => (box.scrollTop = box.scrollHeight / 2));
  await page.waitForFunction(() => Number(document.querySelector(".gutter").textContent.split("\n")[0]) > 1000);
  const first = Number((await page.locator(".gutter").textContent()).split("\n")[0]);
  const held = (await area.inputValue()).split("\n");
  const all = text.split("\n");
  assert.deepEqual(held, all.slice(first - 1, first - 1 + held.length));

  // Type where a Service's name ends, in the middle: the error Apply finds is on that line of the
  // whole text.
  const at = held.findIndex((line) => line.startsWith("metadata:"));
  const caret = held.slice(0, at).join("\n").length + 1 + held[at].length - 1;
  await area.evaluate((area, caret) => area.setSelectionRange(caret, caret), caret);
  await page.keyboard.type(": x");
  assert.ok((await area.inputValue()).split("\n").includes(held[at].slice(0, -1) + ": x}"), "typed where the caret was");
  await page.getByTestId("apply").click();
  await page.getByTestId("error").filter({ hasText: `Line ${first + at}, column` }).waitFor({ timeout: 60_000 });

  // Ctrl+End reaches the end of the whole text, beyond the window.
  await area.focus();
  await page.keyboard.press("Control+End");
  await page.waitForFunction((lines) => document.querySelector(".gutter").textContent.trim().endsWith(`\n${lines}`), lines);
  assert.ok(text.endsWith((await area.inputValue()).split("\n").slice(-3).join("\n")));

  // Ctrl+A selects all of it, beyond the window: a paste replaces the whole text.
  await paste(page, text);
  assert.match(await page.getByTestId("editor-hint").textContent(), /Ctrl\/⌘ \+ Enter applies/);
  // Every progress the page shows, in order (a phase may last a frame or two).
  await page.evaluate(() => {
    window.progressSeen = [];
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="applying"] span')?.textContent;
      if (text && text !== window.progressSeen.at(-1)) window.progressSeen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await page.getByTestId("apply").click();
  await page.getByTestId("step-position").filter({ hasText: `Step ${docs.length} of ${docs.length} (now)` }).waitFor({ timeout: 60_000 });
  assert.equal(await page.getByTestId("error").count(), 0);
  const seen = await page.evaluate(() => window.progressSeen);
  const phases = [...new Set(seen.map((text) => text.split(" ")[0]))];
  assert.deepEqual(phases, ["Reading", "Decoding", "Running"], seen.join(" | "));
  assert.match(seen[0], /^Reading [\d.]+ (kB|MB) of 5\.\d MB$/);
  assert.match(seen.at(-1), new RegExp(`^Running step \\d+ of ${docs.length}$`));
});

test("Stop ends a long Apply and adds nothing", async () => {
  const text = Array.from({ length: 12_000 }, (_, i) => service(`s-${i}`, "  type: NodePort\n  ports: [{port: 80}]\n")).join("---\n");
  await paste(page, text);
  await page.getByTestId("apply").click({ noWaitAfter: true });
  await page.getByTestId("cancel-apply").click();
  await page.getByTestId("apply").waitFor();
  assert.match(await page.locator(".notice").textContent(), /^Stopped applying the editor's text: none of its steps were added\.$/);
  assert.equal(await page.getByTestId("step-position").textContent(), "Step 0 of 0 (now)");
});

test("a scenario step's note is the caption while its steps are shown, and a shared link keeps it", async () => {
  const svc = (name) => `{apiVersion: v1, kind: Service, metadata: {name: ${name}}, spec: {type: NodePort, ports: [{port: 80}]}}`;
  await apply(
    "apiVersion: portband/v1\nkind: Scenario\nsteps:\n" +
      `- apply: ${svc("a")}\n  note: "First, a takes a port from the dynamic band."\n` +
      `- apply: ${svc("f")}\n  repeat: 2\n  note: Two fillers follow.\n` +
      `- apply: ${svc("b")}\n`,
  );
  const note = page.getByTestId("step-note");
  assert.equal(await page.getByTestId("step-position").textContent(), "Step 4 of 4 (now)");
  assert.equal(await note.count(), 0, "the last step has no note");
  await page.getByTestId("step-back").click();
  assert.equal(await note.textContent(), "Two fillers follow.");
  await page.getByTestId("step-back").click();
  assert.equal(await note.textContent(), "Two fillers follow.", "the note covers every step its step made");
  await page.getByTestId("step-back").click();
  assert.equal(await note.textContent(), "First, a takes a port from the dynamic band.");
  // Download scenario and links write the history's inputs back, notes and all.
  await page.getByTestId("step-forward").click();
  await page.waitForFunction(() => {
    const status = document.querySelector('[data-testid="share-status"]').textContent;
    return location.hash.includes("at=2&s=") && !status.startsWith("Making");
  });
  const link = await page.evaluate(() => location.href);
  const other = await browser.newPage();
  await other.goto(link);
  await other.getByTestId("step-note").filter({ hasText: "Two fillers follow." }).waitFor();
  await other.close();
});

test("the previous and next rejection by button and Shift+arrows; the play speed by its menu and < >", async () => {
  const fixed = (name) => service(name, "  type: NodePort\n  ports: [{port: 80, nodePort: 30007}]\n");
  await apply([fixed("a"), fixed("b"), service("c", "  type: NodePort\n  ports: [{port: 80}]\n"), fixed("d")].join("---\n"));
  const position = () => page.getByTestId("step-position").textContent();
  await page.getByTestId("step-first").click();
  await page.getByTestId("rejection-forward").click();
  assert.equal(await position(), "Step 2 of 4");
  await page.locator("h1").click();
  await page.keyboard.press("Shift+ArrowRight");
  await settled(page);
  assert.equal(await position(), "Step 4 of 4 (now)");
  await page.keyboard.press("Shift+ArrowLeft");
  await settled(page);
  assert.equal(await position(), "Step 2 of 4");
  await page.getByTestId("rejection-back").click();
  assert.match(await page.locator(".notice").textContent(), /^No rejection before this step\.$/);
  // The speed: the menu, then the keys, which stop at either end.
  const speed = page.getByTestId("speed");
  assert.equal(await speed.inputValue(), "2");
  await speed.selectOption({ label: "4×" });
  await page.locator("h1").click();
  await page.keyboard.press(">");
  assert.equal(await speed.inputValue(), "4");
  for (let i = 0; i < 6; i++) await page.keyboard.press("<");
  assert.equal(await speed.inputValue(), "0");
  assert.equal(await speed.locator("option:checked").textContent(), "0.25×");
});
