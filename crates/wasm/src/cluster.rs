//! `Cluster`: a simulated kube-apiserver with its history, driven from JavaScript.

use crate::applying::Applying;
use crate::error::{input_error, plain_error};
use crate::moment::Moment;
use crate::{kubernetes_version, options, range, seed, to_js};
use portband_allocator::gofmt::Quoted;
use portband_kube::{
    read, read_sent, write_scenario, ApiError, BandsReport, Cause, ClusterConfig, Entry, History,
    Mode, Outcome, ProvenanceReport, Report, ServiceKey, Source, Step, StepReport,
};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// A simulated cluster, every step it has run, and the inputs they came from.
#[wasm_bindgen]
pub struct Cluster {
    history: History,
    /// What `apply` and `delete` were given, in order: what `scenario` writes.
    entries: Vec<Entry>,
    /// How many times it has changed: an `Applying` is finished only on the cluster it began on.
    changes: u64,
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

/// The provenance of a step's ports (`explain`), and what else it did or why it was refused.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Explanation {
    ports: Vec<ProvenanceReport>,
    health_check_node_port: Option<ProvenanceReport>,
    /// The nodePorts it gave back.
    released: Vec<i32>,
    /// Why it was refused, where more can be said than the message.
    cause: Option<CauseReport>,
    /// The kind of an object that is not a Service (nothing was sent).
    kind: Option<String>,
    /// The line of its input the step (or its error) points at.
    line: u32,
}

/// Why a step was refused, in terms a view can use (`explain`).
#[derive(Serialize)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
enum CauseReport {
    /// An explicit port is taken, by `holder` (`{service, field}`) or by an earlier field of
    /// the same request (`holder: null`).
    Taken {
        field: String,
        port: i32,
        holder: Option<HolderReport>,
    },
    OutOfRange {
        field: String,
        port: i32,
    },
    Full {
        field: String,
    },
    Duplicate {
        protocol: String,
        port: i32,
    },
}

#[derive(Serialize)]
struct HolderReport {
    service: String,
    field: String,
}

