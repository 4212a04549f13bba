//! `portband apply`.

use crate::files::load;
use crate::{ClusterArgs, Format};
use portband_kube::{report, Cause, ClusterConfig, History, Mode, Outcome, Verdict};
use std::fmt::Write;

/// Runs the files' steps in order and prints the outcomes; returns the exit status.
pub fn run(args: &ClusterArgs, mode: Mode, format: Format, files: &[String]) -> u8 {
    let Some(loaded) = load(files, mode) else {
        return 2;
    };
    // The first file that sets a setting wins; flags win over files.
    let files = loaded
        .iter()
        .rev()
        .fold(ClusterConfig::default(), |base, l| {
            l.input.config_over(base)
        });
    let file_split = loaded.iter().find_map(|l| l.input.band_split());
    let (version, static_subrange) = args.split.resolve(files.version, file_split);
    let service_cidrs = match &args.service_cluster_ip_range {
        Some(flag) => match crate::parse_service_cidrs(flag, version) {
            Some(cidrs) => cidrs,
            None => return 2,
        },
        None => files.service_cidrs,
    };
    let config = ClusterConfig {
        version,
        range: args.range.unwrap_or(files.range),
        seed: args.seed.unwrap_or(files.seed),
        static_subrange,
        service_cidrs,
    };
    let mut history = History::new(config);
    let mut sources = Vec::new();
    for file in &loaded {
        for step in &file.input.steps {
            history.push(step.clone());
            sources.push(file.name.as_str());
        }
    }
    match format {
        Format::Json => crate::print(&format!(
            "{}\n",
            serde_json::to_string_pretty(&report(&history)).expect("a report serializes")
        )),
        Format::Table => crate::print(&table(&history, &sources)),
    }
    let rejected = history
        .outcomes()
        .iter()
        .any(|o| o.verdict == Verdict::Rejected);
    u8::from(rejected)
}

fn table(history: &History, sources: &[&str]) -> String {
    let cluster = history.cluster();
    let bands = cluster.bands();
    let mut out = String::new();
    let describe =
        |band: Option<portband_allocator::Band>| band.map_or("none".to_owned(), |b| b.to_string());
    let _ = writeln!(
        out,
        "range {}: static {}, dynamic {}{}; Kubernetes {}\n",
        cluster.allocator().range(),
        describe(bands.static_band),
        describe(bands.dynamic_band),
        if cluster.config().static_subrange {
            ""
        } else {
            " (legacy: no band split)"
        },
        cluster.config().version
    );
    let width = history
        .outcomes()
        .iter()
        .map(|o| o.service.len())
        .max()
        .unwrap_or(7)
        .max(7);
    let _ = writeln!(
        out,
        "{:>3}  {:<7}  {:<width$}  {:<8}  NODE PORTS",
        "#", "ACTION", "SERVICE", "RESULT"
    );
    let indent = 3 + 2 + 6 + 2 + width + 2 + 8 + 2;
    for (i, (outcome, file)) in history.outcomes().iter().zip(sources).enumerate() {
        let action = outcome.action.as_str();
        let mut lines = node_port_lines(outcome);
        if lines.is_empty() {
            lines.push(String::new());
        }
        let result = outcome.verdict.as_str();
        let _ = writeln!(
            out,
            "{:>3}  {action:<7}  {:<width$}  {result:<8}  {}",
            i + 1,
            outcome.service,
            lines[0]
        );
        for line in &lines[1..] {
            let _ = writeln!(out, "{:indent$}{line}", "");
        }
        if let Some(error) = outcome.kubectl_error(file) {
            let _ = writeln!(out, "     {error}");
            if let Some(Cause::Taken { holder, .. }) = &outcome.cause {
                let _ = match holder {
                    Some(holder) => writeln!(
                        out,
                        "     (the port is held by {}, {})",
                        holder.service, holder.field
                    ),
                    None => writeln!(
                        out,
                        "     (an earlier field of the same request took the port)"
                    ),
                };
            }
        }
    }
    let allocator = cluster.allocator();
    let usage = allocator.band_usage();
    let _ = writeln!(
        out,
        "\nused {} of {} ports: static {}/{}, dynamic {}/{}",
        allocator.used(),
        allocator.range().size(),
        usage.static_used,
        bands.static_size(),
        usage.dynamic_used,
        bands.dynamic_size()
    );
    out
}

fn node_port_lines(outcome: &Outcome) -> Vec<String> {
    if let Some(kind) = &outcome.kind {
        return vec![format!("({kind})")];
    }
    outcome.port_lines()
}
