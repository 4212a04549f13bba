//! `Cluster`: a simulated kube-apiserver with its history, driven from JavaScript.

use crate::error::{input_error, plain_error};
use crate::{kubernetes_version, options, range, seed, to_js};
use portband_allocator::gofmt::Quoted;
use portband_allocator::BandKind;
use portband_kube::{
    read, read_sent, ClusterConfig, History, Mode, ProvenanceReport, Report, ServiceKey, Source,
    Step, StepReport,
};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// A simulated cluster and every step it has run.
#[wasm_bindgen]
pub struct Cluster {
    history: History,
}

/// Options of `new Cluster`.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ClusterOptions {
    range: Option<String>,
    seed: Option<f64>,
    static_subrange: Option<bool>,
    kubernetes_version: Option<String>,
}

/// Options of `apply`.
#[derive(Default, Deserialize)]
struct ApplyOptions {
    mode: Option<String>,
}

/// The provenance of a step's ports (`explain`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Explanation {
    ports: Vec<ProvenanceReport>,
    health_check_node_port: Option<ProvenanceReport>,
}

/// Who holds a nodePort (`owner`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Owner {
    service: String,
    name: String,
    port: i32,
    protocol: String,
    band: Option<&'static str>,
    health_check: bool,
}

impl Cluster {
    /// The history, for the module's other functions (`drawGrid`).
    pub(crate) fn history(&self) -> &History {
        &self.history
    }
}

#[wasm_bindgen]
impl Cluster {
    /// A cluster with no Services.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ClusterOptions")] options_value: JsValue,
    ) -> Result<Cluster, JsValue> {
        let options: ClusterOptions = options(
            options_value,
            "cluster",
            &["range", "seed", "staticSubrange", "kubernetesVersion"],
        )?;
        let version =
            kubernetes_version(options.kubernetes_version.as_deref())?.unwrap_or_default();
        let seed = seed(options.seed)?;
        let config = ClusterConfig {
            version,
            range: range(options.range.as_deref())?,
            seed,
            static_subrange: options
                .static_subrange
                .unwrap_or(version.static_subrange_gate().default_on()),
        };
        Ok(Cluster {
            history: History::new(config),
        })
    }

    /// A cluster with a scenario file's settings (the defaults for those it leaves out), its
    /// steps run.
    #[wasm_bindgen(js_name = fromScenario)]
    pub fn from_scenario(text: &str) -> Result<Cluster, JsValue> {
        let input = read(text).map_err(|e| input_error("-", &e))?;
        let mut history = History::new(input.config_over(ClusterConfig::default()));
        for step in input.steps {
            history.push(step);
        }
        Ok(Cluster { history })
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
        let mode = match options.mode.as_deref() {
            None => Mode::Apply,
            Some(mode) => mode.parse().map_err(|e: String| plain_error(&e))?,
        };
        let input = read_sent(text, mode).map_err(|e| input_error("-", &e))?;
        let steps: Vec<StepReport> = input
            .steps
            .into_iter()
            .map(|step| StepReport::new(self.history.push(step)))
            .collect();
        Ok(to_js(&steps))
    }

    /// `kubectl delete service` of `namespace/name` (or `name`, in default); returns the step.
    #[wasm_bindgen(unchecked_return_type = "Step")]
    pub fn delete(&mut self, key: &str) -> Result<JsValue, JsValue> {
        let key: ServiceKey = key
            .parse()
            .map_err(|e| plain_error(&format!("invalid Service {}: {e}", Quoted(key))))?;
        let step = Step::Delete {
            key,
            source: Source::default(),
        };
        Ok(to_js(&StepReport::new(self.history.push(step))))
    }

    /// Every step and the state after them: what `portband apply --format json` prints.
    #[wasm_bindgen(unchecked_return_type = "Report")]
    pub fn report(&self) -> JsValue {
        to_js(&Report::new(&self.history))
    }

    /// Why each nodePort of step `step` (from 0) is what it is.
    #[wasm_bindgen(unchecked_return_type = "Explanation")]
    pub fn explain(&self, step: usize) -> Result<JsValue, JsValue> {
        let outcomes = self.history.outcomes();
        let outcome = outcomes.get(step).ok_or_else(|| {
            plain_error(&format!(
                "there is no step {step}: the cluster has run {} (numbered from 0)",
                outcomes.len()
            ))
        })?;
        Ok(to_js(&Explanation {
            ports: outcome.ports.iter().map(|p| p.provenance.into()).collect(),
            health_check_node_port: outcome.health_check.map(|h| h.provenance.into()),
        }))
    }

    /// The Service port (or health check) that holds nodePort `port` now, or `null`.
    #[wasm_bindgen(unchecked_return_type = "Owner | null")]
    pub fn owner(&self, port: i32) -> JsValue {
        let cluster = self.history.cluster();
        let band = cluster
            .bands()
            .band_of(i64::from(port))
            .map(BandKind::as_str);
        let owner = cluster.services().iter().find_map(|stored| {
            let service = stored.service.key();
            let entry = stored.held().into_iter().find(|h| h.node_port == port)?;
            Some(match entry.ports.first().map(|&i| &stored.ports[i]) {
                Some(p) => Owner {
                    service,
                    name: p.name.clone(),
                    port: p.port,
                    protocol: p.protocol.clone(),
                    band,
                    health_check: entry.health_check,
                },
                None => Owner {
                    service,
                    name: String::new(),
                    port: 0,
                    protocol: "TCP".to_owned(),
                    band,
                    health_check: true,
                },
            })
        });
        owner.map_or(JsValue::NULL, |o| to_js(&o))
    }

    /// The allocator's state as upstream stores it (a RangeAllocation): the range and the bitmap
    /// as big-endian bytes, bit 0 the range's first port.
    #[wasm_bindgen(unchecked_return_type = "Snapshot")]
    pub fn snapshot(&self) -> JsValue {
        let snapshot = self.history.cluster().allocator().snapshot();
        let object = js_sys::Object::new();
        let data = js_sys::Uint8Array::from(snapshot.data.as_slice());
        // Setting properties on a fresh object cannot fail.
        let _ = js_sys::Reflect::set(&object, &"range".into(), &snapshot.range.into());
        let _ = js_sys::Reflect::set(&object, &"data".into(), &data);
        object.into()
    }
}
