//! `check --format github`: GitHub Actions workflow commands, one annotation per finding.

use portband_kube::Diagnostic;
use std::fmt::Write;

/// `::error file=…,line=…,col=…,title=portband check::message`, a line per finding; `names` are
/// the inputs' names by index.
pub fn report(diagnostics: &[Diagnostic], names: &[&str]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let file = names[d.location.input];
        let _ = writeln!(
            out,
            "::{} file={},line={},col={},title=portband check::{}",
            d.severity().as_str(),
            workflow_property(file),
            d.location.pos.line,
            d.location.pos.column,
            workflow_message(&format!("{}: {}", d.service, d.message))
        );
    }
    out
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
