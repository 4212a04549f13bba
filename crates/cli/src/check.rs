//! `portband check`.

use crate::files::load;
use crate::CheckFormat;
use portband_allocator::PortRange;
use portband_kube::{check, CheckReport, KubeVersion, Location, Mode};
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

/// Reviews the files; returns the exit status.
pub fn run(
    range: PortRange,
    version: Option<KubeVersion>,
    format: CheckFormat,
    output: Output,
    colour: bool,
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
    let names: Vec<&str> = loaded.iter().map(|l| l.name.as_str()).collect();
    let report = CheckReport::new(&diagnostics, &names);
    let (errors, warnings) = (report.errors, report.warnings);
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let counts = format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    );
    let status = u8::from(errors > 0 || (deny_warnings && warnings > 0));
    if output == Output::Summary {
        crate::print(&format!("{counts}\n"));
        return status;
    }
    match format {
        CheckFormat::Json => {
            crate::print(&format!(
                "{}\n",
                serde_json::to_string_pretty(&report).expect("diagnostics serialize")
            ));
        }
        CheckFormat::Github => {
            let mut out = String::new();
            for d in &diagnostics {
                let file = names[d.location.input];
                let _ = writeln!(
                    out,
                    "::{} file={},line={},col={},title=portband check::{}",
                    d.severity.as_str(),
                    workflow_property(file),
                    d.location.pos.line,
                    d.location.pos.column,
                    workflow_message(&format!("{}: {}", d.service, d.message))
                );
            }
            crate::print(&out);
        }
        CheckFormat::Text => {
            let place = |location: Location| (names[location.input], location.pos);
            // Bold red, bold yellow and bold cyan, as compilers colour them.
            let paint = |word: &'static str| -> String {
                let code = match word {
                    "error" => "1;31",
                    "warning" => "1;33",
                    _ => "1;36",
                };
                if colour {
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
                    paint(d.severity.as_str()),
                    d.service,
                    d.message
                );
                if let Some((file, pos)) = d.related.map(place) {
                    let _ = writeln!(
                        out,
                        "{file}:{}:{}: {}: first requested here",
                        pos.line,
                        pos.column,
                        paint("note")
                    );
                }
            }
            crate::print(&out);
            if output == Output::Both {
                eprintln!("{counts}");
            }
        }
    }
    status
}

/// A workflow command's message, escaped as GitHub Actions reads it.
fn workflow_message(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: a message's escapes, and `:` and `,`.
fn workflow_property(text: &str) -> String {
    workflow_message(text)
        .replace(':', "%3A")
        .replace(',', "%2C")
}
