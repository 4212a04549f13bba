//! portband's engine for documentation pages: a WebAssembly ES module (`wasm-bindgen --target
//! web`) whose objects are plain JavaScript objects in the JSON contract's shape.
//!
//! ```js
//! import init, { Cluster, Simulation, bands, check, drawGrid, simulate, version } from "/js/portband.js";
//! await init();
//! const cluster = new Cluster({ range: "30000-32767", seed: 1 });
//! cluster.apply(yamlText); // → the steps it added
//! cluster.report();        // → what `portband apply --format json` prints
//! ```

mod applying;
mod cluster;
mod draw;
mod error;
mod moment;
mod simulation;

pub use applying::Applying;
pub use cluster::Cluster;
pub use draw::draw_grid;
pub use moment::Moment;
pub use simulation::{simulate, Simulation};

/// The heap: Talc instead of the standard library's dlmalloc, as in the app (smaller).
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static HEAP: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

use error::{input_error, plain_error};
use portband_allocator::gofmt::Quoted;
use portband_allocator::{Bands, PortRange, ServiceCidrs};
use portband_kube::{
    check_report, range_report, read, read_sent, releases, ClusterConfig, KubeVersion, Mode, State,
    MAX_SEED,
};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Settings of a simulated cluster; each optional (30000-32767, seed 0, the newest release and its band split). */
export interface ClusterOptions {
  /** `--service-node-port-range`, in every form kube-apiserver accepts. */
  range?: string;
  /** The seed of the allocator's random choices, 0 to 2^53 - 1. */
  seed?: number;
  /** The KEP-3668 band split; default: the release's. */
  staticSubrange?: boolean;
  /** The Kubernetes release modelled, "1.27" to "1.35". */
  kubernetesVersion?: string;
  /** `--service-cluster-ip-range`: one CIDR or a dual-stack pair; default "10.96.0.0/12". */
  serviceClusterIPRange?: string;
}
/** How `apply` sends plain manifests: kubectl apply (default), replace or create. */
export interface ApplyOptions {
  mode?: "apply" | "replace" | "create";
}
/** As `ApplyOptions`; `takeSettings`: a scenario's settings replace the cluster's. */
export interface StartOptions extends ApplyOptions {
  takeSettings?: boolean;
}
export interface ApplyProgress { phase: "parsing" | "decoding" | "running" | "failed"; done: number; total: number; }
export interface BandsOptions {
  staticSubrange?: boolean;
  kubernetesVersion?: string;
}
export interface CheckOptions {
  range?: string;
  kubernetesVersion?: string;
  serviceClusterIPRange?: string;
  /** The cluster as it is (`kubectl get svc -A -o yaml`, or a scenario), as `--cluster`: its file is named "cluster". */
  cluster?: string;
}
export interface Band { first: number | null; last: number | null; size: number; }
export interface BandPair { static: Band; dynamic: Band; }
export type Provenance =
  | { kind: "explicit" }
  | { kind: "allocated"; band: "static" | "dynamic"; scanStart: number; passed: number; fellBack: boolean; span: Band }
  | { kind: "shared"; with: number }
  | { kind: "kept" }
  | { kind: "notAllocated" };
export interface PortStep {
  name: string; port: number; protocol: string; nodePort: number;
  band: "static" | "dynamic" | null; provenance: Provenance;
}
export interface Step {
  action: "apply" | "replace" | "create" | "delete";
  service: string;
  result: "created" | "updated" | "deleted" | "rejected" | "skipped";
  ports: PortStep[];
  healthCheckNodePort: number | null;
  healthCheckProvenance: Provenance | null;
  /** The Service's cluster IPs in its families' order; empty for headless, ExternalName and rejected steps. */
  clusterIPs: string[];
  /** The band of each cluster IP, parallel to `clusterIPs`. */
  ipBands: ("static" | "dynamic")[];
  error: string | null;
}
export interface Usage { used: number; free: number; }
/**
 * A count of addresses: a number, or past 2^53 − 1 (an IPv6 range of the IPAddress allocator has
 * up to 2^64 − 1 addresses) a BigInt, which JSON.stringify cannot write.
 */
