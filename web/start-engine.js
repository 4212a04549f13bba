// Starts the engine's worker at once, loading its JS module while the page's own code loads; the
// page takes it over (`window.portbandEngine`, read by web/src/worker_link.rs), with the error of
// a worker that could not start before then. Both pages (index.html, lab.html) include it first.
try {
  const worker = new Worker("engine.js", { type: "module" });
  worker.onerror = (e) => { worker.startError = e.message || "its script did not load"; };
  window.portbandEngine = worker;
} catch (e) {}
