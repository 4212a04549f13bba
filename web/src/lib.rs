//! What portband's two pages share: the link to the engine's Web Worker, a few browser calls, the
//! crash banner and how numbers are written. The app (`main.rs`) and the lab
//! (`bin/portband-lab/`) each hold their own views.

pub mod browser;
pub mod panic_banner;
pub mod words;
pub mod worker_link;

/// The heap of both pages: Talc instead of the standard library's dlmalloc, 3 kB (gzipped)
/// smaller.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static HEAP: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
