//! `check --format junit`: JUnit XML as kubeconform writes it.

use crate::files::Loaded;
use portband_kube::{Diagnostic, Object, Severity, Step};
use std::fmt::Write;

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
pub fn report(loaded: &[Loaded], diagnostics: &[Diagnostic], deny_warnings: bool) -> String {
    let fails = |d: &&Diagnostic| d.severity() == Severity::Error || deny_warnings;
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
                    d.severity().as_str(),
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
