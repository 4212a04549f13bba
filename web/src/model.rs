//! What the page shows, as the engine sends it: the JS module's objects (the JSON contract's
//! shape, `crates/wasm`'s TypeScript declarations), read with serde. The page formats these; it
//! decides nothing about ports.

use serde::Deserialize;

/// A step's outcome, as `Cluster.apply` and `steps` return it.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct StepRow {
    /// `apply`, `replace`, `create` or `delete`.
    pub action: String,
    /// `namespace/name`, or the object's name where it is not a Service.
    pub service: String,
    /// `created`, `updated`, `deleted`, `rejected` or `skipped`.
    pub result: String,
    /// Every `spec.ports` entry with its nodePort.
    pub ports: Vec<PortRow>,
    /// The health-check nodePort, if the Service needs one.
    pub health_check_node_port: Option<i32>,
    /// How it got it.
    pub health_check_provenance: Option<Provenance>,
    /// The apiserver's message for a refusal.
    pub error: Option<String>,
}

/// A `spec.ports` entry of a step.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct PortRow {
    /// Its name (may be empty).
    pub name: String,
    /// `port`.
    pub port: i32,
    /// `TCP`, `UDP` or `SCTP`.
    pub protocol: String,
    /// Its nodePort (0 for none).
    pub node_port: i32,
    /// The band of the nodePort.
    pub band: Option<Band>,
    /// Why it is what it is.
    pub provenance: Provenance,
}

/// A band of the range.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub enum Band {
    /// The lower band, for ports written in manifests.
    Static,
    /// The upper band, where the allocator looks first.
    Dynamic,
}

/// Ports `first..=last` of a band (`size` 0: none).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
pub struct Span {
    /// The first port.
    pub first: Option<i32>,
    /// The last port.
    pub last: Option<i32>,
    /// How many.
    pub size: u32,
}

/// Why a nodePort is what it is.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Provenance {
    /// Written in the manifest.
    Explicit,
    /// Chosen by the allocator: a random start in `band`'s `span`, `passed` taken ports after
    /// it, in the static band when the dynamic one was full (`fell_back`).
    Allocated {
        /// The band it came from.
        band: Band,
        /// Where the scan started.
        scan_start: i32,
        /// Taken ports passed.
        passed: u32,
        /// Whether the dynamic band was full.
        fell_back: bool,
        /// The band's ports.
        span: Span,
    },
    /// The nodePort of entry `with` (the same port number).
    Shared {
        /// The entry's index.
        with: usize,
    },
    /// Kept from the stored Service.
    Kept,
    /// None allocated (a LoadBalancer that allocates none).
    NotAllocated,
}

/// Used and free ports.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct Usage {
    /// Taken.
    pub used: u32,
    /// Free.
    pub free: u32,
}

/// Used and free ports, in all and per band.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
pub struct Summary {
    /// Taken.
    pub used: u32,
    /// Free.
    pub free: u32,
    /// The static band.
    #[serde(rename = "static")]
    pub static_band: Usage,
    /// The dynamic band.
    pub dynamic: Usage,
}

/// What a step did beyond its ports' provenance, and why it was refused (`explain`).
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Explanation {
    /// Each entry's provenance.
    pub ports: Vec<Provenance>,
    /// The health-check port's.
    pub health_check_node_port: Option<Provenance>,
    /// The nodePorts given back.
    pub released: Vec<i32>,
    /// Why it was refused, where more can be said than the message.
    pub cause: Option<Cause>,
    /// The kind of an object that is not a Service.
    pub kind: Option<String>,
    /// The line of the input it points at.
    pub line: u32,
}

/// Why a step was refused.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(
    tag = "kind",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Cause {
    /// `field` asked for `port`, which `holder` holds (none: an earlier field of the request).
    Taken {
        /// The field.
        field: String,
        /// The port.
        port: i32,
        /// Who holds it.
        holder: Option<Holder>,
    },
    /// `field` asked for `port`, outside the range.
    OutOfRange {
        /// The field.
        field: String,
        /// The port.
        port: i32,
    },
    /// `field` needed a port and none was free.
    Full {
        /// The field.
        field: String,
    },
    /// Two entries of one protocol ask for one nodePort.
    Duplicate {
        /// The protocol.
        protocol: String,
        /// The port.
        port: i32,
    },
}

