//! `portband simulate`: the lab's conflict probabilities, as a table, JSON or CSV.

use clap::ValueEnum;
use portband_allocator::lab::{Experiment, Order, Study, Sweep};
use portband_allocator::{Band, Bands, PortRange};
use portband_contract::{PointReport, SimulationReport};
use portband_kube::simulation_report;
use std::fmt::Write;
use std::io::IsTerminal;

/// `--order`.
#[derive(Clone, Copy, ValueEnum)]
pub enum OrderArg {
    /// Every dynamic request, then the static ones.
    DynamicFirst,
    /// A uniformly random order of all requests (each point simulated on its own: slower).
    Random,
}

/// `--mode`.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    /// With the band split.
    Split,
    /// Without it.
    Legacy,
    /// Both.
    Both,
}

/// `--format`.
#[derive(Clone, Copy, ValueEnum)]
pub enum SimulateFormat {
    /// Aligned text for people.
    Table,
    /// One JSON object (see the README for its fields).
    Json,
    /// A header line, then one row per point and mode.
    Csv,
}

/// The experiment as the command line gives it.
pub struct Options {
    /// The range.
    pub range: PortRange,
    /// `--dynamic`, if given.
    pub dynamic: Option<Sweep>,
    /// `--static-port`s.
    pub static_ports: Vec<u16>,
    /// `--order`.
    pub order: OrderArg,
    /// `--trials`.
    pub trials: u32,
    /// `--seed`.
    pub seed: u64,
}

/// Runs the experiment; returns the exit status.
pub fn run(options: &Options, mode: ModeArg, format: SimulateFormat) -> u8 {
    let range = options.range;
    let experiment = Experiment {
        range,
        dynamic: options
            .dynamic
            .unwrap_or_else(|| Sweep::all(range.size()))
            .values(),
        static_ports: if options.static_ports.is_empty() {
            vec![range.base()]
        } else {
            options.static_ports.clone()
        },
        order: match options.order {
            OrderArg::DynamicFirst => Order::DynamicFirst,
            OrderArg::Random => Order::Random,
        },
        trials: options.trials,
        seed: options.seed,
    };
    let mut study = match Study::new(experiment, mode != ModeArg::Legacy, mode != ModeArg::Split) {
        Ok(study) => study,
        Err(e) => {
            eprintln!("portband: {e}");
            return 2;
        }
    };
    // On a terminal, a line of progress on standard error while the trials run.
    let progress = std::io::stderr().is_terminal();
    while !study.finished() {
        study.run(200);
        if progress {
            eprint!("\rsimulating: {} of {} trials", study.done(), study.total());
        }
    }
    if progress {
        eprint!("\r\x1b[K");
    }
    let report = simulation_report(&study);
    crate::print(&match format {
        SimulateFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&report).expect("a simulation serializes")
        ),
        SimulateFormat::Csv => report.csv(number),
        SimulateFormat::Table => table(&report, &Bands::of(range)),
    });
    0
}

/// A number as JSON prints it (the shortest text that reads back the same).
fn number(value: f64) -> String {
    serde_json::Number::from_f64(value).map_or_else(|| value.to_string(), |n| n.to_string())
}

fn table(report: &SimulationReport, bands: &Bands) -> String {
    let describe = |band: Option<Band>| band.map_or("none".to_owned(), |b| b.to_string());
    let ports: Vec<String> = report.static_ports.iter().map(u16::to_string).collect();
    let mut out = format!(
        "range {}: static {}, dynamic {}\nstatic port{} {}; {} trials per point, seed {}, {}\n\n",
        report.range,
        describe(bands.static_band),
        describe(bands.dynamic_band),
        if ports.len() == 1 { "" } else { "s" },
        ports.join(", "),
        report.trials,
        report.seed,
        match report.order.as_str() {
            "random" => "requests in a random order",
            _ => "dynamic requests first",
        }
    );
    let columns = |p: &PointReport| [("SPLIT", p.split.clone()), ("LEGACY", p.legacy.clone())];
    let _ = write!(out, "{:>7}", "DYNAMIC");
    if let Some(first) = report.points.first() {
        for (name, _) in columns(first).iter().filter(|(_, m)| m.is_some()) {
            let _ = write!(
                out,
                "  {:<8} {:<16} {:<6}",
                format!("{name} P"),
                "95% CI",
                "EXACT"
            );
        }
    }
    for point in &report.points {
        trim_line_end(&mut out);
        let _ = write!(out, "{:>7}", point.dynamic);
        for m in columns(point).iter().filter_map(|(_, m)| m.as_ref()) {
            let exact = m.analytic.map_or("-".to_owned(), |a| format!("{a:.4}"));
            let _ = write!(
                out,
                "  {:<8.4} [{:.4}, {:.4}] {:<6}",
                m.p, m.ci95[0], m.ci95[1], exact
            );
        }
    }
    trim_line_end(&mut out);
    out
}

/// Ends the line being written without its trailing spaces.
fn trim_line_end(out: &mut String) {
    out.truncate(out.trim_end_matches(' ').len());
    out.push('\n');
}
