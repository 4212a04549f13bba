// Trunk post-build hook (see Trunk.toml) for release builds: minifies the JavaScript, wasm-bindgen's
// glue and the snippets under snippets/, with terser (Trunk's own minifier leaves the glue as it
// is). index.html carries no integrity hashes for these files (data-integrity="none"), so nothing
// else needs to change.

import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { minify } from "terser";

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error("TRUNK_STAGING_DIR is not set: run this from trunk's post_build hook");
if (process.env.TRUNK_PROFILE !== "release") process.exit(0);
for (const name of (await readdir(dir, { recursive: true })).filter((name) => name.endsWith(".js"))) {
  const path = join(dir, name);
  const { code } = await minify(await readFile(path, "utf8"), { module: true, compress: true, mangle: true });
  await writeFile(path, code);
}
