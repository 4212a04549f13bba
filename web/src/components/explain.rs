//! "Why this port?": how the allocator reached the step at the cursor, and how the range splits.

use portband_allocator::{
    static_band_size, BandKind, Bands, PortRange, STATIC_BAND_MAX, STATIC_BAND_MIN,
    STATIC_BAND_STEP, STATIC_BAND_THRESHOLD,
};
use portband_kube::{Cause, Cluster, Outcome, Provenance, Verdict};
use yew::prelude::*;

/// The explanation panel for step `step` (from 1) and its outcome, if the cursor is after one, in
/// `cluster` (a view function: it keeps no state).
pub fn explain(step: Option<(usize, &Outcome)>, cluster: &Cluster) -> Html {
    let bands = cluster.bands();
    let config = cluster.config();
    html! {
        <div class="explain" data-testid="explain">
            <h2>{ "Why this port?" }</h2>
            if let Some((position, outcome)) = step {
                <p class="step-title">{ format!("Step {position}: {} — {}", outcome.service, outcome.verdict.as_str()) }</p>
                <ul>{ for reasons(outcome, &bands).into_iter().map(|r| html! { <li>{ r }</li> }) }</ul>
            } else {
                <p class="empty">{ "Apply something, or step forward, to see why each port was chosen." }</p>
            }
            <p class="formula" data-testid="formula">{ formula(config.range, config.static_subrange) }</p>
        </div>
    }
}

/// One sentence per port of the step (how it got its nodePort), release or refusal.
fn reasons(outcome: &Outcome, bands: &Bands) -> Vec<String> {
    let mut reasons = Vec::new();
    if let Some(kind) = &outcome.kind {
        reasons.push(format!(
            "A {kind} is not a Service: nothing reaches the node-port allocator."
        ));
    }
    if outcome.verdict != Verdict::Deleted {
        for port in &outcome.ports {
            let label = port.label();
            if let Some(reason) = reason(&label, port.node_port, port.provenance, outcome, bands) {
                reasons.push(reason);
            }
        }
        if let Some(hc) = &outcome.health_check {
            if let Some(reason) = reason(
                "healthCheckNodePort",
                hc.node_port,
                hc.provenance,
                outcome,
                bands,
            ) {
                reasons.push(reason);
            }
        }
    }
    if !outcome.released.is_empty() {
        let ports: Vec<String> = outcome.released.iter().map(i32::to_string).collect();
        reasons.push(format!("Released: {}.", ports.join(", ")));
    }
    if let Some(error) = &outcome.error {
        reasons.push(format!("Refused: {error}"));
    }
    match &outcome.cause {
        Some(Cause::Taken { field, port, holder: Some(holder) }) => reasons.push(format!(
            "{field} asked for {port}, which {} holds ({}).",
            holder.service, holder.field
        )),
        Some(Cause::Taken { field, port, holder: None }) => reasons.push(format!(
            "{field} asked for {port}, which an earlier field of the same request had taken; the request gave back what it had taken."
        )),
        Some(Cause::Full { field }) => reasons.push(format!(
            "{field} needed a port and none was free: the request gave back what it had taken."
        )),
        Some(Cause::Duplicate { protocol, port }) => reasons.push(format!(
            "Two entries ask for {port}/{protocol}: on update, entries with the same port number no longer share a nodePort."
        )),
        _ => {}
    }
    if reasons.is_empty() {
        reasons.push("Nothing was allocated or released.".to_owned());
    }
    reasons
}

/// How one port (`label`) came to have `node_port`, or nothing to say for a port without one.
fn reason(
    label: &str,
    node_port: i32,
    provenance: Provenance,
    outcome: &Outcome,
    bands: &Bands,
) -> Option<String> {
    let band = |port: i32| {
        bands
            .band_of(i64::from(port))
            .map_or("no", BandKind::as_str)
    };
    Some(match provenance {
        Provenance::Explicit => format!(
            "{label}: {node_port} is written in the manifest. Explicit ports may be anywhere in the range; this one is in the {} band.",
            band(node_port)
        ),
        Provenance::Allocated(pick) => {
            let passed = match pick.skipped {
                0 => "it was free, so it took it".to_owned(),
                1 => format!("it was taken; scanning upwards (wrapping inside the band) it passed 1 taken port and took {node_port}"),
                n => format!("it was taken; scanning upwards (wrapping inside the band) it passed {n} taken ports and took {node_port}"),
            };
            if pick.fell_back {
                format!(
                    "{label}: every port of the dynamic band was taken, so the allocator fell back to the static band {}: it drew a random start, {}; {passed}.",
                    pick.span, pick.scan_start
                )
            } else {
                format!(
                    "{label}: the allocator drew a random start, {}, in the {} band {}; {passed}.",
                    pick.scan_start, pick.band, pick.span
                )
            }
        }
        Provenance::Shared { index } => format!(
            "{label} shares {node_port} with {}, the entry with the same port number: one allocation for both.",
            outcome.ports.get(index).map_or_else(String::new, |p| p.label())
        ),
        Provenance::Kept => format!(
            "{label}: left unset, so it keeps {node_port}, the nodePort its port name had before; nothing new was allocated."
        ),
        Provenance::NotAllocated if node_port != 0 => format!(
            "{label}: {node_port} is stored as written but not allocated: this Service holds no node ports, so another Service may take {node_port}."
        ),
        Provenance::NotAllocated => return None,
    })
}

/// The band formula with the range's numbers.
fn formula(range: PortRange, static_subrange: bool) -> String {
    let n = range.size();
    if !static_subrange {
        return format!(
            "Band split off (legacy): dynamic ports come from all {n} ports of {range}."
        );
    }
    if n <= STATIC_BAND_THRESHOLD {
        return format!(
            "{range} has N = {n} ports; N ≤ {STATIC_BAND_THRESHOLD}, so there is no static band."
        );
    }
    let size = static_band_size(n);
    let bands = Bands::of(range);
    let describe =
        |b: Option<portband_allocator::Band>| b.map_or("none".to_owned(), |b| b.to_string());
    format!(
        "{range} has N = {n} ports: ⌊{n} / {STATIC_BAND_STEP}⌋ = {}, kept within [{STATIC_BAND_MIN}, {STATIC_BAND_MAX}] → a static band of {size}: {}; dynamic {}.",
        n / STATIC_BAND_STEP,
        describe(bands.static_band),
        describe(bands.dynamic_band)
    )
}
