//! kube-apiserver's Service semantics for node ports, on top of `portband-allocator`.
//!
//! Read YAML ([`read`]), run the steps against a simulated [`Cluster`] or a recorded [`History`],
//! and get an [`Outcome`] per step: the nodePorts each Service got and their bands, or the exact
//! Status message the apiserver would return.
//!
//! ```
//! use portband_kube::{read, ClusterConfig, History, Verdict};
//!
//! let input = read("
//! apiVersion: v1
//! kind: Service
//! metadata: {name: web}
//! spec:
//!   type: NodePort
//!   ports: [{port: 80, nodePort: 30080}]
//! ").unwrap();
//! let mut history = History::new(ClusterConfig::default());
//! for step in input.steps.iter().chain(&input.steps) {
//!     history.push(step.clone());
//! }
//! assert_eq!(history.outcomes()[0].verdict, Verdict::Created);
//! assert_eq!(history.outcomes()[0].ports[0].node_port, 30080);
//! assert_eq!(history.outcomes()[1].verdict, Verdict::Updated);
//! ```

mod check;
mod cluster;
mod cluster_ips;
mod decode;
mod input;
mod key;
mod kubectl;
mod outcome;
mod registry;
mod report;
mod service;
mod session;
mod status;
mod validation;
mod version;
mod yaml;

pub use check::{check, Diagnostic, Location, Rule, Severity, State};
pub use cluster::{Cluster, ClusterConfig, History, Source, Step, Stored, CHECKPOINT_INTERVAL};
pub use cluster_ips::{family_name, ClusterIp, ClusterIps, IpProvenance};
pub use decode::Object;
pub use input::{
    read, read_sent, write_scenario, Entry, Input, Note, ReadProgress, Reading, MAX_NESTING,
    MAX_REPEAT, MAX_STEPS, SCENARIO_API_VERSION,
};
pub use key::{KeyError, ServiceKey};
pub use kubectl::LAST_APPLIED;
pub use outcome::{
    held, Action, Cause, HealthCheck, Held, Holder, Outcome, PortOutcome, Provenance, Request,
    Verdict,
};
pub use portband_contract::{Mode, MAX_SCENARIO_BYTES, MAX_SEED};
pub use registry::{Allocation, Allocators};
pub use report::{
    band, band_report, bands_report, check_report, provenance_report, range_report, releases,
    report, service_cidr_report, simulation_report, step_report, summary,
};
pub use service::{types, Service, ServicePort, ServiceSpec, TargetPort};
pub use session::{owner_of, Applying, FinishError, Holders, Moment, Session, MAX_ADDRESS_CELLS};
pub use status::{ApiError, BadValue, ErrorType, FieldError};
pub use version::{Gate, KubeVersion};
pub use yaml::{InputError, Pos, MAX_ALIAS_BYTES, MAX_ALIAS_NODES, MAX_DOCUMENT_BYTES};
