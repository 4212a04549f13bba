// Trunk post-build hook (see Trunk.toml): minifies the JavaScript wasm-bindgen wrote (the glue
// and the snippets under snippets/) and puts each new file's SRI hash into index.html, so that
// the integrity checks still pass. Trunk's own --minify leaves these files as they are.

import { createHash } from "node:crypto";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { minify } from "terser";

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error("TRUNK_STAGING_DIR is not set: run this from trunk's post_build hook");
const integrity = (bytes) => `sha384-${createHash("sha384").update(bytes).digest("base64")}`;

const htmlPath = join(dir, "index.html");
let html = await readFile(htmlPath, "utf8");
for (const name of await readdir(dir, { recursive: true })) {
  if (!name.endsWith(".js")) continue;
  const path = join(dir, name);
  const source = await readFile(path);
  const { code } = await minify(source.toString("utf8"), { module: true, compress: true, mangle: true });
  html = html.replaceAll(integrity(source), integrity(code));
  await writeFile(path, code);
}
await writeFile(htmlPath, html);
