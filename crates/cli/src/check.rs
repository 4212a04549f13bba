//! `portband check`.

use crate::files::load;
use crate::CheckFormat;
use portband_allocator::PortRange;
use portband_kube::{check, Diagnostic, KubeVersion, Location, Mode, Severity};
use serde::Serialize;

#[derive(Serialize)]
struct Place<'a> {
    file: &'a str,
    line: u32,
    column: u32,
}

#[derive(Serialize)]
struct Finding<'a> {
    #[serde(flatten)]
    place: Place<'a>,
    severity: &'static str,
    service: &'a str,
    message: &'a str,
    related: Option<Place<'a>>,
}

#[derive(Serialize)]
struct CheckOutput<'a> {
    diagnostics: Vec<Finding<'a>>,
    errors: usize,
    warnings: usize,
}

/// Reviews the files; returns the exit status.
pub fn run(
    range: PortRange,
    version: Option<KubeVersion>,
    format: CheckFormat,
    deny_warnings: bool,
    files: &[String],
) -> u8 {
    let Some(loaded) = load(files, Mode::Apply) else {
        return 2;
    };
    let inputs: Vec<_> = loaded.iter().map(|l| l.input.clone()).collect();
    // The release: the flag, else the first file that names one, else the newest.
    let version = version
        .or_else(|| inputs.iter().find_map(|input| input.version))
        .unwrap_or_default();
    let diagnostics = check(&inputs, range, version);
    let place = |location: Location| Place {
        file: &loaded[location.input].name,
        line: location.pos.line,
        column: location.pos.column,
    };
    let count = |severity| {
        diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    };
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    match format {
        CheckFormat::Json => {
            let output = CheckOutput {
                diagnostics: diagnostics
                    .iter()
                    .map(|d: &Diagnostic| Finding {
                        place: place(d.location),
                        severity: d.severity.as_str(),
                        service: &d.service,
                        message: &d.message,
                        related: d.related.map(place),
                    })
                    .collect(),
                errors,
                warnings,
            };
            println!(
                "{}",
                serde_json::to_string_pretty(&output).expect("diagnostics serialize")
            );
        }
        CheckFormat::Text => {
            for d in &diagnostics {
                let p = place(d.location);
                println!(
                    "{}:{}:{}: {}: {}: {}",
                    p.file,
                    p.line,
                    p.column,
                    d.severity.as_str(),
                    d.service,
                    d.message
                );
                if let Some(related) = d.related.map(place) {
                    println!(
                        "{}:{}:{}: note: first requested here",
                        related.file, related.line, related.column
                    );
                }
            }
            let plural =
                |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
            eprintln!(
                "{}, {}",
                plural(errors, "error"),
                plural(warnings, "warning")
            );
        }
    }
    u8::from(errors > 0 || (deny_warnings && warnings > 0))
}
