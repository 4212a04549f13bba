//! `Applying`: `Cluster.apply` a slice of work at a time, for a page (or a Web Worker) that shows
//! how far a long text is and lets its user stop: nothing changes in the cluster until
//! `Cluster.finish` takes the finished work.

use crate::error::input_error;
use crate::to_js;
use wasm_bindgen::prelude::*;

/// An apply under way, on a copy of the cluster's history.
#[wasm_bindgen]
pub struct Applying {
    applying: portband_kube::Applying,
}

impl Applying {
    /// The JavaScript object of `applying`.
    pub(crate) fn new(applying: portband_kube::Applying) -> Self {
        Applying { applying }
    }

    /// The apply, for `Cluster.finish`.
    pub(crate) fn into_inner(self) -> portband_kube::Applying {
        self.applying
    }
}

#[wasm_bindgen]
impl Applying {
    /// Does up to `budget` units of work (a YAML event read or decoded is one, a step run six:
    /// 40,000 take some 40 ms in a browser on a slow machine) and returns whether the apply is
    /// done. Throws as `apply` does for a text it cannot use, again on every call.
    pub fn run(&mut self, budget: u32) -> Result<bool, JsValue> {
        self.applying.run(budget).map_err(|e| input_error("-", &e))
    }

    /// How far it is: `{ phase: "parsing" | "decoding" | "running" | "failed", done, total }`
    /// (bytes parsed, documents decoded, or steps run).
    #[wasm_bindgen(getter, unchecked_return_type = "ApplyProgress")]
    pub fn progress(&self) -> JsValue {
        to_js(&self.applying.progress())
    }

    /// A scenario's description, once the text is read.
    #[wasm_bindgen(getter)]
    pub fn description(&self) -> Option<String> {
        self.applying.description().map(str::to_owned)
    }

    /// Whether the text was a scenario whose settings (with `takeSettings`) replaced the
    /// cluster's: the steps before it run again under them.
    #[wasm_bindgen(getter, js_name = settingsTaken)]
    pub fn settings_taken(&self) -> bool {
        self.applying.settings_taken()
    }
}
