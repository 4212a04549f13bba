//! Used and free ports per band, and the allocator's upstream metrics.

use crate::engine::MomentView;
use portband_contract::{Metrics, Scoped, Settings};
use yew::prelude::*;

/// The band summary and the metrics of the moment shown under `settings` (a view function: it
/// keeps no state).
pub fn summary(moment: &MomentView, settings: &Settings) -> Html {
    let usage = &moment.summary;
    let band = crate::view::band;
    let static_text = match band(&settings.bands.static_band) {
        Some(band) => format!(
            "static {band}: {} used, {} free",
            usage.static_band.used, usage.static_band.free
        ),
        None if settings.static_subrange => {
            "static: none (ranges of 16 ports or fewer have no static band)".to_owned()
        }
        None => "static: none (band split off)".to_owned(),
    };
    let dynamic_text = match band(&settings.bands.dynamic) {
        Some(band) => format!(
            "dynamic {band}: {} used, {} free",
            usage.dynamic.used, usage.dynamic.free
        ),
        None => "dynamic: none (empty range)".to_owned(),
    };
    html! {
        <div class="summary">
            <p data-testid="band-summary" class="bands">
                <span class="static-swatch" aria-hidden="true"></span>{ static_text }
                <br />
                <span class="dynamic-swatch" aria-hidden="true"></span>{ dynamic_text }
            </p>
            { self::metrics(&moment.metrics) }
        </div>
    }
}

/// The four metrics as a definition list.
fn metrics(m: &Metrics) -> Html {
    let by_scope = |s: Scoped| format!("static {} · dynamic {}", s.static_scope, s.dynamic);
    let rows = [
        ("allocated_ports", m.allocated_ports.to_string()),
        ("available_ports", m.available_ports.to_string()),
        ("allocation_total", by_scope(m.allocation_total)),
        (
            "allocation_errors_total",
            by_scope(m.allocation_errors_total),
        ),
    ];
    // Upstream sets the two gauges on the first allocation, not before.
    let unset = m.allocation_total == Scoped::default();
    html! {
        <>
            <dl class="metrics" title="kube_apiserver_nodeport_allocator_* as the apiserver would export them">
                { for rows.into_iter().map(|(name, value)| html! { <><dt>{ name }</dt><dd>{ value }</dd></> }) }
            </dl>
            <p class="metrics-note" data-testid="metrics-note">
                { "scope static counts nodePorts written in a manifest, scope dynamic those the allocator chose, whatever band they lie in." }
                if unset {
                    { " The gauges read 0 until the first allocation, as the apiserver reports them." }
                }
            </p>
        </>
    }
}
