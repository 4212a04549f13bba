//! `portband check`.

use crate::files::load;
use crate::files::Loaded;
use crate::CheckFormat;
use portband_allocator::PortRange;
use portband_kube::{
    check, CheckReport, Diagnostic, KubeVersion, Location, Mode, Object, Severity, Step,
};
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
        CheckFormat::Junit => {
            crate::print(&junit(&loaded, &diagnostics, deny_warnings));
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

/// XML text with its five special characters escaped, for attributes and content alike.
fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// The review as JUnit XML, in kubeconform's shape: `testsuites` named `portband`, a `testsuite`
/// per file, a `testcase` per Service (`classname` `Service@v1`) with a `failure` per error (and
/// per warning, when warnings fail the run).
fn junit(loaded: &[Loaded], diagnostics: &[Diagnostic], deny_warnings: bool) -> String {
    let fails = |d: &&Diagnostic| d.severity == Severity::Error || deny_warnings;
    let mut suites = String::new();
    let (mut tests, mut failures) = (0, 0);
    for (index, file) in loaded.iter().enumerate() {
        let mut services: Vec<String> = Vec::new();
        for step in &file.input.steps {
            let key = match step {
                Step::Object {
                    object: Object::Service(service),
                    ..
                } => service.key(),
                Step::Object {
                    object: Object::Undecodable { key, .. },
                    ..
                } => key.clone(),
                _ => continue,
            };
            if !services.contains(&key) {
                services.push(key);
            }
        }
        let mut cases = String::new();
        let mut failed = 0;
        for service in &services {
            let found: Vec<&Diagnostic> = diagnostics
                .iter()
                .filter(|d| d.location.input == index && d.service == *service)
                .filter(fails)
                .collect();
            failed += usize::from(!found.is_empty());
            let _ = write!(
                cases,
                "    <testcase name=\"{}\" classname=\"Service@v1\" time=\"0\">",
                xml(service)
            );
            for d in &found {
                let text = format!(
                    "{}:{}:{}: {}",
                    file.name, d.location.pos.line, d.location.pos.column, d.message
                );
                let _ = write!(
                    cases,
                    "<failure message=\"{}\" type=\"{}\">{}</failure>",
                    xml(&d.message),
                    d.severity.as_str(),
                    xml(&text)
                );
            }
            cases.push_str("</testcase>\n");
        }
        let _ = write!(
            suites,
            "  <testsuite name=\"{}\" id=\"{index}\" tests=\"{}\" failures=\"{failed}\" errors=\"0\" disabled=\"0\" skipped=\"0\">\n{cases}  </testsuite>\n",
            xml(&file.name),
            services.len()
        );
        tests += services.len();
        failures += failed;
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"portband\" time=\"0\" tests=\"{tests}\" failures=\"{failures}\" disabled=\"0\" errors=\"0\">\n{suites}</testsuites>\n"
    )
}