/// A stored Service's field that holds a port.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Holder {
    /// `namespace/name`.
    pub service: String,
    /// The field, e.g. `spec.ports[0].nodePort`.
    pub field: String,
}

/// Who holds a nodePort.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Owner {
    /// `namespace/name`.
    pub service: String,
    /// The first entry's name that uses it.
    pub name: String,
    /// Its `port` (0 for the health check).
    pub port: i32,
    /// Its protocol.
    pub protocol: String,
    /// The nodePort's band.
    pub band: Option<Band>,
    /// Whether it is the health-check port.
    pub health_check: bool,
}

/// A stored Service and the nodePorts it holds.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct StoredService {
    /// `namespace/name`.
    pub service: String,
    /// `spec.type`.
    #[serde(rename = "type")]
    pub type_: String,
    /// Each nodePort once, with its uses.
    pub node_ports: Vec<HeldPort>,
}

/// A nodePort a Service holds.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct HeldPort {
    /// The port.
    pub node_port: i32,
    /// Its band.
    pub band: Option<Band>,
    /// The entries that use it.
    pub uses: Vec<PortUse>,
    /// Whether it is the health-check port.
    pub health_check: bool,
    /// Whether a manifest wrote it.
    pub explicit: bool,
}

/// A `spec.ports` entry that uses a nodePort.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct PortUse {
    /// Its name.
    pub name: String,
    /// `port`.
    pub port: i32,
    /// Its protocol.
    pub protocol: String,
}

/// A refused step and the line its input points at.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct Refusal {
    /// The step, from 0.
    pub step: usize,
    /// The line.
    pub line: u32,
    /// The apiserver's message.
    pub message: String,
}

/// A Kubernetes release modelled.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Release {
    /// `1.Y`.
    pub version: String,
    /// The band split's feature gate: `alpha`, `beta`, `locked` or `removed`.
    pub gate: String,
    /// Whether the split is on by default.
    pub split_by_default: bool,
    /// Why no cluster of it runs without the split, if none can.
    pub no_legacy_note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::{Explanation, StepRow, Summary};
    use portband_kube::{read, ClusterConfig, History, Report};

    /// Every scenario and case file's report (the CLI's JSON) reads as the page's rows.
    #[test]
    fn the_contract_reads_as_the_pages_rows() {
        let mut read_steps = 0;
        for folder in ["../scenarios", "../crates/kube/tests/cases"] {
            let folder = format!("{}/{folder}", env!("CARGO_MANIFEST_DIR"));
            for entry in std::fs::read_dir(&folder).unwrap() {
                let path = entry.unwrap().path();
                let text = std::fs::read_to_string(&path).unwrap();
                let input = read(&text).unwrap();
                let mut history = History::new(input.config_over(ClusterConfig::default()));
                for step in input.steps {
                    history.push(step);
                }
                let report = serde_json::to_value(Report::new(&history)).unwrap();
                let steps: Vec<StepRow> = serde_json::from_value(report["steps"].clone())
                    .unwrap_or_else(|e| {
                        panic!("{}: {e}", path.display());
                    });
                assert_eq!(steps.len(), history.outcomes().len());
                let summary: Summary = serde_json::from_value(report["summary"].clone()).unwrap();
                assert_eq!(summary.used, history.cluster().allocator().used());
                read_steps += steps.len();
            }
        }
        assert!(read_steps > 100, "{read_steps}");
    }

    #[test]
    fn an_explanation_reads_with_its_cause() {
        let json = serde_json::json!({
            "ports": [{ "kind": "explicit" }, { "kind": "allocated", "band": "dynamic", "scanStart": 30090,
                "passed": 2, "fellBack": false, "span": { "first": 30016, "last": 30099, "size": 84 } }],
            "healthCheckNodePort": null, "released": [30005],
            "cause": { "kind": "taken", "field": "spec.ports[0].nodePort", "port": 30005,
                "holder": { "service": "default/a", "field": "spec.ports[0].nodePort" } },
            "kind": null, "line": 7
        });
        let explanation: Explanation = serde_json::from_value(json).unwrap();
        assert_eq!(explanation.line, 7);
        assert!(matches!(
            explanation.cause,
            Some(super::Cause::Taken {
                port: 30005,
                holder: Some(_),
                ..
            })
        ));
    }
}