export type AddressCount = number | bigint;
/** A band of addresses (first and last null for an empty band). */
export interface AddressBand { first: string | null; last: string | null; size: AddressCount; }
/** A service CIDR and its KEP-3070 bands. */
export interface ServiceCidr { cidr: string; static: AddressBand; dynamic: AddressBand; }
/** A service CIDR's addresses taken and free. */
export interface CidrUsage {
  cidr: string; used: AddressCount; free: AddressCount;
  static: { used: AddressCount; free: AddressCount }; dynamic: { used: AddressCount; free: AddressCount };
}
export interface Summary { used: number; free: number; static: Usage; dynamic: Usage; serviceCIDRs: CidrUsage[]; }
export interface Report {
  kubernetesVersion: string; range: string; bands: BandPair; serviceCIDRs: ServiceCidr[]; steps: Step[]; summary: Summary;
}
/** Why a step was refused, where more can be said than its message. */
export type Cause =
  | { kind: "taken"; field: string; port: number; holder: { service: string; field: string } | null }
  | { kind: "outOfRange"; field: string; port: number }
  | { kind: "full"; field: string }
  | { kind: "duplicate"; protocol: string; port: number };
export interface Explanation {
  ports: Provenance[]; healthCheckNodePort: Provenance | null;
  /** The nodePorts the step gave back. */
  released: number[];
  cause: Cause | null;
  /** The kind of an object that is not a Service (nothing was sent). */
  kind: string | null;
  /** The line of the input the step, or its error, points at. */
  line: number;
}
export interface Owner {
  service: string; name: string; port: number; protocol: string;
  band: "static" | "dynamic" | null; healthCheck: boolean;
}
export interface Snapshot { range: string; data: Uint8Array; }
/** A Kubernetes release modelled: its band split's feature gate (ServiceNodePortStaticSubrange). */
export interface Release {
  version: string; gate: "alpha" | "beta" | "locked" | "removed"; splitByDefault: boolean;
  /** Why no cluster of the release runs without the band split, if none can. */
  noLegacyNote: string | null;
}
/** A refused step: where its input (or error) points, the apiserver's message, and the port another Service held, if that was why. */
export interface Refusal { step: number; line: number; message: string; taken: number | null; }
/** A cluster's settings, each given or defaulted, and the bands they make. */
export interface Settings { range: string; seed: number; staticSubrange: boolean; kubernetesVersion: string; serviceCIDRs: ServiceCidr[]; bands: BandPair; }
/** A cell of a service CIDR's grid (`Moment.addressCell`). */
export interface AddressCell {
  first: string; last: string; size: AddressCount; band: "static" | "dynamic" | null;
  taken: AddressCount; service: string | null; explicit: boolean;
  /** For an address the allocator chose: where its scan started, and the taken addresses it passed. */
  scanStart: string | null; passed: AddressCount | null;
}
export interface LastInput { text: string; mode: "apply" | "replace" | "create"; }
/** The allocator's metrics, as kube_apiserver_nodeport_allocator_* would export them. */
export interface Metrics {
  allocatedPorts: number; availablePorts: number;
  allocationTotal: { static: number; dynamic: number };
  allocationErrorsTotal: { static: number; dynamic: number };
}
/** Who held each port of the range: `services[i]` is the index in the Service list of the Service holding the range's i-th port, or -1; `explicit[i]` is 1 where a manifest wrote it. */
export interface Holders { services: Int32Array; explicit: Uint8Array; }
/** Where the next dynamic allocation can land: the band its scan runs in, and each free port of it (`ports[i]`) with the random starts that lead there (`starts[i]`; they add up to the band's size, so a port's chance is `starts[i] / span.size`). */
export interface NextPick { span: Band; ports: Int32Array; starts: Uint32Array; }
/** The chance a dynamically allocated port had: `starts` of the band's `of` random starts lead to it. */
export interface Chance { port: number; starts: number; of: number; }
/** A `spec.ports` entry that uses a nodePort. */
export interface PortUse { name: string; port: number; protocol: string; }
/** A nodePort a Service holds: every entry that uses it, or the health check. */
export interface HeldPort {
  nodePort: number; band: "static" | "dynamic" | null; uses: PortUse[]; healthCheck: boolean;
  /** Whether a manifest wrote it rather than the allocator choosing it. */
  explicit: boolean;
}
export interface StoredService { service: string; type: string; nodePorts: HeldPort[]; }
/** A step in a log's words: the step, its port lines, a refusal as kubectl prints it with its HTTP code and Status reason, the kind of an object that is not a Service, the nodePorts it holds. */
export interface LogLine {
  step: Step; portLines: string[]; kubectlError: string | null; code: number | null; reason: string | null;
  kind: string | null; cause: Cause | null; held: HeldPort[];
  /** The note its scenario step carries (a lesson's words), or null. */
  note: string | null;
}
/** A step whose outcome differs when the same inputs run under other settings: each run's log line. */
export interface Difference { step: number; here: LogLine; there: LogLine; }
export interface RangeBands { range: string; size: number; static: Band; dynamic: Band; }
export interface Place { file: string; line: number; column: number; }
export interface Finding extends Place {
  severity: "error" | "warning"; service: string; message: string; related: Place | null;
}
export interface Review { diagnostics: Finding[]; errors: number; warnings: number; }
/** What `drawGrid` draws: the state after `at` steps (default: all), the ports of the Service `highlight` ("namespace/name") ringed. */
export interface DrawOptions {
  at?: number;
  highlight?: string;
}
/** `portband simulate`'s flags; each optional, with its defaults. */
export interface SimulateOptions {
  /** `--service-node-port-range` (30000-32767). */
  range?: string;
  /** K, or a sweep "A..B" / "A..B:STEP" (0 to the range's size). */
  dynamic?: number | string;
  /** The ports requested explicitly (the range's first). */
  staticPorts?: number[];
  order?: "dynamic-first" | "random";
  /** Trials per point (10,000). */
  trials?: number;
  /** 0 to 2^53 - 1 (0). */
  seed?: number;
  mode?: "split" | "legacy" | "both";
}
export interface ModeResult { conflicts: number; trials: number; p: number; ci95: [number, number]; analytic: number | null; }
export interface SimulationPoint { dynamic: number; split?: ModeResult; legacy?: ModeResult; }
export interface SimulationResult {
  range: string; bands: BandPair; trials: number; seed: number; order: "dynamic-first" | "random";
  staticPorts: number[]; points: SimulationPoint[];
}
"#;

