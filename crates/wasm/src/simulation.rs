//! The lab in the module: a [`Simulation`] runs a number of trials at a time, so that a page (or a
//! Web Worker) can show progress and stop; [`simulate`] runs one whole.

use crate::error::plain_error;
use crate::{options, range, seed, to_js};
use portband_allocator::gofmt::Quoted;
use portband_allocator::lab::{Experiment, Order, Study, Sweep};
use portband_kube::simulation_report;
use serde::Deserialize;
use wasm_bindgen::prelude::*;

/// Options of a simulation, as `portband simulate`'s flags.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SimulateOptions {
    range: Option<String>,
    /// A number, or a sweep as the CLI writes it (`"0..2768:8"`).
    #[serde(default, with = "serde_wasm_bindgen::preserve")]
    dynamic: JsValue,
    static_ports: Option<Vec<u16>>,
    order: Option<String>,
    trials: Option<u32>,
    seed: Option<f64>,
    mode: Option<String>,
}

const FIELDS: &[&str] = &[
    "range",
    "dynamic",
    "staticPorts",
    "order",
    "trials",
    "seed",
    "mode",
];

/// An experiment under way: `portband simulate`'s, run a number of trials at a time.
#[wasm_bindgen]
pub struct Simulation {
    study: Study,
}

#[wasm_bindgen]
impl Simulation {
    /// Checks the options (the CLI's defaults for those left out) and readies the trials.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "SimulateOptions")] options_value: JsValue,
    ) -> Result<Simulation, JsValue> {
        let options: SimulateOptions = options(options_value, "simulate", FIELDS)?;
        let range = range(options.range.as_deref())?;
        let dynamic = if options.dynamic.is_undefined() {
            Sweep::all(range.size())
        } else if let Some(text) = options.dynamic.as_string() {
            Sweep::parse(&text)
                .map_err(|e| plain_error(&format!("invalid dynamic {}: {e}", Quoted(&text))))?
        } else {
            // A whole number of JavaScript's, within u32: as the CLI reads `--dynamic K`.
            match options.dynamic.as_f64() {
                Some(k) if k.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&k) => {
                    Sweep::one(k as u32)
                }
                _ => {
                    return Err(plain_error(
                        "invalid dynamic: expected a whole number or a sweep \"A..B[:STEP]\"",
                    ))
                }
            }
        };
        let order = match options.order.as_deref() {
            None | Some("dynamic-first") => Order::DynamicFirst,
            Some("random") => Order::Random,
            Some(other) => {
                return Err(plain_error(&format!(
                    "invalid order {}: expected \"dynamic-first\" or \"random\"",
                    Quoted(other)
                )))
            }
        };
        let (split, legacy) = match options.mode.as_deref() {
            None | Some("both") => (true, true),
            Some("split") => (true, false),
            Some("legacy") => (false, true),
            Some(other) => {
                return Err(plain_error(&format!(
                    "invalid mode {}: expected \"split\", \"legacy\" or \"both\"",
                    Quoted(other)
                )))
            }
        };
        let seed = seed(options.seed)?;
        let experiment = Experiment {
            range,
            dynamic: dynamic.values(),
            static_ports: options.static_ports.unwrap_or_else(|| vec![range.base()]),
            order,
            trials: options.trials.unwrap_or(10_000),
            seed,
        };
        let study =
            Study::new(experiment, split, legacy).map_err(|e| plain_error(&e.to_string()))?;
        Ok(Simulation { study })
    }

    /// Runs up to `trials` more trials; returns whether every trial has run.
    pub fn run(&mut self, trials: u32) -> bool {
        self.study.run(trials);
        self.study.finished()
    }

    /// Trials run so far, over the modes.
    #[wasm_bindgen(getter)]
    pub fn done(&self) -> u32 {
        self.study.done()
    }

    /// Trials to run, over the modes.
    #[wasm_bindgen(getter)]
    pub fn total(&self) -> u32 {
        self.study.total()
    }

    /// What `portband simulate --format json` prints, over the trials run so far.
    #[wasm_bindgen(unchecked_return_type = "SimulationResult")]
    pub fn report(&self) -> JsValue {
        to_js(&simulation_report(&self.study))
    }
}

/// Runs a whole simulation: exactly what `portband simulate --format json` prints.
#[wasm_bindgen(unchecked_return_type = "SimulationResult")]
pub fn simulate(
    #[wasm_bindgen(unchecked_param_type = "SimulateOptions")] options_value: JsValue,
) -> Result<JsValue, JsValue> {
    let mut simulation = Simulation::new(options_value)?;
    let total = simulation.total();
    simulation.run(total);
    Ok(simulation.report())
}
