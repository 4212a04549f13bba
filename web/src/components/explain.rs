//! "Why this port?": how the allocator reached the step at the cursor, and how the range splits.

use crate::state::Shared;
use portband_allocator::{
    static_band_size, BandKind, Bands, PortRange, STATIC_BAND_MAX, STATIC_BAND_MIN,
    STATIC_BAND_STEP, STATIC_BAND_THRESHOLD,
};
use portband_kube::{History, Outcome, Verdict};
use yew::prelude::*;

/// Props of [`Explain`].
#[derive(Properties, PartialEq)]
pub struct ExplainProps {
    /// The run.
    pub history: Shared<History>,
    /// How many steps the shown state has run; the last of them is explained.
    pub position: usize,
    /// The allocator's bands.
    pub bands: Bands,
    /// The range.
    pub range: PortRange,
    /// Whether the KEP-3668 band split is on.
    pub static_subrange: bool,
}

/// The explanation panel.
#[component]
pub fn Explain(props: &ExplainProps) -> Html {
    let step = props
        .position
        .checked_sub(1)
        .and_then(|i| props.history.outcomes().get(i));
    html! {
        <div class="explain" data-testid="explain">
            <h2>{ "Why this port?" }</h2>
            if let Some(outcome) = step {
                <p class="step-title">{ format!("Step {}: {} — {}", props.position, outcome.service, outcome.verdict.as_str()) }</p>
                <ul>{ for reasons(outcome, &props.bands).into_iter().map(|r| html! { <li>{ r }</li> }) }</ul>
            } else {
                <p class="empty">{ "Apply something, or step forward, to see why each port was chosen." }</p>
            }
            <p class="formula" data-testid="formula">{ formula(props.range, props.static_subrange) }</p>
        </div>
    }
}

/// One sentence per allocation, release or refusal of the step.
fn reasons(outcome: &Outcome, bands: &Bands) -> Vec<String> {
    let mut reasons = Vec::new();
    if let Some(kind) = &outcome.kind {
        reasons.push(format!(
            "A {kind} is not a Service: nothing reaches the node-port allocator."
        ));
    }
    for allocation in &outcome.allocations {
        let port = allocation.port;
        reasons.push(match allocation.pick {
            None => format!(
                "{}: {port} is written in the manifest. Explicit ports may be anywhere in the range; this one is in the {} band.",
                allocation.field,
                bands.band_of(i64::from(port)).map_or("no", BandKind::as_str)
            ),
            Some(pick) => {
                let band = match pick.band {
                    BandKind::Static => bands.static_band,
                    BandKind::Dynamic => bands.dynamic_band,
                };
                let band = band.map_or(String::new(), |b| format!(" {b}"));
                let passed = match pick.skipped {
                    0 => "it was free, so it took it".to_owned(),
                    1 => format!("it was taken; scanning upwards (wrapping inside the band) it passed 1 taken port and took {port}"),
                    n => format!("it was taken; scanning upwards (wrapping inside the band) it passed {n} taken ports and took {port}"),
                };
                if pick.fell_back {
                    format!(
                        "{}: every port of the dynamic band was taken, so the allocator fell back to the static band{band}: it drew a random start, {}; {passed}.",
                        allocation.field, pick.scan_start
                    )
                } else {
                    format!(
                        "{}: the allocator drew a random start, {}, in the {} band{band}; {passed}.",
                        allocation.field, pick.scan_start, pick.band
                    )
                }
            }
        });
    }
    // An entry with the nodePort of an earlier entry, and no allocation of its own, shares it.
    for (i, port) in outcome
        .ports
        .iter()
        .enumerate()
        .filter(|(_, p)| p.node_port != 0)
    {
        let field = format!("spec.ports[{i}].nodePort");
        let shares = outcome.ports[..i]
            .iter()
            .any(|earlier| earlier.node_port == port.node_port);
        if shares
            && outcome.verdict != Verdict::Deleted
            && !outcome.allocations.iter().any(|a| a.field == field)
        {
            reasons.push(format!(
                "{} {}/{} shares {} with the entry of the same port number: one allocation for both.",
                port.name, port.port, port.protocol, port.node_port
            ));
        }
    }
    if outcome.verdict == Verdict::Updated
        && outcome.allocations.is_empty()
        && !outcome.ports.is_empty()
    {
        reasons.push("Re-applied: ports left unset keep the nodePorts they had (matched by port name), so nothing new was allocated.".to_owned());
    }
    if !outcome.released.is_empty() {
        let ports: Vec<String> = outcome.released.iter().map(i32::to_string).collect();
        reasons.push(format!("Released: {}.", ports.join(", ")));
    }
    if let Some(error) = &outcome.error {
        reasons.push(format!("Refused: {error}"));
        match &outcome.holder {
            Some(holder) => reasons.push(format!("{} is held by {} ({}).", holder.port, holder.service, holder.field)),
            None if error.to_string().contains("already allocated") => {
                reasons.push("The port was taken earlier in this same request; the request gave back what it had taken.".to_owned())
            }
            None => {}
        }
    }
    if reasons.is_empty() {
        reasons.push("Nothing was allocated or released.".to_owned());
    }
    reasons
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
