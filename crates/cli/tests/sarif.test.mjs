// `portband check --format sarif` validated against the OASIS SARIF 2.1.0 schema (fetched by
// scripts/test into target/, from the serde-sarif crate that ships it) with Ajv, and read back:
// rules, results, locations. Uses the CLI `cargo test` builds.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("../../../", import.meta.url).pathname;
const require = createRequire(join(root, "web/package.json"));
const Ajv = require("ajv");
const addFormats = require("ajv-formats");

const schemaFile = join(root, "target/sarif-schema-2.1.0.json");
assert.ok(existsSync(schemaFile), `${schemaFile} is missing: scripts/test fetches it (ensure_sarif_schema in scripts/tools.sh)`);
const schema = JSON.parse(readFileSync(schemaFile, "utf8"));
// The schema's `language` pattern has a stray `]`, which a Unicode-mode RegExp refuses.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);

const portband = (args, input) => spawnSync(join(root, "target/debug/portband"), args, { input, encoding: "utf8" });
const service = (name, nodePort) =>
  `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: shop}\nspec: {type: NodePort, ports: [{port: 80, nodePort: ${nodePort}}]}\n`;

function valid(log) {
  const ok = validate(log);
  assert.ok(ok, JSON.stringify(validate.errors, null, 2));
}

test("the schema check itself refuses a log that breaks it", () => {
  assert.equal(validate({ version: "2.1.0", runs: [{ tool: { driver: {} } }] }), false);
  assert.equal(validate({ version: "2.1.0", runs: [{ tool: { driver: { name: "x" } }, results: [{ ruleId: "r" }] }] }), false);
});

test("check's SARIF is valid SARIF 2.1.0: a rule per kind of finding, a result per finding, with places", () => {
  const dir = mkdtempSync(join(tmpdir(), "portband-sarif-"));
  // A name with a space and a '#' is written as a URI reference.
  const file = join(dir, "shop services#1.yaml");
  writeFileSync(file, `${service("web", 30010)}---\n${service("api", 30010)}---\n${service("edge", 30500)}---\n${service("Bad_Name", 30020)}`);
  const run = portband(["check", "--format", "sarif", file]);
  assert.equal(run.status, 1, run.stderr);
  const log = JSON.parse(run.stdout);
  valid(log);
  const [only] = log.runs;
  assert.equal(log.runs.length, 1);
  assert.equal(only.tool.driver.name, "portband");
  const ids = only.tool.driver.rules.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const rule of only.tool.driver.rules) {
    assert.ok(rule.shortDescription.text.length > 10 && rule.help.text.length > 10, rule.id);
  }
  // Every result names its rule by id and by index, and the findings are those of the JSON format.
  const json = JSON.parse(portband(["check", "--format", "json", file]).stdout);
  assert.equal(only.results.length, json.diagnostics.length);
  only.results.forEach((result, i) => {
    const finding = json.diagnostics[i];
    assert.equal(ids[result.ruleIndex], result.ruleId);
    assert.equal(result.level, finding.severity);
    assert.equal(result.message.text, `${finding.service}: ${finding.message}`);
    const { artifactLocation, region } = result.locations[0].physicalLocation;
    assert.equal(decodeURIComponent(artifactLocation.uri), file);
    assert.match(artifactLocation.uri, /shop%20services%231\.yaml$/);
    assert.deepEqual([region.startLine, region.startColumn], [finding.line, finding.column]);
  });
  assert.deepEqual(only.results.map((r) => r.ruleId), ["requested-twice", "dynamic-band", "invalid"]);
  const twice = only.results[0];
  assert.equal(twice.relatedLocations[0].message.text, "first requested here");
  assert.equal(twice.relatedLocations[0].physicalLocation.region.startLine, json.diagnostics[0].related.line);
});

test("check's SARIF against a cluster's state names the holder's place in the state; standard input has no URI", () => {
  const dir = mkdtempSync(join(tmpdir(), "portband-sarif-"));
  const state = join(dir, "cluster.yaml");
  writeFileSync(state, `apiVersion: v1\nkind: List\nitems:\n- ${service("web", 30010).trimEnd().replaceAll("\n", "\n  ")}\n`);
  const run = portband(["check", "--cluster", state, "--format", "sarif", "-"], service("api", 30010));
  assert.equal(run.status, 1, run.stderr);
  const log = JSON.parse(run.stdout);
  valid(log);
  const [result] = log.runs[0].results;
  assert.equal(result.ruleId, "port-taken");
  assert.match(result.message.text, /provided port is already allocated; shop\/web holds 30010 \(spec\.ports\[0\]\.nodePort\)$/);
  assert.equal(result.locations[0].physicalLocation.artifactLocation.uri, undefined);
  assert.equal(result.locations[0].physicalLocation.artifactLocation.description.text, "standard input");
  const held = result.relatedLocations[0];
  assert.equal(held.message.text, "held here");
  assert.equal(decodeURIComponent(held.physicalLocation.artifactLocation.uri), state);
  assert.equal(held.physicalLocation.region.startLine, 7);
});

test("a clean review is a valid SARIF log with no results", () => {
  const run = portband(["check", "--format", "sarif", "-"], service("web", 30010));
  assert.equal(run.status, 0, run.stderr);
  const log = JSON.parse(run.stdout);
  valid(log);
  assert.deepEqual(log.runs[0].results, []);
});
