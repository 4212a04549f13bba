//! `Cluster`: a simulated kube-apiserver with its history and inputs (`portband-kube`'s
//! `Session`), driven from JavaScript.

use crate::applying::Applying;
use crate::error::{input_error, plain_error};
use crate::moment::Moment;
use crate::{kubernetes_version, options, range, seed, service_cidrs, to_js};
use portband_allocator::gofmt::Quoted;
use portband_kube::{owner_of, ClusterConfig, Mode, ServiceKey, Session};
use serde::Deserialize;
use wasm_bindgen::prelude::*;

/// A simulated cluster, every step it has run, and the inputs they came from.
#[wasm_bindgen]
pub struct Cluster {
    session: Session,
}

/// Options of `new Cluster` and `withSettings`.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ClusterOptions {
    range: Option<String>,
    seed: Option<f64>,
    static_subrange: Option<bool>,
    kubernetes_version: Option<String>,
    #[serde(rename = "serviceClusterIPRange")]
    service_cluster_ip_range: Option<String>,
}

/// Options of `apply`, and of `start` (`takeSettings` too).
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApplyOptions {
    mode: Option<String>,
    take_settings: Option<bool>,
}

impl ApplyOptions {
    fn mode(&self) -> Result<Mode, JsValue> {
        match self.mode.as_deref() {
            None => Ok(Mode::Apply),
            Some(mode) => mode.parse().map_err(|e: String| plain_error(&e)),
        }
    }
}

impl Cluster {
    /// The session, for the module's other functions (`drawGrid`).
    pub(crate) fn session(&self) -> &Session {
        &self.session
    }
}