/// Options of [`bands`].
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct BandsOptions {
    static_subrange: Option<bool>,
    kubernetes_version: Option<String>,
}

/// Options of [`check`].
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CheckOptions {
    range: Option<String>,
    kubernetes_version: Option<String>,
    #[serde(rename = "serviceClusterIPRange")]
    service_cluster_ip_range: Option<String>,
    cluster: Option<String>,
}

/// Reads an options object (`undefined` or `null` for none) whose fields are `known`.
pub(crate) fn options<T: Default + for<'de> Deserialize<'de>>(
    value: JsValue,
    what: &str,
    known: &[&str],
) -> Result<T, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    let invalid = |detail: String| plain_error(&format!("invalid {what} options: {detail}"));
    if let Some(object) = value.dyn_ref::<js_sys::Object>() {
        for key in js_sys::Object::keys(object) {
            let key = key.as_string().unwrap_or_default();
            if !known.contains(&key.as_str()) {
                let expected: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
                return Err(invalid(format!(
                    "unknown field `{key}`, expected one of {}",
                    expected.join(", ")
                )));
            }
        }
    }
    serde_wasm_bindgen::from_value(value).map_err(|e| invalid(e.to_string()))
}

pub(crate) fn range(text: Option<&str>) -> Result<PortRange, JsValue> {
    let text = text.unwrap_or("");
    PortRange::parse_flag(text)
        .map_err(|e| plain_error(&format!("invalid range {}: {e}", Quoted(text))))
}

/// `--service-cluster-ip-range` as `version`'s kube-apiserver reads it.
pub(crate) fn service_cidrs(text: &str, version: KubeVersion) -> Result<ServiceCidrs, JsValue> {
    ServiceCidrs::parse(text, version.ip_allocator()).map_err(|e| {
        plain_error(&format!(
            "invalid serviceClusterIPRange {}: {e}",
            Quoted(text)
        ))
    })
}

