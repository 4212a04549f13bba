// The release build's size budget: what a browser downloads for the app's code stays under the
// budget the README's Performance section gives and explains (160 KB after the redesign, 165 KB
// with the phone layout and keyboard fixes), so that a change that breaks it is seen.
import { test } from "node:test";
import assert from "node:assert/strict";
import { gzippedCode, DIST } from "./harness.mjs";

test("the app's wasm and JavaScript, gzipped, stay under 165 kB", () => {
  const bytes = gzippedCode(DIST);
  assert.ok(bytes > 50_000, `${bytes} bytes: is dist/ a release build of the app?`);
  assert.ok(bytes < 165_000, `${bytes} bytes gzipped: over the 165 kB budget`);
});