#[wasm_bindgen]
impl Cluster {
    /// A cluster with no Services.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ClusterOptions")] options_value: JsValue,
    ) -> Result<Cluster, JsValue> {
        let config = settings(options_value, ClusterConfig::default(), "cluster")?;
        Ok(Cluster {
            session: Session::new(config),
        })
    }

    /// A cluster with a scenario file's settings (the defaults for those it leaves out), its
    /// steps run.
    #[wasm_bindgen(js_name = fromScenario)]
    pub fn from_scenario(text: &str) -> Result<Cluster, JsValue> {
        let session = Session::from_scenario(text).map_err(|e| input_error("-", &e))?;
        Ok(Cluster { session })
    }

    /// Runs the steps of `text` (manifests, sent as `mode` says, or a scenario's steps; its
    /// settings are not taken) and returns them.
    #[wasm_bindgen(unchecked_return_type = "Step[]")]
    pub fn apply(
        &mut self,
        text: &str,
        #[wasm_bindgen(unchecked_param_type = "ApplyOptions")] options_value: JsValue,
    ) -> Result<JsValue, JsValue> {
        let options: ApplyOptions = options(options_value, "apply", &["mode"])?;
        let steps = self
            .session
            .apply(text, options.mode()?)
            .map_err(|e| input_error("-", &e))?;
        Ok(to_js(&steps))
    }

    /// An apply of `text` (as `apply`) done a slice at a time by the returned `Applying`, on a
    /// copy of the cluster: `finish` then takes its steps. With `takeSettings`, a scenario's
    /// settings replace the cluster's, as `fromScenario` takes them.
    pub fn start(
        &self,
        text: &str,
        #[wasm_bindgen(unchecked_param_type = "StartOptions")] options_value: JsValue,
    ) -> Result<Applying, JsValue> {
        let options: ApplyOptions = options(options_value, "start", &["mode", "takeSettings"])?;
        let applying = self.session.start(
            text,
            options.mode()?,
            options.take_settings.unwrap_or(false),
        );
        Ok(Applying::new(applying))
    }

    /// Takes the steps of a finished `Applying` (which is used up) and returns how many it
    /// added. Throws if it has not finished, or if the cluster has changed since it started.
    pub fn finish(&mut self, applying: Applying) -> Result<usize, JsValue> {
        self.session
            .finish(applying.into_inner())
            .map_err(|e| plain_error(&e.to_string()))
    }

    /// `kubectl delete service` of `namespace/name` (or `name`, in default); returns the step.
    #[wasm_bindgen(unchecked_return_type = "Step")]
    pub fn delete(&mut self, key: &str) -> Result<JsValue, JsValue> {
        let key: ServiceKey = key
            .parse()
            .map_err(|e| plain_error(&format!("invalid Service {}: {e}", Quoted(key))))?;
        Ok(to_js(&self.session.delete(key)))
    }

    /// Every step and the state after them: what `portband apply --format json` prints.
    #[wasm_bindgen(unchecked_return_type = "Report")]
    pub fn report(&self) -> JsValue {
        to_js(&self.session.report())
    }

    /// Why each nodePort of step `step` (from 0) is what it is, what else the step did, and
    /// why it was refused.
    #[wasm_bindgen(unchecked_return_type = "Explanation")]
    pub fn explain(&self, step: usize) -> Result<JsValue, JsValue> {
        let explanation = self.session.explain(step).ok_or_else(|| {
            plain_error(&format!(
                "there is no step {step}: the cluster has run {} (numbered from 0)",
                self.session.len()
            ))
        })?;
        Ok(to_js(&explanation))
    }

    /// The refused steps among `from..to` (from 0): each step's index, the line of its input it
    /// (or its error) points at, the message, and the port another Service held, if that was
    /// why.
    #[wasm_bindgen(unchecked_return_type = "Refusal[]")]
    pub fn refusals(&self, from: usize, to: usize) -> JsValue {
        to_js(&self.session.refusals(from, to))
    }

    /// The nodePorts each of steps `from..to` (from 0) took from the allocator, in the order it
    /// took them (a port a step kept, shared or was refused is not among them).
    #[wasm_bindgen(unchecked_return_type = "number[][]")]
    pub fn taken(&self, from: usize, to: usize) -> JsValue {
        to_js(&self.session.taken(from, to))
    }

    /// Steps `from..to` (from 0) in the words a log shows them with: each step, its port lines,
    /// a refusal as kubectl prints it (for standard input) with its HTTP code and reason, the
    /// kind of an object that is not a Service, and the nodePorts it holds.
    #[wasm_bindgen(unchecked_return_type = "LogLine[]")]
    pub fn log(&self, from: usize, to: usize) -> JsValue {
        to_js(&self.session.log(from, to))
    }

    /// The steps whose outcome differs in `other`, the same inputs run under other settings
    /// (`withSettings`): another verdict or another refusal, each run's step as its log shows
    /// it. A dynamic nodePort that lands elsewhere is not another outcome.
    #[wasm_bindgen(unchecked_return_type = "Difference[]")]
    pub fn differences(&self, other: &Cluster) -> JsValue {
        to_js(&self.session.differences(&other.session))
    }

    /// The first refused step from `step` on (from 0) when `forward`, else the last one before
    /// `step`; `undefined` when there is none.
    #[wasm_bindgen(js_name = nextRefusal)]
    pub fn next_refusal(&self, step: usize, forward: bool) -> Option<usize> {
        self.session.next_refusal(step, forward)
    }

    /// The last of the steps from `from` on (from 0) that reached a Service (an object of
    /// another kind is skipped), or `undefined`.
    #[wasm_bindgen(js_name = lastServiceStep)]
    pub fn last_service_step(&self, from: usize) -> Option<usize> {
        self.session.last_service_step(from)
    }

    /// Steps `from..to` (from 0), as `apply` returned them.
    #[wasm_bindgen(unchecked_return_type = "Step[]")]
    pub fn steps(&self, from: usize, to: usize) -> JsValue {
        to_js(&self.session.steps(from, to))
    }

    /// The Service port (or health check) that holds nodePort `port` now, or `null`.
    #[wasm_bindgen(unchecked_return_type = "Owner | null")]
    pub fn owner(&self, port: i32) -> JsValue {
        to_js(&owner_of(self.session.now(), port))
    }

    /// The cluster's settings (each given or defaulted) and the bands they make.
    #[wasm_bindgen(getter, unchecked_return_type = "Settings")]
    pub fn settings(&self) -> JsValue {
        to_js(&self.session.settings())
    }

    /// The last text given to `apply` (or the scenario the cluster came from), and how its
    /// manifests were sent; `null` if none.
    #[wasm_bindgen(js_name = lastInput, unchecked_return_type = "LastInput | null")]
    pub fn last_input(&self) -> JsValue {
        to_js(&self.session.last_input())
    }

    /// The description of the scenario the cluster came from (`fromScenario`): `undefined`
    /// when it has none.
    #[wasm_bindgen(getter)]
    pub fn description(&self) -> Option<String> {
        self.session.description().map(str::to_owned)
    }

    /// The ports used and free now: as `report().summary`.
    #[wasm_bindgen(unchecked_return_type = "Summary")]
    pub fn summary(&self) -> JsValue {
        to_js(&self.session.summary())
    }

    /// How many steps have run.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> usize {
        self.session.len()
    }

    /// The state after the first `step` steps (all of them from `length` on).
    pub fn at(&self, step: usize) -> Moment {
        Moment::new(self.session.at(step))
    }

    /// Every input so far, as a scenario file with the cluster's settings: `fromScenario` gives
    /// back the same cluster.
    pub fn scenario(&self) -> String {
        self.session.scenario()
    }

    /// The same inputs run under other settings (those given; a new `kubernetesVersion` without
    /// `staticSubrange` brings that release's band split).
    #[wasm_bindgen(js_name = withSettings)]
    pub fn with_settings(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ClusterOptions")] options_value: JsValue,
    ) -> Result<Cluster, JsValue> {
        let config = settings(options_value, self.session.now().config(), "settings")?;
        Ok(Cluster {
            session: self.session.with_settings(config),
        })
    }

    /// The allocator's state as upstream stores it (a RangeAllocation): the range and the bitmap
    /// as big-endian bytes, bit 0 the range's first port.
    #[wasm_bindgen(unchecked_return_type = "Snapshot")]
    pub fn snapshot(&self) -> JsValue {
        let snapshot = self.session.now().allocator().snapshot();
        let object = js_sys::Object::new();
        let data = js_sys::Uint8Array::from(snapshot.data.as_slice());
        // Setting properties on a fresh object cannot fail.
        let _ = js_sys::Reflect::set(&object, &"range".into(), &snapshot.range.into());
        let _ = js_sys::Reflect::set(&object, &"data".into(), &data);
        object.into()
    }
}

/// Settings from an options object, over `base` for those it leaves out: a `kubernetesVersion`
/// without `staticSubrange` brings that release's band split.
fn settings(
    options_value: JsValue,
    base: ClusterConfig,
    what: &str,
) -> Result<ClusterConfig, JsValue> {
    let options: ClusterOptions = options(
        options_value,
        what,
        &[
            "range",
            "seed",
            "staticSubrange",
            "kubernetesVersion",
            "serviceClusterIPRange",
        ],
    )?;
    let version = kubernetes_version(options.kubernetes_version.as_deref())?;
    let static_subrange = options
        .static_subrange
        .or(version.map(|v| v.static_subrange_gate().default_on()));
    Ok(ClusterConfig {
        version: version.unwrap_or(base.version),
        range: match options.range.as_deref() {
            Some(text) => range(Some(text))?,
            None => base.range,
        },
        seed: match options.seed {
            Some(_) => seed(options.seed)?,
            None => base.seed,
        },
        static_subrange: static_subrange.unwrap_or(base.static_subrange),
        service_cidrs: match options.service_cluster_ip_range.as_deref() {
            Some(text) => service_cidrs(text, version.unwrap_or(base.version))?,
            None => base.service_cidrs,
        },
    })
}