impl CauseReport {
    fn of(cause: &Cause) -> Option<Self> {
        Some(match cause {
            Cause::Taken {
                field,
                port,
                holder,
            } => CauseReport::Taken {
                field: field.clone(),
                port: *port,
                holder: holder.as_ref().map(|h| HolderReport {
                    service: h.service.clone(),
                    field: h.field.clone(),
                }),
            },
            Cause::OutOfRange { field, port } => CauseReport::OutOfRange {
                field: field.clone(),
                port: *port,
            },
            Cause::Full { field } => CauseReport::Full {
                field: field.clone(),
            },
            Cause::Duplicate { protocol, port } => CauseReport::Duplicate {
                protocol: protocol.clone(),
                port: *port,
            },
            _ => return None,
        })
    }
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
        let config = settings(options_value, ClusterConfig::default(), "cluster")?;
        Ok(Cluster {
            history: History::new(config),
            entries: Vec::new(),
            changes: 0,
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
        let entries = input
            .entries
            .unwrap_or_else(|| vec![Entry::Manifests(text.to_owned(), Mode::Apply)]);
        Ok(Cluster {
            history,
            entries,
            changes: 0,
        })
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
        let mode = options.mode()?;
        let input = read_sent(text, mode).map_err(|e| input_error("-", &e))?;
        self.entries.push(Entry::Manifests(text.to_owned(), mode));
        self.changes += 1;
        let steps: Vec<StepReport> = input
            .steps
            .into_iter()
            .map(|step| StepReport::new(self.history.push(step)))
            .collect();
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
        Ok(Applying::new(
            text,
            options.mode()?,
            options.take_settings.unwrap_or(false),
            self.history.clone(),
            self.changes,
        ))
    }

    /// Takes the steps of a finished `Applying` (which is used up) and returns how many it
    /// added. Throws if it has not finished, or if the cluster has changed since it started.
    pub fn finish(&mut self, applying: Applying) -> Result<usize, JsValue> {
        if !applying.finished() {
            return Err(plain_error(
                "this apply has not finished: run it until run() returns true",
            ));
        }
        if applying.start() != self.changes {
            return Err(plain_error(
                "the cluster has changed since this apply started: start it again",
            ));
        }
        let (history, entry) = applying.into_parts();
        let added = history.outcomes().len() - self.history.outcomes().len();
        self.history = history;
        self.entries.push(entry);
        self.changes += 1;
        Ok(added)
    }

    /// `kubectl delete service` of `namespace/name` (or `name`, in default); returns the step.
    #[wasm_bindgen(unchecked_return_type = "Step")]
    pub fn delete(&mut self, key: &str) -> Result<JsValue, JsValue> {
        let key: ServiceKey = key
            .parse()
            .map_err(|e| plain_error(&format!("invalid Service {}: {e}", Quoted(key))))?;
        self.entries.push(Entry::Delete(key.clone()));
        self.changes += 1;
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
            released: outcome.released.clone(),
            cause: outcome.cause.as_ref().and_then(CauseReport::of),
            kind: outcome.kind.clone(),
            line: line_of(outcome),
        }))
    }

    /// The refused steps among `from..to` (from 0): each step's index, the line of its input it
    /// (or its error) points at, and the message.
    #[wasm_bindgen(unchecked_return_type = "Refusal[]")]
    pub fn refusals(&self, from: usize, to: usize) -> JsValue {
        let outcomes = self.history.outcomes();
        let (from, to) = (from.min(outcomes.len()), to.min(outcomes.len()));
        let refusals: Vec<Refusal> = (from..to.max(from))
            .filter_map(|step| {
                let outcome = &outcomes[step];
                let error = outcome.error.as_ref()?;
                Some(Refusal {
                    step,
                    line: line_of(outcome),
                    message: error.to_string(),
                    taken: match outcome.cause {
                        Some(Cause::Taken { port, .. }) => Some(port),
                        _ => None,
                    },
                })
            })
            .collect();
        to_js(&refusals)
    }

    /// The nodePorts each of steps `from..to` (from 0) took from the allocator, in the order it
    /// took them (a port a step kept, shared or was refused is not among them).
    #[wasm_bindgen(unchecked_return_type = "number[][]")]
    pub fn taken(&self, from: usize, to: usize) -> JsValue {
        let outcomes = self.history.outcomes();
        let (from, to) = (from.min(outcomes.len()), to.min(outcomes.len()));
        let taken: Vec<Vec<i32>> = outcomes[from..to.max(from)]
            .iter()
            .map(|o| o.allocations.iter().map(|a| a.port).collect())
            .collect();
        to_js(&taken)
    }

    /// Steps `from..to` (from 0), as `apply` returned them.
    #[wasm_bindgen(unchecked_return_type = "Step[]")]
    pub fn steps(&self, from: usize, to: usize) -> JsValue {
        let outcomes = self.history.outcomes();
        let (from, to) = (from.min(outcomes.len()), to.min(outcomes.len()));
        let steps: Vec<StepReport> = outcomes[from..to.max(from)]
            .iter()
            .map(StepReport::new)
            .collect();
        to_js(&steps)
    }

    /// The Service port (or health check) that holds nodePort `port` now, or `null`.
    #[wasm_bindgen(unchecked_return_type = "Owner | null")]
    pub fn owner(&self, port: i32) -> JsValue {
        Moment::owner_of(self.history.cluster(), port)
    }

    /// The cluster's settings (each given or defaulted) and the bands they make.
    #[wasm_bindgen(getter, unchecked_return_type = "Settings")]
    pub fn settings(&self) -> JsValue {
        let cluster = self.history.cluster();
        let config = cluster.config();
        to_js(&Settings {
            range: config.range.to_string(),
            seed: config.seed,
            static_subrange: config.static_subrange,
            kubernetes_version: config.version.to_string(),
            bands: BandsReport::new(&cluster.bands()),
        })
    }

    /// The last text given to `apply` (or the scenario the cluster came from), and how its
    /// manifests were sent; `null` if none.
    #[wasm_bindgen(js_name = lastInput, unchecked_return_type = "LastInput | null")]
    pub fn last_input(&self) -> JsValue {
        let last = self.entries.iter().rev().find_map(|entry| match entry {
            Entry::Manifests(text, mode) => Some(LastInput {
                text,
                mode: mode.as_str(),
            }),
            Entry::Delete(_) => None,
        });
        last.map_or(JsValue::NULL, |last| to_js(&last))
    }

    /// How many steps have run.
    #[wasm_bindgen(getter)]
    pub fn length(&self) -> usize {
        self.history.outcomes().len()
    }

    /// The state after the first `step` steps (all of them from `length` on).
    pub fn at(&self, step: usize) -> Moment {
        let step = step.min(self.history.outcomes().len());
        Moment::new(self.history.state_at(step), step)
    }

    /// Every input so far, as a scenario file with the cluster's settings: `fromScenario` gives
    /// back the same cluster.
    pub fn scenario(&self) -> String {
        write_scenario(&self.history.cluster().config(), &self.entries)
    }

    /// The same inputs run under other settings (those given; a new `kubernetesVersion` without
    /// `staticSubrange` brings that release's band split).
    #[wasm_bindgen(js_name = withSettings)]
    pub fn with_settings(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ClusterOptions")] options_value: JsValue,
    ) -> Result<Cluster, JsValue> {
        let config = settings(options_value, self.history.cluster().config(), "settings")?;
        let mut history = History::new(config);
        for step in self.history.steps() {
            history.push(step.clone());
        }
        Ok(Cluster {
            history,
            entries: self.entries.clone(),
            changes: 0,
        })
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

/// A refused step (`refusals`): with the port it fought over, if another held it.
#[derive(Serialize)]
struct Refusal {
    step: usize,
    line: u32,
    message: String,
    taken: Option<i32>,
}

/// The settings of a cluster (`settings`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Settings {
    range: String,
    seed: u64,
    static_subrange: bool,
    kubernetes_version: String,
    bands: BandsReport,
}

/// The last text applied (`lastInput`).
#[derive(Serialize)]
struct LastInput<'a> {
    text: &'a str,
    mode: &'static str,
}

/// The line of its input a step points at: its error's, or where the step starts.
fn line_of(outcome: &Outcome) -> u32 {
    outcome
        .error
        .as_ref()
        .and_then(ApiError::pos)
        .unwrap_or(outcome.source.pos)
        .line
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
        &["range", "seed", "staticSubrange", "kubernetesVersion"],
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
    })
}
