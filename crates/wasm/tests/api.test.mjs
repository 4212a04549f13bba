// The JS module (dist/js/, built by the web build) in Node's WebAssembly: the same answers as the
// CLI (target/debug/portband, built by `cargo test`), byte for byte after JSON.stringify.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { readFile, readdir, writeFile, mkdtemp } from "node:fs/promises";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("../../../", import.meta.url).pathname;
const js = join(root, "dist/js/");
const cli = join(root, "target/debug/portband");
const { default: init, Cluster, Simulation, bands, check, kubernetesVersions, simulate, version } = await import(join(js, "portband.js"));

before(async () => {
  await init({ module_or_path: await readFile(join(js, "portband_bg.wasm")) });
});

/** Runs the CLI; its standard output and error, and its exit status. */
function portband(args, input) {
  const run = spawnSync(cli, args, { input, encoding: "utf8" });
  return { stdout: run.stdout, stderr: run.stderr, status: run.status };
}

const same = (a, b) => assert.equal(JSON.stringify(a), JSON.stringify(b));

const files = async (folder) =>
  (await readdir(join(root, folder))).filter((f) => f.endsWith(".yaml")).map((f) => join(root, folder, f));

test("report() is the CLI's JSON for every scenario and case file", async () => {
  const all = [...(await files("scenarios")), ...(await files("crates/kube/tests/cases"))];
  assert.ok(all.length > 30, "the scenarios and the case files");
  for (const file of all) {
    const cluster = Cluster.fromScenario(await readFile(file, "utf8"));
    const { stdout } = portband(["apply", "--format", "json", file]);
    same(cluster.report(), JSON.parse(stdout));
    cluster.free();
  }
});

test("apply returns the steps it added, in each mode; delete returns its step", () => {
  const web = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: NodePort, ports: [{name: http, port: 80}]}\n";
  const cluster = new Cluster({ range: "30000-30127", seed: 1, kubernetesVersion: "1.31" });
  const [created] = cluster.apply(web);
  assert.equal(created.result, "created");
  assert.equal(created.ports[0].band, "dynamic");
  assert.equal(created.ports[0].provenance.kind, "allocated");
  const [refused] = cluster.apply(web, { mode: "create" });
  assert.equal(refused.result, "rejected");
  assert.equal(refused.error, 'services "web" already exists');
  const nodePort = created.ports[0].nodePort;
  assert.deepEqual(cluster.owner(nodePort), {
    service: "default/web", name: "http", port: 80, protocol: "TCP", band: "dynamic", healthCheck: false,
  });
  assert.equal(cluster.owner(30000), null);
  assert.deepEqual(cluster.explain(0).ports.map((p) => p.kind), ["allocated"]);
  const deleted = cluster.delete("web");
  assert.equal(deleted.result, "deleted");
  assert.equal(cluster.report().steps.length, 3);
  assert.equal(cluster.report().kubernetesVersion, "1.31");
  // The same inputs through the CLI give the same report.
  const twice = `${web}---\n${web}`;
  const cliTwice = JSON.parse(portband(["apply", "--range", "30000-30127", "--seed", "1", "--kubernetes-version", "1.31", "--format", "json", "-"], twice).stdout);
  const again = new Cluster({ range: "30000-30127", seed: 1, kubernetesVersion: "1.31" });
  again.apply(twice);
  same(again.report(), cliTwice);
  cluster.free();
  again.free();
});

test("snapshot() is upstream's RangeAllocation: the range and the bitmap as big-endian bytes", () => {
  const cluster = new Cluster({ range: "30000-30015" });
  cluster.apply("apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {type: NodePort, ports: [{name: a, port: 80, nodePort: 30000}, {name: b, port: 81, nodePort: 30009}]}\n");
  const { range, data } = cluster.snapshot();
  assert.equal(range, "30000-30015");
  assert.ok(data instanceof Uint8Array);
  assert.deepEqual([...data], [0b10, 0b0000_0001]);
  cluster.free();
});