fn kubernetes_version(text: Option<&str>) -> Result<Option<KubeVersion>, JsValue> {
    text.map(KubeVersion::parse)
        .transpose()
        .map_err(|e| plain_error(&e))
}

/// A seed given as a JavaScript number: a whole one from 0 to 2^53 − 1 (0 when left out).
pub(crate) fn seed(value: Option<f64>) -> Result<u64, JsValue> {
    match value {
        None => Ok(0),
        Some(seed) if seed.fract() == 0.0 && (0.0..=MAX_SEED as f64).contains(&seed) => {
            Ok(seed as u64)
        }
        Some(_) => Err(plain_error(&format!(
            "invalid seed: a seed is a whole number from 0 to {MAX_SEED}"
        ))),
    }
}

/// A value in the JSON contract's shape: plain objects, `null` for none.
pub(crate) fn to_js<T: Serialize>(value: &T) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .expect("the reports serialize to JavaScript")
}

/// The bands of `range`: what `portband bands --format json` prints.
#[wasm_bindgen(unchecked_return_type = "RangeBands")]
pub fn bands(
    range_text: &str,
    #[wasm_bindgen(unchecked_param_type = "BandsOptions")] options_value: JsValue,
) -> Result<JsValue, JsValue> {
    let options: BandsOptions = options(
        options_value,
        "bands",
        &["staticSubrange", "kubernetesVersion"],
    )?;
    let range = range(Some(range_text))?;
    let version = kubernetes_version(options.kubernetes_version.as_deref())?.unwrap_or_default();
    let split = options
        .static_subrange
        .unwrap_or(version.static_subrange_gate().default_on());
    let bands = if split {
        Bands::of(range)
    } else {
        Bands::with_static_size(range, 0)
    };
    Ok(to_js(&range_report(range, &bands)))
}

/// A review of `text`: what `portband check --format json` prints for it, the file named `-`;
/// with `cluster`, against that cluster's Services, as `--cluster` (its file named `cluster`).
#[wasm_bindgen(unchecked_return_type = "Review")]
pub fn check(
    text: &str,
    #[wasm_bindgen(unchecked_param_type = "CheckOptions")] options_value: JsValue,
) -> Result<JsValue, JsValue> {
    let options: CheckOptions = options(
        options_value,
        "check",
        &[
            "range",
            "kubernetesVersion",
            "serviceClusterIPRange",
            "cluster",
        ],
    )?;
    let range = range(options.range.as_deref())?;
    let input = read(text).map_err(|e| input_error("-", &e))?;
    // As the CLI stores a state: each Service as a POST stores it.
    let cluster = options
        .cluster
        .as_deref()
        .map(|dump| read_sent(dump, Mode::Create).map_err(|e| input_error("cluster", &e)))
        .transpose()?;
    let version = kubernetes_version(options.kubernetes_version.as_deref())?
        .or(input.version)
        .or(cluster.as_ref().and_then(|c| c.version))
        .unwrap_or_default();
    let service_cidrs = match options.service_cluster_ip_range.as_deref() {
        Some(text) => service_cidrs(text, version)?,
        None => [Some(&input), cluster.as_ref()]
            .into_iter()
            .flatten()
            .find_map(|input| input.service_cidrs)
            .unwrap_or_default(),
    };
    let config = ClusterConfig {
        version,
        range,
        service_cidrs,
        ..ClusterConfig::default()
    };
    let state = match &cluster {
        Some(cluster) => State::of(cluster, config),
        None => State::empty(config),
    };
    let diagnostics = portband_kube::check(std::slice::from_ref(&input), &state);
    Ok(to_js(&check_report(&diagnostics, &["-", "cluster"])))
}

/// The module's version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// The Kubernetes releases modelled, oldest first (the last is the default).
#[wasm_bindgen(js_name = kubernetesVersions, unchecked_return_type = "Release[]")]
pub fn kubernetes_versions() -> JsValue {
    to_js(&releases())
}
