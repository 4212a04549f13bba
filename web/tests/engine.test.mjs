// The app's engine worker (/engine.js), in headless Chromium: it loads the JS module in a module
// Web Worker and runs batches of calls for the page, its objects kept as handles.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { serve, launch, DIST } from "./harness.mjs";

let server, browser, page;

before(async () => {
  server = await serve(DIST);
  browser = await launch();
  page = await browser.newPage();
  page.on("pageerror", (e) => {
    throw e;
  });
  await page.goto(`${server.url}docs/embeds.html`);
  // A worker, and `call(batch)` that resolves to its reply.
  const ready = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const worker = new Worker("/engine.js", { type: "module" });
        const waiting = new Map();
        let id = 0;
        worker.onmessage = ({ data }) => {
          if ("ready" in data || "failed" in data) return resolve(data);
          waiting.get(data.id)(data);
          waiting.delete(data.id);
        };
        window.call = (calls) => new Promise((done) => waiting.set(++id, done) && worker.postMessage({ id, calls }));
      }),
  );
  assert.match(ready.ready, /^\d+\.\d+\.\d+$/, JSON.stringify(ready));
});
after(async () => {
  await browser?.close();
  await server?.close();
});

const call = (calls) => page.evaluate((calls) => window.call(calls), calls);
const web = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: NodePort, ports: [{port: 80, nodePort: 30007}]}\n";

test("one batch creates a cluster, applies, and reads a moment; its objects stay as handles", async () => {
  const { results } = await call([
    ["module", "new Cluster", { range: "30000-30099", seed: 1 }],
    [{ result: 0 }, "apply", web, {}],
    [{ result: 0 }, "at", 1],
    [{ result: 2 }, "summary"],
    [{ result: 2 }, "holders"],
    [{ result: 0 }, "length"],
    ["module", "version"],
  ]);
  const [cluster, steps, moment, summary, holders, length] = results;
  assert.ok(Number.isInteger(cluster.handle) && Number.isInteger(moment.handle));
  assert.equal(steps[0].ports[0].nodePort, 30007);
  assert.deepEqual(summary.static, { used: 1, free: 15 });
  assert.deepEqual([holders.services[7], holders.services[8], holders.explicit[7]], [1, -1, 1], "30007: web's, the second Service (after default/kubernetes), written");
  assert.equal(length, 1);
  // The handles outlive the batch; a freed one is gone.
  const later = await call([[cluster, "owner", 30007], [moment, "free"], [moment, "summary"]]);
  assert.equal(later.at, 2);
  assert.match(later.error.message, /freed/);
  const owner = await call([[cluster, "owner", 30007]]);
  assert.equal(owner.results[0].service, "default/web");
  await call([[cluster, "free"]]);
});

test("an Apply runs a slice per call, and a bad text's error keeps its line and column", async () => {
  const text = Array.from({ length: 300 }, (_, i) => web.replace("name: web", `name: s${i}`).replace(", nodePort: 30007", "")).join("---\n");
  const [cluster, job] = (await call([["module", "new Cluster", {}], [{ result: 0 }, "start", text, { mode: "create" }]])).results;
  let done = false;
  const phases = new Set();
  while (!done) {
    const { results } = await call([[job, "run", 2000], [job, "progress"]]);
    [done] = results;
    phases.add(results[1].phase);
  }
  assert.deepEqual([...phases], ["parsing", "decoding", "running"]);
  const { results } = await call([[cluster, "finish", job], [cluster, "length"]]);
  assert.deepEqual(results, [300, 300]);
  const bad = await call([[cluster, "apply", "kind: Service\nspec: {ports: [", {}]]);
  assert.equal(bad.at, 0);
  assert.deepEqual([bad.error.line, bad.error.column], [3, 1]);
  assert.match(bad.error.message, /^-:3:1: error: /);
  const unknown = await call([["module", "Cluster.nope"]]);
  assert.match(unknown.error.message, /the module has no Cluster.nope/);
});

test("a page whose engine cannot load says why instead of waiting for it", async () => {
  for (const blocked of ["**/js/portband_bg.wasm", "**/engine.js"]) {
    // A context of its own: nothing of the engine in its cache.
    const context = await browser.newContext();
    const broken = await context.newPage();
    await broken.route(blocked, (route) => route.abort());
    await broken.goto(server.url);
    const error = broken.getByTestId("error");
    await error.waitFor();
    assert.match(await error.textContent(), /the engine could not (load|start)/, blocked);
    await context.close();
  }
});
