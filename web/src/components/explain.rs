//! "Why this port?": how the allocator reached the step at the cursor, and how the range splits.

use portband_allocator::{
    static_band_size, Bands, PortRange, STATIC_BAND_MAX, STATIC_BAND_MIN, STATIC_BAND_STEP,
    STATIC_BAND_THRESHOLD,
};
use portband_contract::{
    Cause, Chance, Explanation, LogLine, PortReport, ProvenanceReport, Settings,
};
use portband_web::words::percent;
use yew::prelude::*;

/// The explanation panel for step `step` (from 1), its line and the engine's explanation, if the
/// cursor is after one, with the chance each of its picks had, under `settings` (a view function:
/// it keeps no state).
pub fn explain(
    step: Option<(usize, &LogLine, &Explanation)>,
    chances: &[Chance],
    settings: &Settings,
) -> Html {
    let (range, bands) = crate::view::bands(settings);
    html! {
        <div class="explain" data-testid="explain">
            <h2>{ "Why this port?" }</h2>
            if let Some((position, row, explanation)) = step {
                <p class="step-title">{ format!("Step {position}: {} — {}", row.step.service, row.step.result) }</p>
                <ul>{ for reasons(row, explanation, chances, &bands).into_iter().map(|r| html! { <li>{ r }</li> }) }</ul>
            } else {
                <p class="empty">{ "Apply something, or step forward, to see why each port was chosen." }</p>
            }
            <p class="formula" data-testid="formula">{ formula(range, settings.static_subrange) }</p>
        </div>
    }
}

/// An entry as the explanation names it: `http 80/TCP`.
fn entry_label(port: &PortReport) -> String {
    match port.name.as_str() {
        "" => format!("{}/{}", port.port, port.protocol),
        name => format!("{name} {}/{}", port.port, port.protocol),
    }
}

/// One sentence per port of the step (how it got its nodePort), release or refusal.
fn reasons(
    row: &LogLine,
    explanation: &Explanation,
    chances: &[Chance],
    bands: &Bands,
) -> Vec<String> {
    let chance = |port: i32| chances.iter().find(|c| c.port == port);
    let step = &row.step;
    let mut reasons = Vec::new();
    if let Some(kind) = &row.kind {
        reasons.push(format!(
            "A {kind} is not a Service: nothing reaches the node-port allocator."
        ));
    }
    if step.result != "deleted" {
        for port in &step.ports {
            let label = entry_label(port);
            let chance = chance(port.node_port);
            if let Some(reason) = reason(
                &label,
                port.node_port,
                &port.provenance,
                chance,
                step,
                bands,
            ) {
                reasons.push(reason);
            }
        }
        if let (Some(node_port), Some(provenance)) =
            (step.health_check_node_port, &step.health_check_provenance)
        {
            let chance = chance(node_port);
            if let Some(reason) = reason(
                "healthCheckNodePort",
                node_port,
                provenance,
                chance,
                step,
                bands,
            ) {
                reasons.push(reason);
            }
        }
    }
    if !explanation.released.is_empty() {
        let ports: Vec<String> = explanation.released.iter().map(i32::to_string).collect();
        reasons.push(format!("Released: {}.", ports.join(", ")));
    }
    if let Some(error) = &step.error {
        reasons.push(format!("Refused: {error}"));
    }
    match &explanation.cause {
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
    provenance: &ProvenanceReport,
    chance: Option<&Chance>,
    step: &portband_contract::StepReport,
    bands: &Bands,
) -> Option<String> {
    let band = |port: i32| {
        bands
            .band_of(i64::from(port))
            .map_or("no", portband_allocator::BandKind::as_str)
    };
    Some(match provenance {
        ProvenanceReport::Explicit => format!(
            "{label}: {node_port} is written in the manifest. Explicit ports may be anywhere in the range; this one is in the {} band.",
            band(node_port)
        ),
        ProvenanceReport::Allocated { band: picked, scan_start, passed, fell_back, span } => {
            let passed = match passed {
                0 => "it was free, so it took it".to_owned(),
                1 => format!("it was taken; scanning upwards (wrapping inside the band) it passed 1 taken port and took {node_port}"),
                n => format!("it was taken; scanning upwards (wrapping inside the band) it passed {n} taken ports and took {node_port}"),
            };
            let span = crate::view::band(span).map_or_else(String::new, |b| b.to_string());
            // How likely that outcome was: the starts that lead to the port, over all of them.
            let odds = chance.map_or_else(String::new, |c| {
                let run = match c.starts - 1 {
                    0 => "no taken port lies just before it".to_owned(),
                    1 => "1 taken port lies just before it".to_owned(),
                    n => format!("{n} taken ports lie just before it"),
                };
                let lead = if c.starts == 1 { "leads" } else { "lead" };
                format!(
                    " It had a {} in {} chance ({}) of being the one picked: {run}, so {} of the band's {} random starts {lead} to it.",
                    c.starts, c.of, percent(c.starts, c.of), c.starts, c.of
                )
            });
            if *fell_back {
                format!(
                    "{label}: every port of the dynamic band was taken, so the allocator fell back to the static band {span}: it drew a random start, {scan_start}; {passed}.{odds}"
                )
            } else {
                format!(
                    "{label}: the allocator drew a random start, {scan_start}, in the {} band {span}; {passed}.{odds}",
                    picked.as_str()
                )
            }
        }
        ProvenanceReport::Shared { with } => format!(
            "{label} shares {node_port} with {}, the entry with the same port number: one allocation for both.",
            step.ports.get(*with).map_or_else(String::new, entry_label)
        ),
        ProvenanceReport::Kept => format!(
            "{label}: left unset, so it keeps {node_port}, the nodePort its port name had before; nothing new was allocated."
        ),
        ProvenanceReport::NotAllocated if node_port != 0 => format!(
            "{label}: {node_port} is stored as written but not allocated: this Service holds no node ports, so another Service may take {node_port}."
        ),
        ProvenanceReport::NotAllocated => return None,
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