test("bands() and check() are the CLI's JSON, check's file named -", () => {
  for (const [range, options, flags] of [
    ["30000-32767", undefined, []],
    ["30000-30127", { staticSubrange: false }, ["--legacy"]],
    ["30000-30127", { kubernetesVersion: "1.27" }, ["--kubernetes-version", "1.27"]],
    ["30080", {}, []],
  ]) {
    same(bands(range, options), JSON.parse(portband(["bands", "--range", range, ...flags, "--format", "json"]).stdout));
  }
  const yaml = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {type: NodePort, ports: [{port: 80, nodePort: 30500}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec: {type: NodePort, ports: [{port: 80, nodePort: 30500}]}\n";
  const fromCli = JSON.parse(portband(["check", "--format", "json", "-"], yaml).stdout.replaceAll('"<stdin>"', '"-"'));
  const review = check(yaml, { range: "30000-32767" });
  same(review, fromCli);
  assert.equal(review.errors, 1);
  assert.equal(review.diagnostics[0].file, "-");
  assert.equal(typeof version(), "string");
});

test("check() against a cluster's state is the CLI's --cluster, the state's file named cluster", async () => {
  const dump = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: web, namespace: shop}\n  spec:\n    type: NodePort\n    ports:\n    - {port: 80, nodePort: 30500}\n";
  const yaml = "apiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: shop}\nspec: {type: NodePort, ports: [{port: 80, nodePort: 30500}]}\n";
  const dir = await mkdtemp(join(tmpdir(), "portband-cluster-"));
  await writeFile(join(dir, "cluster"), dump);
  const run = spawnSync(cli, ["check", "--cluster", "cluster", "--format", "json", "-"], { input: yaml, encoding: "utf8", cwd: dir });
  const fromCli = JSON.parse(run.stdout.replaceAll('"<stdin>"', '"-"'));
  const review = check(yaml, { cluster: dump });
  same(review, fromCli);
  assert.match(review.diagnostics[0].message, /provided port is already allocated; shop\/web holds 30500 \(spec\.ports\[0\]\.nodePort\)$/);
  assert.deepEqual(review.diagnostics[0].related, { file: "cluster", line: 10, column: 28 });
  assert.throws(() => check(yaml, { cluster: "items: [" }), (e) => e.message.startsWith("cluster:2:1: error: ") && e.line === 2);
});

test("unusable input throws the CLI's message, file named -, with line and column", () => {
  const broken = "apiVersion: v1\nkind: Service\nmetadata: {name: a\n";
  const cliMessage = portband(["apply", "-"], broken).stderr.trim().replace(/^<stdin>/, "-");
  const cluster = new Cluster();
  assert.throws(() => cluster.apply(broken), (e) => {
    assert.ok(e instanceof Error);
    assert.equal(e.message, cliMessage);
    assert.equal(typeof e.line, "number");
    assert.equal(typeof e.column, "number");
    return true;
  });
  assert.equal(cluster.report().steps.length, 0, "nothing was applied");
  assert.throws(() => Cluster.fromScenario(broken), /^Error: -:\d+:\d+: error: /);
  assert.throws(() => check(broken), /^Error: -:\d+:\d+: error: /);
  assert.throws(() => new Cluster({ range: "100 - 200" }), /^Error: error: invalid range "100 - 200": /);
  assert.throws(() => new Cluster({ seed: 1.5 }), /invalid seed/);
  assert.throws(() => new Cluster({ seed: -1 }), /invalid seed/);
  assert.throws(() => new Cluster({ rnage: "30000-30100" }), /invalid cluster options: unknown field `rnage`, expected one of `range`, `seed`/);
  assert.throws(() => new Cluster({ kubernetesVersion: "1.99" }), /portband models Kubernetes 1\.27 to 1\.35/);
  assert.throws(() => cluster.apply("a: 1", { mode: "patch" }), /a mode is apply, replace or create/);
  assert.throws(() => bands("x"), /invalid range "x"/);
  assert.throws(() => cluster.explain(5), /there is no step 5/);
  assert.throws(() => cluster.delete(""), /invalid Service "": /);
  // A Service the apiserver refuses is a step, not an exception.
  const [step] = cluster.apply("apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {type: NodePort, ports: [{port: 80, nodePort: 80}]}\n");
  assert.equal(step.result, "rejected");
  assert.match(step.error, /provided port is not in the valid range/);
  cluster.free();
});

test("serviceClusterIPRange: each step's clusterIPs and ipBands, the report's serviceCIDRs, as the CLI's flag", () => {
  const text = "apiVersion: v1\nkind: Service\nmetadata: {name: dns}\nspec: {clusterIP: 10.96.0.10, ports: [{port: 53, protocol: UDP}]}\n" +
    "---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ipFamilyPolicy: PreferDualStack, ports: [{port: 80}]}\n";
  const flag = "10.96.0.0/16,fd00:10:96::/108";
  const cluster = new Cluster({ serviceClusterIPRange: flag, seed: 3 });
  const [dns, web] = cluster.apply(text);
  assert.deepEqual([dns.clusterIPs, dns.ipBands], [["10.96.0.10"], ["static"]]);
  assert.equal(web.clusterIPs.length, 2);
  assert.deepEqual(web.ipBands, ["dynamic", "dynamic"]);
  assert.deepEqual(cluster.report().serviceCIDRs.map((c) => c.cidr), ["10.96.0.0/16", "fd00:10:96::/108"]);
  assert.deepEqual(cluster.settings.serviceCIDRs, cluster.report().serviceCIDRs);
  // A grid's window of the primary range: 16 cells of 16 addresses; the kubernetes Service holds
  // offset 0 (10.96.0.1), dns offset 9 (10.96.0.10), both in the first cell; web elsewhere.
  const now = cluster.at(2);
  const window = now.addresses(0, 0n, 16n, 16);
  assert.ok(window.services instanceof Int32Array && window.explicit instanceof Uint8Array);
  assert.equal(window.services[0], now.indexOf("kubernetes"), "the first Service of the cell's addresses");
  assert.equal(window.explicit[0], 1);
  assert.deepEqual(now.addressCell(0, 9n, 1n), { first: "10.96.0.10", last: "10.96.0.10", size: 1, band: "static", taken: 1, service: "default/dns", explicit: true, scanStart: null, passed: null });
  assert.deepEqual(now.addressCell(0, 0n, 4096n), { first: "10.96.0.1", last: "10.96.16.0", size: 4096, band: null, taken: 2, service: "default/kubernetes", explicit: true, scanStart: null, passed: null });
  // web's address, chosen by the allocator, and where its scan started.
  const [, b, c, d] = web.clusterIPs[0].split(".").map(Number);
  const webCell = now.addressCell(0, BigInt((b - 96) * 65536 + c * 256 + d - 1), 1n);
  assert.deepEqual([webCell.first, webCell.service, webCell.explicit, typeof webCell.scanStart, webCell.passed], [web.clusterIPs[0], "default/web", false, "string", 0]);
  const whole = now.addresses(0, 0n, 65534n, 1);
  assert.equal(whole.services[0], now.indexOf("kubernetes"));
  const v6 = now.addressCell(1, 0n, 1n);
  assert.deepEqual([v6.first, v6.band, v6.taken], ["fd00:10:96::1", "static", 0]);
  assert.equal(now.addressCell(0, 65534n, 1n), null, "past the range");
  assert.throws(() => now.addresses(2, 0n, 1n, 1), /no service CIDR 2/);
  assert.throws(() => now.addresses(0, 0n, 1n, 1 << 23), /more than 4194304 cells/);
  now.free();
  // The CLI's JSON for the same input and flag, byte for byte.
  const cli = spawnSync(join(root, "target/debug/portband"), ["apply", "--seed", "3", "--service-cluster-ip-range", flag, "--format", "json", "-"], { input: text, encoding: "utf8" });
  assert.equal(JSON.stringify(cluster.report(), null, 2) + "\n", cli.stdout);
  // A Service that asks for the kubernetes Service's address, as check sees it under each flag.
  const squatter = "apiVersion: v1\nkind: Service\nmetadata: {name: squatter}\nspec: {clusterIP: 10.0.0.1, ports: [{port: 80}]}\n";
  assert.deepEqual(check(squatter, { serviceClusterIPRange: "10.0.0.0/24" }).diagnostics.map((d) => d.message), [
    "Service \"squatter\" is invalid: spec.clusterIPs: Invalid value: [\"10.0.0.1\"]: failed to allocate IP 10.0.0.1: provided IP is already allocated; default/kubernetes holds 10.0.0.1",
  ]);
  assert.match(check(squatter, {}).diagnostics[0].message, /is not in the valid range\. The range of valid IPs is 10\.96\.0\.0\/12$/);
  // An IPv6 /64 (the IPAddress allocator's, from 1.34): its counts pass 2^53 and come as BigInts,
  // exact, as the CLI prints them.
  const wide = new Cluster({ serviceClusterIPRange: "10.96.0.0/16,fd00::/64" });
  wide.apply("apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ipFamilyPolicy: RequireDualStack, ports: [{port: 80}]}\n");
  const [, v6usage] = wide.summary().serviceCIDRs;
  assert.deepEqual([v6usage.used, v6usage.free, v6usage.static.used], [1, 2n ** 64n - 2n, 0]);
  assert.equal(wide.report().serviceCIDRs[1].dynamic.size, 2n ** 64n - 1n - 256n);
  assert.equal(wide.at(1).addressCell(1, 0n, 2n ** 64n - 1n).size, 2n ** 64n - 1n);
  wide.free();
  assert.throws(() => new Cluster({ serviceClusterIPRange: "10.0.0.0/8", kubernetesVersion: "1.32" }),
    /^Error: error: invalid serviceClusterIPRange "10\.0\.0\.0\/8": specified --service-cluster-ip-range is too large; for 32-bit addresses, the mask must be >= 12$/);
  cluster.free();
});

test("free() releases the cluster: using it afterwards throws", () => {
  const cluster = new Cluster();
  cluster.free();
  assert.throws(() => cluster.report());
});

test("the TypeScript declarations type a small example with no any", async () => {
  const dts = await readFile(join(js, "portband.d.ts"), "utf8");
  // wasm-bindgen's own init types aside, nothing of the API is `any`.
  const api = dts.slice(0, dts.indexOf("export type InitInput"));
  assert.doesNotMatch(api, /\bany\b/, api);
  const dir = await mkdtemp(join(tmpdir(), "portband-ts-"));
  await writeFile(join(dir, "example.ts"), `
import init, { Cluster, Simulation, bands, check, kubernetesVersions, simulate, type Step, type Report } from "${join(js, "portband.js")}";
await init();
const cluster = new Cluster({ range: "30000-32767", seed: 1 });
const steps: Step[] = cluster.apply("kind: List", { mode: "replace" });
const first: number | undefined = steps[0]?.ports[0]?.nodePort;
const report: Report = cluster.report();
const used: number = report.summary.static.used;
const owner = cluster.owner(30080);
const name: string | undefined = owner?.service;
const kind: "explicit" | "allocated" | "shared" | "kept" | "notAllocated" = cluster.explain(0).ports[0].kind;
const snapshot: Uint8Array = cluster.snapshot().data;
const size: number = bands("30000-32767", { staticSubrange: true }).static.size;
const errors: number = check("", { range: "30000-32767" }).errors;
const simulation = new Simulation({ dynamic: "0..2768:8", staticPorts: [30000], mode: "both" });
const finished: boolean = simulation.run(1000);
const exact: number | null | undefined = simulate({ dynamic: 10, trials: 5 }).points[0].split?.analytic;
const moment = cluster.withSettings({ staticSubrange: false }).at(cluster.length - 1);
const holder: number = moment.holders().services[0] + moment.holders().explicit[0];
const shared: number | undefined = moment.services(0, 10)[0]?.nodePorts[0]?.uses.length;
const free: number = moment.summary().dynamic.free + moment.serviceCount + moment.step;
const text: string = Cluster.fromScenario(cluster.scenario()).scenario();
const job = cluster.start(text, { mode: "create", takeSettings: true });
const phase: "parsing" | "decoding" | "running" | "failed" = job.progress.phase;
const added: number = job.run(40_000) ? cluster.finish(job) : 0;
const why = cluster.explain(0);
const holder2: string | undefined = why.cause?.kind === "taken" ? why.cause.holder?.service : undefined;
const line: number = why.line + why.released.length + cluster.steps(0, 5).length + (cluster.refusals(0, 5)[0]?.line ?? 0);
const gate: "alpha" | "beta" | "locked" | "removed" | undefined = kubernetesVersions()[0]?.gate;
const seed: number = cluster.settings.seed + cluster.settings.bands.static.size + moment.metrics().allocationTotal.static;
const last: string | undefined = cluster.lastInput()?.text;
const has: number = moment.indexOf("web") + (cluster.lastServiceStep(0) ?? -1) + (cluster.nextRefusal(0, true) ?? -1);
const took: number | undefined = cluster.taken(0, 1)[0]?.[0];
const differs: string | undefined = cluster.differences(cluster.withSettings({ staticSubrange: false }))[0]?.there.step.result;
console.log(first, used, name, kind, snapshot, size, errors, finished, simulation.done, exact, holder, shared, free, text, phase, added, holder2, line, gate, seed, last, has, took, differs);
`);
  const tsc = join(root, "web/node_modules/.bin/tsc");
  const run = spawnSync(tsc, ["--noEmit", "--strict", "--target", "es2022", "--lib", "esnext,dom", "--module", "es2022", "--moduleResolution", "bundler", "--allowImportingTsExtensions", join(dir, "example.ts")], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stdout + run.stderr);
});

test("simulate() and a Simulation run a number of trials at a time are the CLI's JSON", () => {
  const cases = [
    [{ dynamic: "2600..2768:8", trials: 500 }, ["--dynamic", "2600..2768:8", "--trials", "500"]],
    [
      { range: "30000-30999", dynamic: 900, staticPorts: [30000, 30500], order: "random", trials: 200, seed: 9, mode: "legacy" },
      ["--range", "30000-30999", "--dynamic", "900", "--static-port", "30000", "--static-port", "30500", "--order", "random", "--trials", "200", "--seed", "9", "--mode", "legacy"],
    ],
  ];
  for (const [options, args] of cases) {
    const cli = JSON.parse(portband(["simulate", "--format", "json", ...args]).stdout);
    same(simulate(options), cli);
    // In slices, with progress: the same result once every trial has run.
    const simulation = new Simulation(options);
    assert.equal(simulation.done, 0);
    // Before any trial: nothing known yet, and no NaN.
    const before = simulation.report().points[0];
    const mode = before.split ?? before.legacy;
    assert.deepEqual([mode.conflicts, mode.trials, mode.p, mode.ci95], [0, 0, 0, [0, 1]]);
    const seen = [];
    while (!simulation.run(170)) seen.push(simulation.done);
    assert.equal(simulation.done, simulation.total);
    assert.ok(seen.length > 0 && seen.every((d, i) => d === 170 * (i + 1)), String(seen));
    same(simulation.report(), cli);
    simulation.free();
  }
});

test("simulate() refuses what the CLI refuses, with its message after \"error: \"", () => {
  const message = (options) => {
    try {
      simulate(options);
    } catch (e) {
      assert.ok(e instanceof Error);
      return e.message;
    }
    assert.fail("no error");
  };
  assert.equal(message({ staticPorts: [29999], dynamic: 1 }), "error: static port 29999 is outside the range 30000-32767");
  assert.equal(message({ dynamic: 2769 }), "error: 2769 dynamic requests are more than the range's 2768 ports");
  assert.equal(message({ trials: 0, dynamic: 1 }), "error: the number of trials must be at least 1");
  assert.equal(message({ dynamic: "5..3" }), 'error: invalid dynamic "5..3": A (5) is over B (3)');
  assert.equal(message({ order: "sideways" }), 'error: invalid order "sideways": expected "dynamic-first" or "random"');
  assert.equal(message({ mode: "neither" }), 'error: invalid mode "neither": expected "split", "legacy" or "both"');
  assert.match(message({ trails: 10 }), /^error: invalid simulate options: unknown field `trails`/);
  assert.match(message({ seed: 2 ** 53 }), /^error: invalid seed: a seed is a whole number from 0 to 9007199254740991$/);
});

test("at(step) is the state after that many steps: its Services, summary, owners and holders", () => {
  const cluster = Cluster.fromScenario(
    "apiVersion: portband/v1\nkind: Scenario\nrange: 30000-30099\nseed: 1\nsteps:\n" +
      "- apply: {apiVersion: v1, kind: Service, metadata: {name: web}, spec: {type: NodePort, ports: [{name: http, port: 80}, {name: dns, port: 53, protocol: UDP, nodePort: 30003}, {name: dns-tcp, port: 53}]}}\n" +
      "- apply: {apiVersion: v1, kind: Service, metadata: {name: lb, namespace: edge}, spec: {type: LoadBalancer, externalTrafficPolicy: Local, ports: [{port: 443}]}}\n" +
      "- delete: web\n",
  );
  assert.equal(cluster.length, 3);
  const report = cluster.report();
  const web = report.steps[0].ports;
  // After the first step: the kubernetes Service, which every cluster has from the start, and
  // web, its three ports on two nodePorts (53 shares 30003).
  const first = cluster.at(1);
  assert.equal(first.step, 1);
  assert.equal(first.serviceCount, 2);
  assert.deepEqual(first.services(0, 10), [{ service: "default/kubernetes", type: "ClusterIP", nodePorts: [] }, {
    service: "default/web", type: "NodePort", nodePorts: [
      { nodePort: web[0].nodePort, band: web[0].band, uses: [{ name: "http", port: 80, protocol: "TCP" }], healthCheck: false, explicit: false },
      { nodePort: 30003, band: "static", uses: [{ name: "dns", port: 53, protocol: "UDP" }, { name: "dns-tcp", port: 53, protocol: "TCP" }], healthCheck: false, explicit: true },
    ],
  }]);
  const addresses = first.summary().serviceCIDRs;
  assert.deepEqual(addresses.map((c) => [c.cidr, c.used, c.static.used]), [["10.96.0.0/12", 2, 1]], "kubernetes' address and web's");
  assert.deepEqual(first.summary(), { used: 2, free: 98, static: { used: 1, free: 15 }, dynamic: { used: 1, free: 83 }, serviceCIDRs: addresses });
  assert.deepEqual(first.owner(30003), { service: "default/web", name: "dns", port: 53, protocol: "UDP", band: "static", healthCheck: false });
  const holders = first.holders();
  assert.ok(holders.services instanceof Int32Array && holders.explicit instanceof Uint8Array);
  assert.equal(holders.services.length, 100);
  assert.equal(holders.explicit.length, 100);
  for (let i = 0; i < 100; i++) {
    const owner = first.owner(30000 + i);
    assert.equal(holders.services[i], owner ? 1 : -1, `port ${30000 + i}: web is the second Service of the list`);
    assert.equal(holders.explicit[i], 30000 + i === 30003 ? 1 : 0, `port ${30000 + i}: only 30003 was written`);
  }
  // Now: web is gone, lb holds a nodePort and its health-check port.
  const now = cluster.at(99);
  assert.equal(now.step, 3);
  assert.deepEqual(now.services(0, 10).map((s) => [s.service, s.type, s.nodePorts.map((p) => p.healthCheck)]), [["default/kubernetes", "ClusterIP", []], ["edge/lb", "LoadBalancer", [false, true]]]);
  assert.deepEqual(now.summary(), report.summary);
  assert.equal(now.owner(30003), null);
  assert.deepEqual(now.services(5, 9), []);
  assert.equal(cluster.at(0).serviceCount, 1, "the kubernetes Service");
  for (const moment of [first, now]) moment.free();
  cluster.free();
});

test("scenario() writes every input back; withSettings() runs them under other settings", () => {
  const web = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: NodePort, ports: [{port: 80, nodePort: 30001}]}\n";
  const other = "apiVersion: v1\nkind: Service\nmetadata: {name: other}\nspec: {type: NodePort, ports: [{port: 80}]}\n";
  const cluster = new Cluster({ range: "30000-30099", seed: 7, kubernetesVersion: "1.30" });
  cluster.apply(web, { mode: "create" });
  cluster.apply(other);
  cluster.delete("web");
  const again = Cluster.fromScenario(cluster.scenario());
  same(again.report(), cluster.report());
  assert.equal(again.scenario(), cluster.scenario());
  // The same inputs, without the split and on 1.27 (whose default is no split): the steps are
  // the same requests, and the settings are the new ones.
  const legacy = cluster.withSettings({ staticSubrange: false });
  assert.equal(legacy.report().bands.static.size, 0);
  assert.equal(legacy.report().kubernetesVersion, "1.30");
  assert.deepEqual(legacy.report().steps.map((s) => s.result), ["created", "created", "deleted"]);
  assert.equal(cluster.withSettings({ kubernetesVersion: "1.27" }).report().bands.static.size, 0, "1.27's default: no split");
  assert.equal(cluster.withSettings({ kubernetesVersion: "1.28" }).report().bands.static.size, 16);
  const moved = cluster.withSettings({ range: "31000-31099" });
  assert.equal(moved.report().range, "31000-31099");
  assert.equal(moved.report().steps[0].result, "rejected", "30001 is outside the new range");
  same(Cluster.fromScenario(moved.scenario()).report(), moved.report());
  // Compare: the step the other range refuses, each run's log line; none against itself.
  const differences = cluster.differences(moved);
  assert.deepEqual(differences.map((d) => [d.step, d.here.step.result, d.there.step.result]), [[0, "created", "rejected"], [2, "deleted", "rejected"]]);
  assert.match(differences[0].there.kubectlError, /provided port is not in the valid range/);
  assert.deepEqual(cluster.differences(again), []);
  assert.throws(() => cluster.withSettings({ seed: -1 }), /invalid seed/);
  assert.throws(() => cluster.withSettings({ rnage: "1-2" }), /invalid settings options: unknown field `rnage`/);
  for (const c of [cluster, again, legacy, moved]) c.free();
});

