// Trunk post-build hook (see Trunk.toml) for release builds, after trunk's wasm-opt:
// 1. shortens the names the wasm module and wasm-bindgen's JavaScript glue share (wasm-opt's
//    --minify-imports-and-exports-and-modules, then the same renaming in the glue): each name
//    carries a 16-digit hash that no compressor can shrink;
// 2. minifies the JavaScript (the glue and the snippets under snippets/), which Trunk's own
//    --minify leaves as it is;
// 3. puts each changed file's SRI hash into index.html, so that the integrity checks still pass.
// Glue this does not recognise stops the build instead of shipping a page that cannot load.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { minify } from "terser";

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) throw new Error("TRUNK_STAGING_DIR is not set: run this from trunk's post_build hook");
if (process.env.TRUNK_PROFILE !== "release") process.exit(0);
const integrity = (bytes) => `sha384-${createHash("sha384").update(bytes).digest("base64")}`;
const files = await readdir(dir, { recursive: true });
const htmlPath = join(dir, "index.html");
let html = await readFile(htmlPath, "utf8");

// 1. Short names in the wasm module (wasm-opt prints what it renamed, as JSON) ...
const wasmPath = join(dir, files.find((name) => name.endsWith("_bg.wasm")));
const wasmBefore = await readFile(wasmPath);
const renamed = JSON.parse(
  execFileSync("wasm-opt", [wasmPath, "--minify-imports-and-exports-and-modules", "-o", wasmPath], {
    encoding: "utf8",
  }),
);
const wasmAfter = await readFile(wasmPath);
html = html.replaceAll(integrity(wasmBefore), integrity(wasmAfter));
const modules = new Set(WebAssembly.Module.imports(new WebAssembly.Module(wasmAfter)).map((i) => i.module));
if (modules.size !== 1) throw new Error(`expected one import module after renaming, found ${[...modules]}`);
const [module] = modules;

// ... and the same names in the glue.
const glueName = files.find((name) => /^[^/]+\.js$/.test(name));
const glueSource = await readFile(join(dir, glueName), "utf8");
let glue = glueSource;
// The imports object: wasm-bindgen's own functions are keys of one object literal (module
// `./…_bg.js`); a snippet module is imported whole (`import * as importN`). All of them move into
// the one renamed module.
const returned = glue.match(/return \{\s*__proto__: null,((?:\s*"[^"]+": \w+,)+)\s*\};/);
if (!returned) throw new Error(`the imports object of ${glueName} is not where it was`);
const objects = new Map([...returned[1].matchAll(/"([^"]+)": (\w+)/g)].map((m) => [m[1], m[2]]));
const own = [...objects.keys()].find((from) => from.endsWith("_bg.js"));
const fromSnippets = [];
for (const [from, name, to] of renamed.imports) {
  if (from === own) {
    const key = new RegExp(`^(\\s+)${name}: function\\(`, "m");
    if (!key.test(glue)) throw new Error(`the import ${name} is not a key of ${glueName}'s imports object`);
    glue = glue.replace(key, `$1${to}: function(`);
  } else if (objects.has(from)) {
    fromSnippets.push(`${to}: ${objects.get(from)}.${name}`);
  } else {
    throw new Error(`the import ${from} ${name} is not in ${glueName}'s imports object`);
  }
}
glue = glue.replace(
  returned[0],
  `return { __proto__: null, ${JSON.stringify(module)}: { ...${objects.get(own)}, ${fromSnippets.join(", ")} } };`,
);
// The exports, which the glue reads as `wasm.name`.
const exports = new Map(renamed.exports);
glue = glue.replace(/\bwasm\.(\w+)/g, (_, name) => {
  if (!exports.has(name)) throw new Error(`${glueName} uses the export ${name}, which was not renamed`);
  return `wasm.${exports.get(name)}`;
});

// 2. Minified JavaScript, and 3. the hashes.
for (const name of files.filter((name) => name.endsWith(".js"))) {
  const path = join(dir, name);
  const source = name === glueName ? glueSource : await readFile(path, "utf8");
  const { code } = await minify(name === glueName ? glue : source, { module: true, compress: true, mangle: true });
  html = html.replaceAll(integrity(source), integrity(code));
  await writeFile(path, code);
}
await writeFile(htmlPath, html);
