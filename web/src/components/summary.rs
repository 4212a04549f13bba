//! Used and free ports per band, and the allocator's upstream metrics.

use crate::state::Shared;
use portband_kube::{Cluster, History};
use yew::prelude::*;

/// Props of [`Summary`].
#[derive(Properties, PartialEq)]
pub struct SummaryProps {
    /// The run.
    pub history: Shared<History>,
    /// The cluster at the history's cursor, when that is in the past.
    pub past: Option<Shared<Cluster>>,
}

/// The band summary and the metrics.
#[component]
pub fn Summary(props: &SummaryProps) -> Html {
    let cluster = props.past.as_deref().unwrap_or(props.history.cluster());
    let allocator = cluster.allocator();
    let bands = cluster.bands();
    let usage = allocator.band_usage();
    let metrics = allocator.metrics();
    let static_text = match bands.static_band {
        Some(band) => format!(
            "static {band}: {} used, {} free",
            usage.static_used, usage.static_free
        ),
        None if cluster.config().static_subrange => {
            "static: none (ranges of 16 ports or fewer have no static band)".to_owned()
        }
        None => "static: none (band split off)".to_owned(),
    };
    let dynamic_text = match bands.dynamic_band {
        Some(band) => format!(
            "dynamic {band}: {} used, {} free",
            usage.dynamic_used, usage.dynamic_free
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
            { Html::from_html_unchecked(AttrValue::from(metrics_html(metrics))) }
        </div>
    }
}

/// The four metrics as a definition list (numbers only, so nothing needs escaping).
fn metrics_html(m: &portband_allocator::Metrics) -> String {
    format!(
        r#"<dl class="metrics" title="kube_apiserver_nodeport_allocator_* as the apiserver would export them"><dt>allocated_ports</dt><dd>{}</dd><dt>available_ports</dt><dd>{}</dd><dt>allocation_total</dt><dd>static {} · dynamic {}</dd><dt>allocation_errors_total</dt><dd>static {} · dynamic {}</dd></dl>"#,
        m.allocated_ports,
        m.available_ports,
        m.allocation_total.static_scope,
        m.allocation_total.dynamic_scope,
        m.allocation_errors_total.static_scope,
        m.allocation_errors_total.dynamic_scope
    )
}
