// The release build's size budget: what a browser downloads for the app's code stays under the
// 160 KB the web app was given (README, Performance), so that a change that breaks it is seen.
import { test } from "node:test";
import assert from "node:assert/strict";
import { gzippedCode, DIST } from "./harness.mjs";

test("the app's wasm and JavaScript, gzipped, stay under 160 kB", () => {
  const bytes = gzippedCode(DIST);
  assert.ok(bytes > 50_000, `${bytes} bytes: is dist/ a release build of the app?`);
  assert.ok(bytes < 160_000, `${bytes} bytes gzipped: over the 160 kB budget`);
});
