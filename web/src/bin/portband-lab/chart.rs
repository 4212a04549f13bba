//! The lab's result drawn: P(conflict) against the number of dynamic Services, both modes on
//! one SVG chart (each simulated point with its 95 % interval, the exact value dashed over it,
//! the dynamic band's size marked), and the sentence that reads it. Styled by attributes alone,
//! so that the exported SVG looks the same outside the page.

use portband_contract::{ModeReport, PointReport, SimulationReport};
use portband_web::words::{percent, thousands};
use std::rc::Rc;
use yew::prelude::*;

/// The chart's size, in SVG units.
const SIZE: (f64, f64) = (720.0, 380.0);
/// Room for the axes' labels: left, right, top, bottom.
const MARGIN: (f64, f64, f64, f64) = (60.0, 16.0, 34.0, 46.0);
/// Up to this many points, each is drawn as a dot too.
const DOTS: usize = 80;

/// One mode's look: its name in the legend and its colour (Okabe–Ito, told apart without colour
/// by the legend's words and the dashes of the exact value).
struct Series {
    name: &'static str,
    colour: &'static str,
    pick: fn(&PointReport) -> Option<&ModeReport>,
}

const SERIES: [Series; 2] = [
    Series {
        name: "with the band split",
        colour: "#0072B2",
        pick: |p| p.split.as_ref(),
    },
    Series {
        name: "without it (legacy)",
        colour: "#D55E00",
        pick: |p| p.legacy.as_ref(),
    },
];

/// The static ports in words: `30000`, `30000 and 30009`.
fn ports(report: &SimulationReport) -> String {
    let ports: Vec<String> = report.static_ports.iter().map(u16::to_string).collect();
    match ports.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => ports.concat(),
    }
}

/// The size of the dynamic band with the split (`D`), if the range has a static band too.
fn dynamic_band(report: &SimulationReport) -> Option<u32> {
    (report.bands.static_band.size > 0).then_some(report.bands.dynamic.size)
}

/// A sentence that reads the chart: when the split first lets a static port be taken, and how
/// often that happens without it by the time the split's dynamic band is full.
pub fn reading(report: &SimulationReport) -> String {
    let ports = ports(report);
    let were = if report.static_ports.len() == 1 {
        "is"
    } else {
        "are"
    };
    let mut split = report.points.iter().filter(|p| p.split.is_some());
    let first_taken = split
        .clone()
        .find(|p| p.split.as_ref().is_some_and(|m| m.conflicts > 0));
    let mut out = match (first_taken, split.next_back()) {
        (Some(point), _) => format!(
            "With the split, {ports} {were} never taken until {} dynamic Services exist",
            thousands(point.dynamic)
        ),
        (None, Some(last)) => format!(
            "With the split, {ports} {were} never taken, up to {} dynamic Services",
            thousands(last.dynamic)
        ),
        (None, None) => String::new(),
    };
    // Without the split: at the largest K the split keeps off the static band (K ≤ D), or at
    // the first point.
    let d = dynamic_band(report).unwrap_or(0);
    let legacy: Vec<(&PointReport, &ModeReport)> = report
        .points
        .iter()
        .filter_map(|p| Some((p, p.legacy.as_ref()?)))
        .collect();
    let at = legacy
        .iter()
        .rev()
        .find(|(p, _)| p.dynamic <= d)
        .or(legacy.first());
    if let Some((point, mode)) = at {
        let share = percent(mode.conflicts, mode.trials);
        let k = thousands(point.dynamic);
        let clause = if point.dynamic == d {
            format!("{share} of trials conflict at {k}, when the split's dynamic band is full")
        } else {
            format!("{share} of trials conflict at {k}")
        };
        out = if out.is_empty() {
            format!("Without the split, {clause}")
        } else {
            format!("{out}; without it, {clause}")
        };
    }
    if !out.is_empty() {
        out.push('.');
    }
    out
}

/// Tick values from `low` to `high`: steps of 1, 2 or 5 times a power of ten, at most 8.
fn ticks(low: u32, high: u32) -> Vec<u32> {
    let span = high.saturating_sub(low).max(1);
    let mut step = 1u32;
    'find: loop {
        for factor in [1, 2, 5] {
            let candidate = step.saturating_mul(factor);
            if span / candidate <= 7 {
                step = candidate;
                break 'find;
            }
        }
        step = step.saturating_mul(10);
    }
    let first = low.div_ceil(step) * step;
    (0..)
        .map(|i| first + i * step)
        .take_while(|&t| t <= high)
        .collect()
}

/// SVG coordinates of the plot.
struct Scale {
    low: u32,
    high: u32,
}

