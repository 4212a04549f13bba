//! Every rule of `ValidateService` and `ValidateServiceUpdate` beyond node ports
//! (`pkg/apis/core/validation/validation.go`), from the case files `tests/cases/v*.yaml`.
//!
//! Each document of a case file that holds a Service says in a comment what the apiserver answers:
//! `# expect: created` (or `updated`), or the Status message; `# expect[1.31..1.33]: …` holds for
//! those releases only (`[..1.29]`, `[1.34..]`: up to, from). A file runs as one history at each
//! release its `# versions: 1.29, 1.35` line names (the newest modelled when it names none).

mod common;
use common::{error, run_at, run_on};
use portband_kube::{KubeVersion, Verdict};

/// What a case file expects of each Service document, by release.
struct Case {
    versions: Vec<KubeVersion>,
    /// The `# serviceClusterIPRange: …` line's flag, if any (else the default, 10.96.0.0/12).
    service_cidrs: Option<String>,
    /// Per document with a Service: (from, to, answer) in the order written.
    expected: Vec<Vec<(KubeVersion, KubeVersion, String)>>,
}

fn version(text: &str, open: KubeVersion) -> KubeVersion {
    if text.is_empty() {
        open
    } else {
        KubeVersion::parse(text).unwrap()
    }
}

fn read_case(text: &str) -> Case {
    let mut versions = Vec::new();
    let mut service_cidrs = None;
    let mut expected = Vec::new();
    for document in text.split("\n---\n") {
        let mut answers = Vec::new();
        let mut has_object = false;
        for line in document.lines() {
            if let Some(flag) = line.strip_prefix("# serviceClusterIPRange: ") {
                service_cidrs = Some(flag.to_owned());
            } else if let Some(list) = line.strip_prefix("# versions: ") {
                versions = list
                    .split(", ")
                    .map(|v| version(v, KubeVersion::NEWEST))
                    .collect();
            } else if let Some(rest) = line.strip_prefix("# expect") {
                let (span, answer) = rest.split_once(": ").expect("`# expect…: answer`");
                let (from, to) = match span.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
                    Some(span) => {
                        let (from, to) = span.split_once("..").expect("a span is `from..to`");
                        (
                            version(from, KubeVersion::OLDEST),
                            version(to, KubeVersion::NEWEST),
                        )
                    }
                    None => (KubeVersion::OLDEST, KubeVersion::NEWEST),
                };
                answers.push((from, to, answer.to_owned()));
            } else if !line.starts_with('#') && !line.trim().is_empty() {
                has_object = true;
            }
        }
        if has_object {
            assert!(
                !answers.is_empty(),
                "a document without `# expect`:\n{document}"
            );
            expected.push(answers);
        }
    }
    if versions.is_empty() {
        versions.push(KubeVersion::NEWEST);
    }
    Case {
        versions,
        service_cidrs,
        expected,
    }
}

fn check_case(name: &str) {
    let path = format!("{}/tests/cases/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let case = read_case(&text);
    for &at in &case.versions {
        let history = run_on(&at.to_string(), case.service_cidrs.as_deref(), &[&text]);
        let outcomes = history.outcomes();
        assert_eq!(
            outcomes.len(),
            case.expected.len(),
            "{name}: one outcome per Service"
        );
        for (i, (outcome, answers)) in outcomes.iter().zip(&case.expected).enumerate() {
            let (_, _, answer) = answers
                .iter()
                .find(|(from, to, _)| (*from..=*to).contains(&at))
                .unwrap_or_else(|| panic!("{name}: document {} says nothing for {at}", i + 1));
            let got = match outcome.verdict {
                Verdict::Created => "created".to_owned(),
                Verdict::Updated => "updated".to_owned(),
                _ => error(outcome),
            };
            assert_eq!(&got, answer, "{name} at {at}: Service {}", i + 1);
        }
    }
}

#[test]
fn external_ips() {
    check_case("v01-external-ips");
}

#[test]
fn session_affinity() {
    check_case("v02-session-affinity");
}

#[test]
fn cluster_ips_and_families() {
    check_case("v03-cluster-ips");
}

#[test]
fn load_balancer_source_ranges() {
    check_case("v04-source-ranges");
}

#[test]
fn traffic_distribution_by_release() {
    check_case("v05-traffic-distribution");
}

#[test]
fn metadata_and_status() {
    check_case("v06-metadata");
}

#[test]
fn dual_stack_updates() {
    check_case("v07-dual-stack-updates");
}

#[test]
fn a_service_refused_before_allocation_takes_nothing() {
    let history = run_at(
        "1.35",
        &["apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: NodePort\n  clusterIP: 10.96.0.300\n  ports: [{port: 80}]\n"],
    );
    let outcome = &history.outcomes()[0];
    assert_eq!(outcome.verdict, Verdict::Rejected);
    assert!(outcome.allocations.is_empty());
    assert_eq!(history.cluster().allocator().used(), 0);
    assert_eq!(
        history
            .cluster()
            .allocator()
            .metrics()
            .allocation_total
            .total(),
        0,
        "the allocator was never asked"
    );
}

#[test]
fn load_balancer_class_may_not_change() {
    check_case("v08-load-balancer-class");
}
