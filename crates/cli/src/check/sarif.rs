//! `check --format sarif`: SARIF 2.1.0 (OASIS), as code-scanning tools read it: one rule per kind
//! of finding with its help, and a result per finding with its file, line and column.

use portband_kube::{Diagnostic, Location, Rule, Severity};
use serde::Serialize;

/// The SARIF log of `diagnostics`; `names` are the inputs' names by index (`<stdin>` for `-`).
pub fn report(diagnostics: &[Diagnostic], names: &[&str]) -> String {
    let rules = Rule::ALL
        .iter()
        .map(|rule| Descriptor {
            id: rule.id(),
            short_description: Text::new(rule.summary()),
            help: Text::new(rule.help()),
            default_configuration: Configuration {
                level: level(rule.severity()),
            },
        })
        .collect();
    let place = |location: Location, message: Option<&str>, id: Option<usize>| Place {
        id,
        physical_location: Physical {
            artifact_location: artifact(names[location.input]),
            region: Region {
                start_line: location.pos.line,
                start_column: location.pos.column,
            },
        },
        message: message.map(Text::new),
    };
    let results = diagnostics
        .iter()
        .map(|d| Finding {
            rule_id: d.rule.id(),
            rule_index: Rule::ALL
                .iter()
                .position(|r| *r == d.rule)
                .expect("every rule is listed"),
            level: level(d.severity()),
            message: Text::new(&format!("{}: {}", d.service, d.message)),
            locations: vec![place(d.location, None, None)],
            related_locations: d
                .related
                .map(|related| place(related, Some(d.rule.related_note()), Some(0)))
                .into_iter()
                .collect(),
        })
        .collect();
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "portband",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules,
                },
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    format!(
        "{}\n",
        serde_json::to_string_pretty(&log).expect("a SARIF log serializes")
    )
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// A file as a relative URI reference (its name percent-encoded where URIs need it); standard
/// input, which has no URI, by description.
fn artifact(name: &str) -> Artifact {
    if name == "<stdin>" {
        return Artifact {
            uri: None,
            description: Some(Text::new("standard input")),
        };
    }
    let mut uri = String::with_capacity(name.len());
    for byte in name.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                uri.push(char::from(byte));
            }
            _ => uri.push_str(&format!("%{byte:02X}")),
        }
    }
    Artifact {
        uri: Some(uri),
        description: None,
    }
}

#[derive(Serialize)]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    column_kind: &'static str,
    results: Vec<Finding>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    information_uri: &'static str,
    rules: Vec<Descriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: &'static str,
    short_description: Text,
    help: Text,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Finding {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: Vec<Place>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Place>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Place {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: Physical,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Physical {
    artifact_location: Artifact,
    region: Region,
}

#[derive(Serialize)]
struct Artifact {
    #[serde(skip_serializing_if = "Option::is_none")]
    uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<Text>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

impl Text {
    fn new(text: &str) -> Self {
        Text {
            text: text.to_owned(),
        }
    }
}