impl Scale {
    fn x(&self, k: u32) -> f64 {
        let width = SIZE.0 - MARGIN.0 - MARGIN.1;
        if self.high == self.low {
            return MARGIN.0 + width / 2.0;
        }
        MARGIN.0 + f64::from(k - self.low) / f64::from(self.high - self.low) * width
    }

    fn y(&self, p: f64) -> f64 {
        MARGIN.2 + (1.0 - p.clamp(0.0, 1.0)) * (SIZE.1 - MARGIN.2 - MARGIN.3)
    }
}

/// `x,y` pairs for a polyline or polygon.
fn path(points: impl Iterator<Item = (f64, f64)>) -> String {
    points
        .map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Props of [`Chart`].
#[derive(Properties, PartialEq)]
pub struct ChartProps {
    /// The simulation's report.
    pub report: Rc<SimulationReport>,
    /// Where the SVG element is, for its export.
    pub svg: NodeRef,
}

/// The chart of a report.
#[component]
pub fn Chart(props: &ChartProps) -> Html {
    let report = &props.report;
    let (Some(first), Some(last)) = (report.points.first(), report.points.last()) else {
        return Html::default();
    };
    let scale = Scale {
        low: first.dynamic,
        high: last.dynamic,
    };
    let (bottom, right) = (SIZE.1 - MARGIN.3, SIZE.0 - MARGIN.1);
    let x_ticks = ticks(scale.low, scale.high).into_iter().map(|k| {
        let x = scale.x(k);
        html! {
            <g>
                <line x1={format!("{x:.1}")} x2={format!("{x:.1}")} y1={bottom.to_string()} y2={(bottom + 5.0).to_string()} stroke="#5f6b76" />
                <text x={format!("{x:.1}")} y={(bottom + 18.0).to_string()} text-anchor="middle" font-size="12" fill="#1b1f23">{ thousands(k) }</text>
            </g>
        }
    });
    let y_ticks = [0.0, 0.25, 0.5, 0.75, 1.0].map(|p: f64| {
        let y = scale.y(p);
        html! {
            <g>
                <line x1={MARGIN.0.to_string()} x2={right.to_string()} y1={format!("{y:.1}")} y2={format!("{y:.1}")} stroke="#e3e7eb" />
                <text x={(MARGIN.0 - 8.0).to_string()} y={format!("{:.1}", y + 4.0)} text-anchor="end" font-size="12" fill="#1b1f23">{ format!("{} %", (p * 100.0) as u32) }</text>
            </g>
        }
    });
    let series = SERIES.iter().map(|series| {
        let points: Vec<(u32, &ModeReport)> = report
            .points
            .iter()
            .filter_map(|p| Some((p.dynamic, (series.pick)(p)?)))
            .collect();
        if points.is_empty() {
            return Html::default();
        }
        let at = |k: u32, p: f64| (scale.x(k), scale.y(p));
        let interval = path(
            points
                .iter()
                .map(|(k, m)| at(*k, m.ci95[1]))
                .chain(points.iter().rev().map(|(k, m)| at(*k, m.ci95[0]))),
        );
        let simulated = path(points.iter().map(|(k, m)| at(*k, m.p)));
        let exact = path(
            points
                .iter()
                .filter_map(|(k, m)| Some(at(*k, m.analytic?))),
        );
        let dots = (points.len() <= DOTS).then(|| {
            let dot = |(k, m): &(u32, &ModeReport)| {
                let (x, y) = at(*k, m.p);
                html! { <circle cx={format!("{x:.1}")} cy={format!("{y:.1}")} r="2.5" fill={series.colour} /> }
            };
            html! { <>{ for points.iter().map(dot) }</> }
        });
        html! {
            <g data-series={series.name}>
                <polygon points={interval} fill={series.colour} fill-opacity="0.18" />
                <polyline points={simulated} fill="none" stroke={series.colour} stroke-width="1.5" />
                { dots }
                if !exact.is_empty() {
                    <polyline points={exact} fill="none" stroke="#1b1f23" stroke-width="1.2" stroke-dasharray="6 4" data-exact="true" />
                }
            </g>
        }
    });
    // The split's dynamic band is full at K = D: from there on a dynamic pick may land in the
    // static band.
    let boundary = dynamic_band(report)
        .filter(|d| (scale.low..=scale.high).contains(d) && scale.low < scale.high)
        .map(|d| {
            let x = scale.x(d);
            let anchor = if x > SIZE.0 * 0.7 { "end" } else { "start" };
            let label_x = if anchor == "end" { x - 4.0 } else { x + 4.0 };
            html! {
                <g data-boundary={d.to_string()}>
                    <line x1={format!("{x:.1}")} x2={format!("{x:.1}")} y1={MARGIN.2.to_string()} y2={bottom.to_string()} stroke="#5f6b76" stroke-dasharray="3 3" />
                    // Halfway down, clear of both curves: below the legacy one (P = K/N near
                    // D), above the split's (0 until D).
                    <text x={format!("{label_x:.1}")} y={format!("{:.1}", scale.y(0.45))} text-anchor={anchor} font-size="12" fill="#5f6b76">{ format!("D = {}: the dynamic band is full", thousands(d)) }</text>
                </g>
            }
        });
    let legend = SERIES.iter().enumerate().map(|(i, series)| {
        let x = MARGIN.0 + 200.0 * i as f64;
        html! {
            <g>
                <rect x={x.to_string()} y="8" width="14" height="10" fill={series.colour} />
                <text x={(x + 20.0).to_string()} y="17" font-size="12" fill="#1b1f23">{ series.name }</text>
            </g>
        }
    });
    let exact_x = MARGIN.0 + 400.0;
    html! {
        <svg ref={props.svg.clone()} data-testid="lab-chart" xmlns="http://www.w3.org/2000/svg"
            viewBox={format!("0 0 {} {}", SIZE.0, SIZE.1)} role="img"
            aria-label={format!("P(conflict) against the number of dynamic Services, {} to {}", thousands(scale.low), thousands(scale.high))}
            font-family="system-ui, sans-serif">
            <rect width={SIZE.0.to_string()} height={SIZE.1.to_string()} fill="#ffffff" />
            { for y_ticks }
            { for series }
            { boundary }
            <line x1={MARGIN.0.to_string()} x2={right.to_string()} y1={bottom.to_string()} y2={bottom.to_string()} stroke="#5f6b76" />
            <line x1={MARGIN.0.to_string()} x2={MARGIN.0.to_string()} y1={MARGIN.2.to_string()} y2={bottom.to_string()} stroke="#5f6b76" />
            { for x_ticks }
            <text x={((MARGIN.0 + right) / 2.0).to_string()} y={(SIZE.1 - 6.0).to_string()} text-anchor="middle" font-size="12" fill="#1b1f23">{ "dynamic Services before the static requests (K)" }</text>
            <text transform={format!("translate(14 {:.1}) rotate(-90)", (MARGIN.2 + bottom) / 2.0)} text-anchor="middle" font-size="12" fill="#1b1f23">{ "P(conflict)" }</text>
            { for legend }
            <line x1={exact_x.to_string()} x2={(exact_x + 18.0).to_string()} y1="13" y2="13" stroke="#1b1f23" stroke-width="1.2" stroke-dasharray="6 4" />
            <text x={(exact_x + 24.0).to_string()} y="17" font-size="12" fill="#1b1f23">{ "exact value; shaded: 95 % interval" }</text>
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portband_allocator::lab::{Experiment, Order, Study, Sweep};
    use portband_allocator::PortRange;

    fn study(dynamic: Sweep, ports: Vec<u16>) -> SimulationReport {
        let range: PortRange = "30000-30127".parse().unwrap();
        let experiment = Experiment {
            range,
            dynamic: dynamic.values(),
            static_ports: ports,
            order: Order::DynamicFirst,
            trials: 400,
            seed: 1,
        };
        let mut study = Study::new(experiment, true, true).unwrap();
        study.run(u32::MAX);
        portband_kube::simulation_report(&study)
    }

    #[test]
    fn the_reading_names_the_first_k_the_split_lets_a_port_be_taken() {
        // 128 ports: a static band of 16, a dynamic band of 112.
        let report = study(Sweep::all(128), vec![30000]);
        assert_eq!(dynamic_band(&report), Some(112));
        let read = reading(&report);
        assert!(
            read.starts_with("With the split, 30000 is never taken until 113 dynamic Services exist; without it, "),
            "{read}"
        );
        assert!(
            read.ends_with(" of trials conflict at 112, when the split's dynamic band is full."),
            "{read}"
        );
        // Below D, the split never conflicts.
        let short = study(Sweep::parse("0..100:10").unwrap(), vec![30000, 30009]);
        assert!(reading(&short)
            .starts_with("With the split, 30000 and 30009 are never taken, up to 100 dynamic Services; without it, "));
    }

    #[test]
    fn ticks_are_round_numbers() {
        assert_eq!(ticks(0, 2768), [0, 500, 1000, 1500, 2000, 2500]);
        assert_eq!(ticks(0, 128), [0, 20, 40, 60, 80, 100, 120]);
        assert_eq!(ticks(2600, 2768), [2600, 2650, 2700, 2750]);
        assert_eq!(ticks(5, 5), [5]);
    }
}
