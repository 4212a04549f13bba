// The web app's engine: a module Web Worker that loads portband's JS module (/js/portband.js)
// and runs its calls for the page, so that the page's own code is only what the view needs and a
// long Apply never blocks it. It knows nothing of the app: the page sends batches of calls and
// gets their results back.
//
// A request is `{ id, calls }`; each call is `[target, name, ...args]`, where `target` is
// "module" (the module's functions and classes: `["module", "Cluster.fromScenario", text]`,
// `["module", "new Cluster", options]`) or the object a result stands for. An object the module
// returns stays here and stands for itself as `{ handle: n }`; `{ result: k }` is the result of
// call `k` of the same batch, so one message can seek and read a moment. A name that is not a
// method reads a property; `["free", handle]`-style cleanup is `[obj, "free"]`, which also
// forgets the handle. The reply is `{ id, results }`, or `{ id, error: { message, line, column },
// at }` for the call that threw (the calls after it do not run). Once the module is ready the
// worker posts `{ ready: version }`, or `{ failed: message }` if it cannot load; calls sent before
// then wait for it.
import init, * as portband from "./js/portband.js";

const objects = new Map();
let next = 1;

// What a value means: a handle or an earlier result stands for its object.
const resolve = (value, results) => {
  if (value && typeof value === "object" && !Array.isArray(value) && !ArrayBuffer.isView(value)) {
    if ("handle" in value) {
      const object = objects.get(value.handle);
      if (!object) throw new Error(`no object ${value.handle}: it was freed`);
      return object;
    }
    if ("result" in value) return resolve(results[value.result], results);
  }
  return value;
};

// What to send back: an object of the module's classes is kept, and sent as its handle.
const classes = [portband.Cluster, portband.Moment, portband.Applying, portband.Simulation];
const reply = (value) => {
  if (classes.some((c) => value instanceof c)) {
    const handle = next++;
    objects.set(handle, value);
    return { handle };
  }
  return value;
};

const run = ([target, name, ...args], results) => {
  args = args.map((a) => resolve(a, results));
  if (target === "module") {
    const [owner, method] = name.startsWith("new ") ? [null, name.slice(4)] : name.split(".");
    if (owner === null) return new portband[method](...args);
    const where = method === undefined ? portband : portband[owner];
    const f = where[method ?? owner];
    if (typeof f !== "function") throw new Error(`the module has no ${name}`);
    return f.apply(where, args);
  }
  const object = resolve(target, results);
  if (name === "free") {
    objects.delete(("result" in target ? results[target.result] : target).handle);
    return object.free();
  }
  const member = object[name];
  return typeof member === "function" ? member.apply(object, args) : member;
};

const ready = init();

onmessage = async ({ data: { id, calls } }) => {
  // Calls sent while the module loads wait for it (in the order they came); if it cannot load,
  // each batch says so (a page that started this worker early may have missed `failed`).
  try {
    await ready;
  } catch (e) {
    const message = `the engine could not load: ${e?.message ?? e}`;
    postMessage({ id, error: { message, line: null, column: null, detail: null }, at: 0 });
    return;
  }
  const results = [];
  for (const [at, call] of calls.entries()) {
    try {
      results.push(reply(run(call, results)));
    } catch (e) {
      // The page gets no results: the objects this batch made are freed, not kept.
      for (const made of results) {
        if (made && typeof made === "object" && "handle" in made && objects.has(made.handle)) {
          objects.get(made.handle).free();
          objects.delete(made.handle);
        }
      }
      const error = {
        message: String(e?.message ?? e),
        line: e?.line ?? null,
        column: e?.column ?? null,
        detail: e?.detail ?? null,
      };
      postMessage({ id, error, at });
      return;
    }
  }
  postMessage({ id, results });
};

ready
  .then(() => postMessage({ ready: portband.version() }))
  .catch((e) => postMessage({ failed: String(e?.message ?? e) }));
