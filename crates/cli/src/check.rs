//! `portband check`.

mod github;
mod junit;
mod sarif;

use crate::files::load;
use crate::CheckFormat;
use portband_allocator::PortRange;
use portband_kube::{check, check_report, ClusterConfig, KubeVersion, Location, Mode, State};
use std::fmt::Write;

/// What `check` prints.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// The findings, and for the text format a line of counts on standard error.
    Both,
    /// The findings alone (`--quiet`).
    Findings,
    /// One line of counts alone, on standard output (`--summary`).
    Summary,
}

/// How to review, and what to print.
pub struct Options {
    /// The cluster's range.
    pub range: PortRange,
    /// The release whose messages to give (else an input's, else the newest).
    pub version: Option<KubeVersion>,
    /// The cluster's `--service-cluster-ip-range` (else a scenario's, else the default).
    pub service_cidrs: Option<String>,
    /// The cluster's state (`--cluster`), a file name or `-`.
    pub cluster: Option<String>,
    /// The output format.
    pub format: CheckFormat,
    /// What to print.
    pub output: Output,
    /// Whether the text format is coloured.
    pub colour: bool,
    /// Whether warnings fail the run.
    pub deny_warnings: bool,
}

/// Reviews the files; returns the exit status.
pub fn run(options: &Options, files: &[String]) -> u8 {
    if options.cluster.as_deref() == Some("-") && files.iter().any(|f| f == "-") {
        eprintln!("portband: --cluster - and FILE - cannot both read standard input");
        return 2;
    }
    let Some(loaded) = load(files, Mode::Apply) else {
        return 2;
    };
    // The state's Services are stored as they are, as a POST of each stores it.
    let state_file = match &options.cluster {
        None => None,
        Some(file) => match load(std::slice::from_ref(file), Mode::Create) {
            None => return 2,
            Some(mut found) if found.len() == 1 => found.pop(),
            Some(_) => {
                eprintln!("portband: --cluster {file}: expected one file");
                return 2;
            }
        },
    };
    let inputs: Vec<_> = loaded.iter().map(|l| l.input.clone()).collect();
    // The release: the flag, else the first file that names one, else the newest.
    let version = options
        .version
        .or_else(|| inputs.iter().find_map(|input| input.version))
        .or_else(|| state_file.as_ref().and_then(|s| s.input.version))
        .unwrap_or_default();
    let service_cidrs = match &options.service_cidrs {
        Some(flag) => match crate::parse_service_cidrs(flag, version) {
            Some(cidrs) => cidrs,
            None => return 2,
        },
        None => inputs
            .iter()
            .chain(state_file.as_ref().map(|s| &s.input))
            .find_map(|input| input.service_cidrs)
            .unwrap_or_default(),
    };
    let config = ClusterConfig {
        version,
        range: options.range,
        service_cidrs,
        ..ClusterConfig::default()
    };
    let state = match &state_file {
        Some(file) => State::of(&file.input, config),
        None => State::empty(config),
    };
    let mut names: Vec<&str> = loaded.iter().map(|l| l.name.as_str()).collect();
    if let Some(file) = &state_file {
        names.push(&file.name);
        if options.output == Output::Both {
            for refused in state.refused() {
                let pos = refused
                    .error
                    .as_ref()
                    .and_then(|e| e.pos())
                    .unwrap_or(refused.source.pos);
                let message = refused.error.as_ref().map(ToString::to_string);
                eprintln!(
                    "{}:{}:{}: note: {} is left out of the cluster: {}",
                    file.name,
                    pos.line,
                    pos.column,
                    refused.service,
                    message.unwrap_or_default()
                );
            }
        }
    }
    let diagnostics = check(&inputs, &state);
    let report = check_report(&diagnostics, &names);
    let (errors, warnings) = (report.errors, report.warnings);
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let counts = format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    );
    let status = u8::from(errors > 0 || (options.deny_warnings && warnings > 0));
    if options.output == Output::Summary {
        crate::print(&format!("{counts}\n"));
        return status;
    }
    match options.format {
        CheckFormat::Json => {
            crate::print(&format!(
                "{}\n",
                serde_json::to_string_pretty(&report).expect("diagnostics serialize")
            ));
        }
        CheckFormat::Sarif => crate::print(&sarif::report(&diagnostics, &names)),
        CheckFormat::Junit => {
            crate::print(&junit::report(&loaded, &diagnostics, options.deny_warnings));
        }
        CheckFormat::Github => crate::print(&github::report(&diagnostics, &names)),
        CheckFormat::Text => {
            let place = |location: Location| (names[location.input], location.pos);
            // Bold red, bold yellow and bold cyan, as compilers colour them.
            let paint = |word: &'static str| -> String {
                let code = match word {
                    "error" => "1;31",
                    "warning" => "1;33",
                    _ => "1;36",
                };
                if options.colour {
                    format!("\x1b[{code}m{word}\x1b[0m")
                } else {
                    word.to_owned()
                }
            };
            let mut out = String::new();
            for d in &diagnostics {
                let (file, pos) = place(d.location);
                let _ = writeln!(
                    out,
                    "{file}:{}:{}: {}: {}: {}",
                    pos.line,
                    pos.column,
                    paint(d.severity().as_str()),
                    d.service,
                    d.message
                );
                if let Some((file, pos)) = d.related.map(place) {
                    let _ = writeln!(
                        out,
                        "{file}:{}:{}: {}: {}",
                        pos.line,
                        pos.column,
                        paint("note"),
                        d.rule.related_note()
                    );
                }
            }
            crate::print(&out);
            if options.output == Output::Both {
                eprintln!("{counts}");
            }
        }
    }
    status
}