test("steps(from, to) is a window of report().steps; explain(i) says what else a step did and why it was refused", () => {
  const cluster = Cluster.fromScenario(
    "apiVersion: portband/v1\nkind: Scenario\nrange: 30000-30099\nseed: 1\nsteps:\n" +
      "- apply: {apiVersion: v1, kind: Service, metadata: {name: a}, spec: {type: NodePort, ports: [{port: 80, nodePort: 30005}]}}\n" +
      "- apply: {apiVersion: v1, kind: Service, metadata: {name: b}, spec: {type: NodePort, ports: [{name: web, port: 80, nodePort: 30005}]}}\n" +
      "- apply: {apiVersion: v1, kind: Service, metadata: {name: a}, spec: {type: ClusterIP, ports: [{port: 80}]}}\n" +
      "- apply: {apiVersion: apps/v1, kind: Deployment, metadata: {name: d}}\n",
  );
  const all = cluster.report().steps;
  same(cluster.steps(0, 99), all);
  same(cluster.steps(1, 3), all.slice(1, 3));
  assert.deepEqual(cluster.steps(3, 1), []);
  const refused = cluster.explain(1);
  assert.equal(all[1].result, "rejected");
  assert.deepEqual(refused.cause, { kind: "taken", field: "spec.ports[0].nodePort", port: 30005, holder: { service: "default/a", field: "spec.ports[0].nodePort" } });
  assert.equal(refused.line, 7, "the line of b's nodePort, which the error points at");
  assert.deepEqual(cluster.explain(2).released, [30005]);
  assert.equal(cluster.explain(2).cause, null);
  assert.equal(cluster.explain(3).kind, "Deployment");
  assert.equal(cluster.explain(0).line, 6);
  assert.deepEqual(cluster.refusals(0, 99), [{ step: 1, line: 7, message: all[1].error, taken: 30005 }]);
  assert.deepEqual(cluster.refusals(2, 99), []);
  // What each step took: a's explicit port; nothing for the refusal, the release, the Deployment.
  assert.deepEqual(cluster.taken(0, 99), [[30005], [], [], []]);
  const update = Cluster.fromScenario(
    "apiVersion: portband/v1\nkind: Scenario\nrange: 30000-30099\nseed: 1\nsteps:\n" +
      "- apply: {apiVersion: v1, kind: Service, metadata: {name: a}, spec: {type: NodePort, ports: [{name: web, port: 80, nodePort: 30005}]}}\n" +
      "- apply: {apiVersion: v1, kind: Service, metadata: {name: a}, spec: {type: NodePort, ports: [{name: web, port: 80, nodePort: 30005}, {name: admin, port: 81}]}}\n",
  );
  const [{ ports }] = update.steps(1, 2);
  const [line] = update.log(1, 2);
  same(line.step, update.steps(1, 2)[0]);
  assert.deepEqual(line.held, ports.map((p) => ({
    nodePort: p.nodePort, band: p.band, uses: [{ name: p.name, port: p.port, protocol: "TCP" }],
    healthCheck: false, explicit: p.provenance.kind === "explicit",
  })));
  assert.equal(line.portLines.length, 2);
  assert.match(line.portLines[1], /^admin 81\/TCP → \d+ \(dynamic, allocated\)$/);
  const [refusedLine] = cluster.log(1, 2);
  assert.deepEqual([refusedLine.held, refusedLine.code, refusedLine.reason], [[], 422, "Invalid"], "a refused step holds nothing");
  assert.match(refusedLine.kubectlError, /^Error from server \(Invalid\): error when applying patch|^Error from server \(Invalid\): error when creating "STDIN": /);
  assert.equal(cluster.log(3, 4)[0].kind, "Deployment");
  // The last step that reached a Service: the delete, not the Deployment after it.
  assert.deepEqual([0, 3, 99].map((from) => cluster.lastServiceStep(from)), [2, undefined, undefined]);
  // Step 1 is the refused one: found forward from 0 and 1, backward from 2 on, and not past it.
  assert.deepEqual([0, 1, 2].map((step) => cluster.nextRefusal(step, true)), [1, 1, undefined]);
  assert.deepEqual([1, 2, 99].map((step) => cluster.nextRefusal(step, false)), [undefined, 1, 1]);
  const [[first], second] = update.taken(0, 2);
  assert.equal(first, 30005);
  assert.equal(second.length, 1, "the update keeps 30005 and takes one port for admin");
  assert.equal(second[0], update.steps(1, 2)[0].ports[1].nodePort);
  update.free();
  cluster.free();
});

