// `portband check --format junit` read by a JUnit reader (junit2json, in web/node_modules): a suite
// per file, a case per Service, failures with the message. Uses the CLI `cargo test` builds.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";

const root = new URL("../../../", import.meta.url).pathname;
const require = createRequire(join(root, "web/package.json"));
const { parse } = require("junit2json");

const service = (name, nodePort) =>
  `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: shop}\nspec: {type: NodePort, ports: [{port: 80, nodePort: ${nodePort}}]}\n`;

test("check's JUnit XML is read by a JUnit reader: a case per Service, a failure per error", async () => {
  // Quotes in a message (an invalid name's) come back as they were through the XML.
  const yaml = `${service("web", 30010)}---\n${service("api", 30010)}---\n${service("edge", 30500)}---\n${service("Bad_Name", 30020)}`;
  const run = spawnSync(join(root, "target/debug/portband"), ["check", "--format", "junit", "-"], { input: yaml, encoding: "utf8" });
  assert.equal(run.status, 1, run.stderr);
  const report = await parse(run.stdout);
  assert.equal(report.name, "portband");
  assert.equal(report.tests, 4);
  assert.equal(report.failures, 2);
  const [suite] = report.testsuite;
  assert.equal(suite.name, "<stdin>");
  assert.deepEqual(suite.testcase.map((c) => [c.name, c.classname, (c.failure ?? []).length]), [
    ["shop/web", "Service@v1", 0],
    ["shop/api", "Service@v1", 1],
    ["shop/edge", "Service@v1", 0],
    ["shop/Bad_Name", "Service@v1", 1],
  ]);
  assert.match(suite.testcase[1].failure[0].message, /^nodePort 30010 is also requested by shop\/web; /);
  const json = JSON.parse(spawnSync(join(root, "target/debug/portband"), ["check", "--format", "json", "-"], { input: yaml, encoding: "utf8" }).stdout);
  const bad = json.diagnostics.find((d) => d.service === "shop/Bad_Name").message;
  assert.match(bad, /"Bad_Name".*'my-name'/);
  assert.equal(suite.testcase[3].failure[0].message, bad);
  // With --deny-warnings, the warning about the dynamic band fails its case too.
  const strict = spawnSync(join(root, "target/debug/portband"), ["check", "--deny-warnings", "--format", "junit", "-"], { input: yaml, encoding: "utf8" });
  const failing = (await parse(strict.stdout)).testsuite[0].testcase.filter((c) => c.failure).map((c) => c.name);
  assert.deepEqual(failing, ["shop/api", "shop/edge", "shop/Bad_Name"]);
});
