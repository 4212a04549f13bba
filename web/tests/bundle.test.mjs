// The release build's size budget: what a browser downloads for the app's code stays under the
// budget the README's Performance section gives and explains (160 KB after the redesign, 165 KB
// with the phone layout and keyboard fixes, 175 KB with the editor that holds megabytes and the
// Apply that runs in slices, 182 KB with the Kubernetes versions and the Service rules they
// brought), so that a change that breaks it is seen.
import { test } from "node:test";
import assert from "node:assert/strict";
import { gzippedCode, DIST } from "./harness.mjs";

test("the app's wasm and JavaScript, gzipped, stay under 182 kB", () => {
  const bytes = gzippedCode(DIST);
  assert.ok(bytes > 50_000, `${bytes} bytes: is dist/ a release build of the app?`);
  assert.ok(bytes < 182_000, `${bytes} bytes gzipped: over the 182 kB budget`);
});