test("kubernetesVersions() lists the releases with their band split's gate, as the CLI's version --supported", () => {
  const releases = kubernetesVersions();
  const { stdout } = portband(["version", "--supported"]);
  for (const { version } of releases) assert.match(stdout, new RegExp(`\\b${version.replace(".", "\\.")}\\b`));
  assert.deepEqual(releases.slice(0, 3).map((r) => [r.version, r.gate, r.splitByDefault, r.noLegacyNote === null]), [
    ["1.27", "alpha", false, true],
    ["1.28", "beta", true, true],
    ["1.29", "locked", true, false],
  ]);
  const newest = releases.at(-1);
  assert.equal(newest.gate, "removed");
  assert.equal(new Cluster().report().kubernetesVersion, newest.version, "the last is the default");
  assert.match(newest.noLegacyNote, /no feature gate ServiceNodePortStaticSubrange \(removed in 1\.31\)/);
});

test("start() applies a slice at a time on a copy; finish() takes the steps, as apply would have", () => {
  const text = Array.from({ length: 400 }, (_, i) =>
    `apiVersion: v1\nkind: Service\nmetadata: {name: s${i}}\nspec: {type: NodePort, ports: [{port: 80}]}\n`).join("---\n");
  const whole = new Cluster({ seed: 3 });
  whole.apply(text, { mode: "replace" });
  const sliced = new Cluster({ seed: 3 });
  const job = sliced.start(text, { mode: "replace" });
  const phases = [];
  while (!job.run(500)) {
    const { phase, done, total } = job.progress;
    if (phases.at(-1) !== phase) phases.push(phase);
    assert.ok(done <= total, `${phase} ${done}/${total}`);
    assert.equal(sliced.length, 0, "nothing changes before finish");
  }
  assert.deepEqual(phases, ["parsing", "decoding", "running"]);
  assert.deepEqual(job.progress, { phase: "running", done: 400, total: 400 });
  assert.equal(sliced.finish(job), 400);
  same(sliced.report(), whole.report());
  assert.equal(sliced.scenario(), whole.scenario());

  // A scenario's settings: kept out, as apply does, unless asked for.
  const scenario = "apiVersion: portband/v1\nkind: Scenario\ndescription: small\nrange: 31000-31009\nsteps: []\n";
  const kept = sliced.start(scenario, {});
  assert.equal(kept.run(1e6), true);
  assert.equal(kept.description, "small");
  assert.equal(kept.settingsTaken, false);
  const taken = sliced.start(scenario, { takeSettings: true });
  taken.run(1e6);
  assert.equal(taken.settingsTaken, true);
  assert.equal(sliced.finish(taken), 0);
  assert.equal(sliced.report().range, "31000-31009");
  assert.equal(sliced.length, 400, "the earlier steps run again under the new settings");
  assert.throws(() => sliced.finish(kept), /the cluster has changed since this apply started/);

  // Unusable text throws as apply does, again on every run; an unfinished job is refused.
  const thrown = (f) => {
    try {
      f();
    } catch (e) {
      return [e.message, e.line, e.column];
    }
    assert.fail("no error");
  };
  const broken = sliced.start("a: [", {});
  const asApply = thrown(() => new Cluster().apply("a: ["));
  assert.match(asApply[0], /^-:2:1: error: /);
  assert.deepEqual(thrown(() => broken.run(1e6)), asApply);
  assert.deepEqual(thrown(() => broken.run(1e6)), asApply);
  assert.equal(broken.progress.phase, "failed");
  const unfinished = sliced.start(text, {});
  unfinished.run(10);
  assert.throws(() => sliced.finish(unfinished), /has not finished/);
  assert.throws(() => sliced.start(text, { takeSetings: true }), /invalid start options: unknown field `takeSetings`/);
  for (const c of [whole, sliced]) c.free();
});

test("settings, lastInput(), and a moment's metrics and Services by name", () => {
  const web = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: NodePort, ports: [{name: a, port: 80, nodePort: 30001}, {name: b, port: 81}]}\n";
  const cluster = new Cluster({ range: "30000-30099", seed: 5, kubernetesVersion: "1.28" });
  assert.deepEqual(cluster.settings, {
    range: "30000-30099", seed: 5, staticSubrange: true, kubernetesVersion: "1.28",
    serviceCIDRs: [{ cidr: "10.96.0.0/12", static: { first: "10.96.0.1", last: "10.96.1.0", size: 256 }, dynamic: { first: "10.96.1.1", last: "10.111.255.254", size: 1048318 } }],
    bands: { static: { first: 30000, last: 30015, size: 16 }, dynamic: { first: 30016, last: 30099, size: 84 } },
  });
  const { static: lower, dynamic: upper } = bands("30000-32767", {});
  assert.deepEqual(new Cluster().settings.bands, { static: lower, dynamic: upper });
  assert.equal(cluster.lastInput(), null);
  cluster.apply(web, { mode: "create" });
  cluster.delete("web");
  assert.deepEqual(cluster.lastInput(), { text: web, mode: "create" }, "a delete is not an input text");
  const scenario = "apiVersion: portband/v1\nkind: Scenario\nsteps: []\n";
  assert.deepEqual(Cluster.fromScenario(scenario).lastInput(), null, "a scenario's inputs, and it has none");
  const then = cluster.at(1);
  assert.deepEqual([then.indexOf("web"), then.indexOf("default/web")], [1, 1], "after default/kubernetes");
  assert.deepEqual([then.indexOf("other"), then.indexOf("not a key!")], [-1, -1]);
  assert.deepEqual(cluster.summary(), cluster.report().summary);
  assert.equal(cluster.description, undefined);
  assert.equal(Cluster.fromScenario("apiVersion: portband/v1\nkind: Scenario\ndescription: a story\nsteps: []\n").description, "a story");
  assert.deepEqual(then.metrics(), {
    allocatedPorts: 2, availablePorts: 98,
    allocationTotal: { static: 1, dynamic: 1 }, allocationErrorsTotal: { static: 0, dynamic: 0 },
  });
  assert.equal(cluster.at(2).metrics().allocatedPorts, 0);
  assert.equal(cluster.at(0).metrics().allocationTotal.static, 0);
  cluster.free();
});

test("a moment's nextPick() gives each free port of the band scanned the random starts that reach it; chances() the odds a step's picks had", () => {
  const cluster = Cluster.fromScenario(
    "apiVersion: portband/v1\nkind: Scenario\nrange: 30000-30099\nseed: 7\nsteps:\n" +
      "- apply: {apiVersion: v1, kind: Service, metadata: {name: s}, spec: {type: NodePort, ports: [{port: 80}]}}\n  repeat: 40\n" +
      "- apply: {apiVersion: v1, kind: Service, metadata: {name: pair}, spec: {type: NodePort, ports: [{name: a, port: 1}, {name: b, port: 2}]}}\n",
  );
  for (const step of [0, 17, 40]) {
    const moment = cluster.at(step);
    const next = moment.nextPick();
    assert.ok(next.ports instanceof Int32Array && next.starts instanceof Uint32Array);
    assert.deepEqual([next.span.first, next.span.last], [30016, 30099], "the dynamic band, which has room");
    // Every start of the band, scanned as the allocator scans: the first free port from it, wrapping.
    const free = (port) => moment.owner(port) === null;
    const reached = new Map();
    for (let start = 0; start < next.span.size; start++) {
      let k = 0;
      while (!free(next.span.first + ((start + k) % next.span.size))) k++;
      const port = next.span.first + ((start + k) % next.span.size);
      reached.set(port, (reached.get(port) ?? 0) + 1);
    }
    assert.deepEqual(new Map([...next.ports].map((p, i) => [p, next.starts[i]])), reached, `step ${step}`);
    moment.free();
  }
  // A step's picks had the odds the moment before it gave their ports (the pair's second pick, in
  // the state after its first).
  for (const step of [1, 18, 40]) {
    const before = cluster.at(step - 1).nextPick();
    const [chance] = cluster.at(step).chances();
    const i = [...before.ports].indexOf(chance.port);
    assert.deepEqual([chance.starts, chance.of], [before.starts[i], before.span.size], `step ${step}`);
  }
  assert.equal(cluster.at(41).chances().length, 2, "the pair's two dynamic picks");
  assert.deepEqual(cluster.at(0).chances(), [], "before any step");
  cluster.free();
});
