//! Reading input: YAML errors with positions, bounds against huge and alias-bomb input, strict
//! decoding, kinds that are skipped, lists, anchors, scenario files and real-world manifests.

mod common;
use common::{error, last, node_ports, run};
use portband_kube::{
    read, read_sent, write_scenario, ClusterConfig, Entry, History, Input, InputError, Mode,
    Object, ReadProgress, Reading, Step, Verdict, MAX_NESTING,
};
use std::rc::Rc;

fn read_error(text: &str) -> String {
    read(text).unwrap_err().to_string()
}

#[test]
fn yaml_errors_name_line_and_column() {
    assert_eq!(
        read_error("apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: b: c\n"),
        "line 4, column 8 (document 1): mapping values are not allowed in this context"
    );
    let second_document = read_error("apiVersion: v1\nkind: Service\n---\nkey: 'unterminated\n");
    assert!(
        second_document.starts_with("line 4, column 6 (document 2): "),
        "{second_document}"
    );
}

#[test]
fn duplicate_keys_are_refused() {
    let e = read_error("apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  type: NodePort\n  type: ClusterIP\n");
    assert_eq!(
        e,
        "line 6, column 3 (document 1): key \"type\" already set in map"
    );
}

#[test]
fn documents_over_one_mebibyte_are_refused_but_scenarios_and_lists_may_hold_sixteen() {
    let big = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: big}}\ndata:\n  blob: \"{}\"\n",
        "x".repeat(1_100_000)
    );
    assert!(read_error(&big).contains("larger than 1 MiB"));
    // Two documents of 600 kB each are fine.
    let half = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: half}}\ndata:\n  blob: \"{}\"\n",
        "x".repeat(600_000)
    );
    let input = read(&format!("{half}---\n{half}")).unwrap();
    assert_eq!(input.steps.len(), 2);
    // A scenario holds a whole history: up to 16 MiB, each of its manifests still within 1 MiB.
    let history = write_scenario(
        &ClusterConfig::default(),
        &[
            Entry::Manifests(format!("{half}---\n{half}"), Mode::Apply, None),
            Entry::Manifests(half.clone(), Mode::Apply, None),
        ],
    );
    assert!(history.len() > 1 << 20);
    assert_eq!(read(&history).unwrap().steps.len(), 3);
    let inner_too_big = write_scenario(
        &ClusterConfig::default(),
        &[Entry::Manifests(big, Mode::Apply, None)],
    );
    let e = read_error(&inner_too_big);
    assert!(
        e.starts_with("line 9, column 5 (document 1): the document is larger than 1 MiB"),
        "{e}"
    );
    let huge = format!(
        "apiVersion: portband/v1\nkind: Scenario\ndescription: \"{}\"\n",
        "x".repeat(17 << 20)
    );
    assert!(read_error(&huge).contains("larger than 16 MiB"));
    // A List (a cluster's dump) is split by kubectl into its items: it may hold 16 MiB too.
    let item = |i: usize| {
        format!(
            "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {{name: part-{i}}}\n  data: {{blob: \"{}\"}}\n",
            "x".repeat(600_000)
        )
    };
    for kind in ["List", "ConfigMapList"] {
        let list = format!(
            "apiVersion: v1\nkind: {kind}\nitems:\n{}{}",
            item(1),
            item(2)
        );
        assert_eq!(read(&list).unwrap().steps.len(), 2, "{kind}");
    }
    let not_a_list = format!(
        "apiVersion: v1\nkind: ConfigMapList\ndata:\n{}{}",
        item(1),
        item(2)
    );
    assert!(read_error(&not_a_list).contains("larger than 1 MiB"));
}

#[test]
fn multi_byte_text_is_measured_in_bytes() {
    let big = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: big}}\ndata:\n  blob: \"{}\"\n",
        "é".repeat(600_000)
    );
    assert!(read_error(&big).contains("larger than 1 MiB"));
}

#[test]
fn billion_laughs_is_refused() {
    let mut bomb = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: lol}\ndata:\n  a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for pair in names.windows(2) {
        let refs = vec![format!("*{}", pair[0]); 9].join(",");
        bomb += &format!("  {}: &{} [{refs}]\n", pair[1], pair[1]);
    }
    let e = read_error(&bomb);
    assert!(e.contains("alias bomb"), "{e}");
}

#[test]
fn many_aliases_to_one_large_anchor_are_refused() {
    let items = vec!["x"; 20_000].join(", ");
    let aliases = vec!["*big"; 200].join(", ");
    let text = format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: q}}\ndata:\n  big: &big [{items}]\n  refs: [{aliases}]\n");
    assert!(read_error(&text).contains("alias bomb"));
    let blob = "y".repeat(100_000);
    let text = format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: q}}\ndata:\n  big: &big \"{blob}\"\n  refs: [{}]\n", vec!["*big"; 20].join(", "));
    assert!(read_error(&text).contains("alias bomb"));
}

#[test]
fn deep_nesting_does_not_overflow() {
    let deep = format!("{}{}", "[".repeat(200_000), "]".repeat(200_000));
    let _ = read(&deep);
    let deep_maps = (0..5_000)
        .map(|i| format!("{}k:\n", " ".repeat(i)))
        .collect::<String>();
    let _ = read(&deep_maps);
}

#[test]
fn anchors_and_aliases_work() {
    let history = run(
        "",
        &["
apiVersion: v1
kind: Service
metadata: {name: web, labels: &labels {app: web}}
spec:
  type: NodePort
  selector: *labels
  ports:
  - &http {name: http, port: 80, nodePort: 30080}
"],
    );
    assert_eq!(node_ports(last(&history)), [30080]);
}

#[test]
fn unknown_fields_fail_with_the_strict_decoding_message_and_a_position() {
    let history = run(
        "",
        &["apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  ports:
  - port: 80
    nodeport: 30080
"],
    );
    let outcome = last(&history);
    assert_eq!(outcome.verdict, Verdict::Rejected);
    assert_eq!(
        error(outcome),
        "Service in version \"v1\" cannot be handled as a Service: strict decoding error: unknown field \"spec.ports[0].nodeport\""
    );
    let pos = outcome.error.as_ref().unwrap().pos().unwrap();
    assert_eq!((pos.line, pos.column), (8, 5));
}

#[test]
fn wrong_types_fail_with_the_json_message() {
    let cases = [
        ("port: \"80\"", "json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32"),
        ("port: 80.5", "json: cannot unmarshal number 80.5 into Go struct field ServicePort.spec.ports.port of type int32"),
        ("port: 3000000000", "json: cannot unmarshal number 3000000000 into Go struct field ServicePort.spec.ports.port of type int32"),
        ("port: [80]", "json: cannot unmarshal array into Go struct field ServicePort.spec.ports.port of type int32"),
        ("name: yes", "json: cannot unmarshal bool into Go struct field ServicePort.spec.ports.name of type string"),
    ];
    for (field, message) in cases {
        let yaml = format!("apiVersion: v1\nkind: Service\nmetadata: {{name: web}}\nspec:\n  ports:\n  - {field}\n");
        let history = run("", &[&yaml]);
        assert_eq!(
            error(last(&history)),
            format!("Service in version \"v1\" cannot be handled as a Service: {message}"),
            "{field}"
        );
        assert_eq!(
            last(&history).error.as_ref().unwrap().pos().unwrap().line,
            6
        );
    }
}

#[test]
fn yaml_1_1_numbers_are_read_as_kubectl_reads_them() {
    let history = run("", &["apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: NodePort, ports: [{port: 0x50, nodePort: 30_080}]}\n"]);
    assert_eq!(last(&history).ports[0].port, 80);
    assert_eq!(node_ports(last(&history)), [30080]);
}

#[test]
fn other_kinds_are_skipped_and_lists_are_flattened() {
    let input = read(
        "
apiVersion: v1
kind: List
metadata: {resourceVersion: \"\"}
items:
- apiVersion: v1
  kind: Service
  metadata: {name: a, namespace: ns}
  spec: {type: NodePort, ports: [{port: 80}]}
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: d}
---
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c}
data: null
",
    )
    .unwrap();
    let kinds: Vec<String> = input
        .steps
        .iter()
        .map(|step| match step {
            Step::Object {
                object: Object::Service(s),
                ..
            } => format!("Service {}", s.key()),
            Step::Object {
                object: Object::Other { kind, key },
                ..
            } => format!("{kind} {key}"),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "Service ns/a",
            "Deployment default/d",
            "ConfigMap default/c"
        ]
    );
}

#[test]
fn objects_without_kind_or_api_version_are_unusable() {
    assert_eq!(
        read_error("metadata: {name: a}\n"),
        "line 1, column 1 (document 1): Object 'Kind' is missing"
    );
    assert_eq!(
        read_error("kind: Service\n"),
        "line 1, column 1 (document 1): Object 'apiVersion' is missing"
    );
    assert!(read_error("- just\n- a list\n").contains("expected a Kubernetes object"));
}

#[test]
fn service_in_another_version_is_rejected() {
    let history = run(
        "",
        &["apiVersion: v2\nkind: Service\nmetadata: {name: a}\n"],
    );
    assert_eq!(
        error(last(&history)),
        "no matches for kind \"Service\" in version \"v2\""
    );
}

#[test]
fn scenario_files_carry_their_settings() {
    let input = read(
        "
apiVersion: portband/v1
kind: Scenario
metadata: {name: tiny}
description: A small range.
range: 30000-30009
seed: 7
staticSubrange: false
steps:
- apply:
    apiVersion: v1
    kind: Service
    metadata: {name: a}
    spec: {type: NodePort, ports: [{port: 80}]}
- delete: a
",
    )
    .unwrap();
    assert_eq!(input.range.unwrap().to_string(), "30000-30009");
    assert_eq!((input.seed, input.static_subrange), (Some(7), Some(false)));
    assert_eq!(input.name.as_deref(), Some("tiny"));
    assert_eq!(input.steps.len(), 2);
    assert!(matches!(&input.steps[1], Step::Delete { key, .. } if key.to_string() == "default/a"));
}

#[test]
fn scenario_errors_point_at_the_field() {
    let e = read_error("apiVersion: portband/v1\nkind: Scenario\nrange: 200-100\n");
    assert_eq!(
        e,
        "line 3, column 8 (document 1): invalid range \"200-100\": end port cannot be less than start port: 200-100"
    );
    let e = read_error("apiVersion: portband/v1\nkind: Scenario\nseed: -1\n");
    assert!(
        e.starts_with("line 3, column 7 (document 1): the seed must be"),
        "{e}"
    );
    let e = read_error("apiVersion: portband/v1\nkind: Scenario\nsteps:\n- remove: a\n");
    assert!(e.starts_with("line 4, column 3"), "{e}");
    // The service range, read as the scenario's release reads the flag (the newest by default).
    let e = read_error(
        "apiVersion: portband/v1\nkind: Scenario\nserviceClusterIPRange: 10.96.0.0/33\n",
    );
    assert_eq!(
        e,
        "line 3, column 24 (document 1): invalid serviceClusterIPRange \"10.96.0.0/33\": service-cluster-ip-range[0] is not a valid cidr"
    );
    let e = read_error("apiVersion: portband/v1\nkind: Scenario\nkubernetesVersion: \"1.32\"\nserviceClusterIPRange: 10.0.0.0/8\n");
    assert!(e.ends_with("the mask must be >= 12"), "{e}");
    let e = read_error(
        "apiVersion: portband/v1\nkind: Scenario\nserviceClusterIPRange: [10.96.0.0/12]\n",
    );
    assert!(
        e.starts_with("line 3, column 24 (document 1): serviceClusterIPRange must be a CIDR"),
        "{e}"
    );
    let dual = read("apiVersion: portband/v1\nkind: Scenario\nserviceClusterIPRange: 10.96.0.0/12,fd00::/108\nsteps: []\n").unwrap();
    assert_eq!(
        dual.service_cidrs.unwrap().to_string(),
        "10.96.0.0/12,fd00::/108"
    );
}

/// What a history of `steps` did, step by step: Service, verdict and ports (positions aside).
fn replay(config: ClusterConfig, steps: Vec<Step>) -> Vec<(String, Verdict, Vec<String>)> {
    let mut history = History::new(config);
    steps
        .into_iter()
        .map(|step| {
            let o = history.push(step);
            (o.service.clone(), o.verdict, o.port_lines())
        })
        .collect()
}

#[test]
fn written_scenarios_replay_the_same_history() {
    let texts = [
        "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {type: NodePort, ports: [{port: 80}]}\n",
        // No final line break, a comment, a document marker and a blank line inside.
        "# two\napiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec:\n  type: NodePort\n  ports: [{port: 80}]\n---\n\napiVersion: v1\nkind: Service\nmetadata: {name: c}\nspec: {type: NodePort, ports: [{port: 81, nodePort: 30001}]}",
        // Indented first line and several final line breaks.
        "  apiVersion: v1\n  kind: Service\n  metadata: {name: d}\n  spec: {type: NodePort, ports: [{port: 1}]}\n\n\n",
        // A scenario: its steps are taken, its settings are not.
        "apiVersion: portband/v1\nkind: Scenario\nrange: 1-5\nsteps:\n- apply: {apiVersion: v1, kind: Service, metadata: {name: f}, spec: {type: NodePort, ports: [{port: 80}]}}\n  repeat: 3\n  first: 4\n",
    ];
    let mut entries: Vec<Entry> = texts
        .iter()
        .map(|t| Entry::Manifests(t.to_string(), Mode::Apply, None))
        .collect();
    entries.insert(2, Entry::Delete("a".parse().unwrap(), None));
    let config = ClusterConfig {
        seed: 42,
        ..ClusterConfig::default()
    };
    let mut expected = Vec::new();
    for entry in &entries {
        match entry {
            Entry::Manifests(text, mode, _) => {
                expected.extend(read_sent(text, *mode).unwrap().steps)
            }
            Entry::Delete(..) => expected.push(
                read("apiVersion: portband/v1\nkind: Scenario\nsteps: [{delete: a}]")
                    .unwrap()
                    .steps
                    .remove(0),
            ),
        }
    }
    let written = write_scenario(&config, &entries);
    let input = read(&written).unwrap_or_else(|e| panic!("{e}\n{written}"));
    assert_eq!(
        (input.range, input.seed, input.static_subrange),
        (Some(config.range), Some(42), Some(true))
    );
    let names: Vec<String> = replay(config, input.steps.clone())
        .into_iter()
        .map(|r| r.0)
        .collect();
    assert_eq!(
        names,
        [
            "default/a",
            "default/b",
            "default/c",
            "default/a",
            "default/d",
            "default/f-4",
            "default/f-5",
            "default/f-6"
        ]
    );
    assert_eq!(replay(config, input.steps), replay(config, expected));
    // Byte for byte: the block gives back each text.
    for text in texts {
        let one = write_scenario(
            &config,
            &[Entry::Manifests(text.to_owned(), Mode::Apply, None)],
        );
        let block = one.split_once("- manifests: ").unwrap().1;
        let (_, body) = block.split_once('\n').unwrap();
        let back: String = body
            .lines()
            .map(|l| format!("{}\n", &l[4.min(l.len())..]))
            .collect();
        assert!(back.starts_with(text.trim_end_matches('\n')), "{one}");
    }
    assert!(write_scenario(&config, &[]).ends_with("steps: []\n"));
    // What a block cannot carry is quoted, and still comes back.
    let odd = Entry::Manifests(
        "# a\r{apiVersion: v1, kind: ConfigMap, metadata: {name: c}}".to_owned(),
        Mode::Apply,
        None,
    );
    let quoted = write_scenario(&config, std::slice::from_ref(&odd));
    assert!(
        quoted.contains("- manifests: \"# a\\r{apiVersion"),
        "{quoted}"
    );
    let back = read(&quoted).unwrap();
    assert_eq!((back.entries, back.steps.len()), (Some(vec![odd]), 1));
    // The inputs come back too, but only from scenarios made of manifests and delete steps.
    assert_eq!(read(&written).unwrap().entries, Some(entries));
    assert_eq!(read(texts[3]).unwrap().entries, None);
    assert_eq!(read(texts[0]).unwrap().entries, None);
}

#[test]
fn manifests_errors_point_into_the_file() {
    let file = "apiVersion: portband/v1\nkind: Scenario\nsteps:\n- manifests: |\n    apiVersion: v1\n    kind: Service\n    metadata: {name: a\n";
    let e = read_error(file);
    assert!(e.starts_with("line 8, column 1 "), "{e}");
    let e = read_error("apiVersion: portband/v1\nkind: Scenario\nsteps:\n- manifests: |\n    apiVersion: v1\n    kind: Service\n    metadata: {name: a]\n");
    assert!(e.starts_with("line 7, column 23 "), "{e}");
    let input = read("apiVersion: portband/v1\nkind: Scenario\nsteps:\n- manifests: |\n    apiVersion: v1\n    kind: Service\n    metadata: {name: a}\n    spec: {type: NodePort, ports: [{port: 80, nodeport: 1}]}\n").unwrap();
    assert_eq!(input.steps[0].source().pos.line, 5);
    assert!(
        matches!(&input.steps[0], Step::Object { object: Object::Undecodable { pos, .. }, .. } if pos.line == 8)
    );
    let e = read_error("apiVersion: portband/v1\nkind: Scenario\nsteps:\n- manifests: [a]\n");
    assert!(e.contains("manifests must be a YAML stream"), "{e}");
    let e = read_error("apiVersion: portband/v1\nkind: Scenario\nsteps:\n- apply: {apiVersion: v1, kind: Service, metadata: {name: a}}\n  first: 3\n");
    assert!(
        e.starts_with("line 5, column 10") && e.contains("add `repeat: N`"),
        "{e}"
    );
    // Scenarios inside scenarios, deeper than allowed.
    let mut text = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {type: NodePort, ports: [{port: 80}]}\n".to_owned();
    for _ in 0..MAX_NESTING - 1 {
        text = write_scenario(
            &ClusterConfig::default(),
            &[Entry::Manifests(text, Mode::Apply, None)],
        );
    }
    assert_eq!(read(&text).unwrap().steps.len(), 1);
    let deeper = write_scenario(
        &ClusterConfig::default(),
        &[Entry::Manifests(text, Mode::Apply, None)],
    );
    assert!(read_error(&deeper).contains("at most 8 deep"));
}

#[test]
fn an_input_expands_to_a_bounded_number_of_steps() {
    let step = "- apply: {apiVersion: v1, kind: Service, metadata: {name: a}, spec: {type: NodePort, ports: [{port: 80}]}}\n  repeat: 65536\n";
    let text = format!("apiVersion: portband/v1\nkind: Scenario\nsteps:\n{step}{step}");
    let e = read_error(&text);
    assert!(
        e.starts_with(
            "line 7, column 11 (document 1): this input expands to more than 100000 steps"
        ),
        "{e}"
    );
    // Nested inputs count towards their scenario's steps.
    let inner = write_scenario(
        &ClusterConfig::default(),
        &[Entry::Manifests(
            format!("apiVersion: portband/v1\nkind: Scenario\nsteps:\n{step}"),
            Mode::Apply,
            None,
        )],
    );
    let outer = write_scenario(
        &ClusterConfig::default(),
        &[
            Entry::Manifests(inner.clone(), Mode::Apply, None),
            Entry::Manifests(inner, Mode::Apply, None),
        ],
    );
    assert!(read_error(&outer).contains("more than 100000 steps"));
    assert_eq!(
        read(&format!(
            "apiVersion: portband/v1\nkind: Scenario\nsteps:\n{step}"
        ))
        .unwrap()
        .steps
        .len(),
        65_536
    );
}

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/real-world/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn ingress_nginx_baremetal() {
    let text = fixture("ingress-nginx-baremetal.yaml");
    let history = run("", &[&text]);
    let services: Vec<_> = history
        .outcomes()
        .iter()
        .filter(|o| o.verdict != Verdict::Skipped)
        .collect();
    assert_eq!(services.len(), 2);
    assert!(
        services.iter().all(|o| o.verdict == Verdict::Created),
        "{services:?}"
    );
    let controller = services
        .iter()
        .find(|o| o.service == "ingress-nginx/ingress-nginx-controller")
        .unwrap();
    let ports = node_ports(controller);
    assert_eq!(ports.len(), 2);
    assert_ne!(ports[0], ports[1]);
    assert!(ports.iter().all(|p| (30086..=32767).contains(p)));
    let admission = services
        .iter()
        .find(|o| o.service == "ingress-nginx/ingress-nginx-controller-admission")
        .unwrap();
    assert_eq!(node_ports(admission), [0]);
    assert!(
        history
            .outcomes()
            .iter()
            .filter(|o| o.verdict == Verdict::Skipped)
            .count()
            > 10
    );
}

#[test]
fn ingress_nginx_cloud() {
    let text = fixture("ingress-nginx-cloud.yaml");
    let history = run("", &[&text]);
    let controller = history
        .outcomes()
        .iter()
        .find(|o| o.service == "ingress-nginx/ingress-nginx-controller" && o.kind.is_none())
        .unwrap();
    assert_eq!(controller.verdict, Verdict::Created);
    let mut all = node_ports(controller);
    all.push(
        controller
            .health_check
            .expect("Local LoadBalancer has a health-check port")
            .node_port,
    );
    assert!(all.iter().all(|p| (30086..=32767).contains(p)), "{all:?}");
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), 3);
}

#[test]
fn cluster_scoped_kinds_are_named_without_a_namespace() {
    let history = run(
        "",
        &["apiVersion: v1\nkind: Namespace\nmetadata: {name: ingress-nginx}\n---\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata: {name: hook}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\n"],
    );
    let names: Vec<_> = history
        .outcomes()
        .iter()
        .map(|o| o.service.as_str())
        .collect();
    assert_eq!(names, ["ingress-nginx", "hook", "default/cfg"]);
}

/// Reads `text` in slices of `events` events, as the web app reads megabytes.
fn read_in_slices(text: &str, events: usize) -> Result<Input, InputError> {
    let shared: Rc<str> = Rc::from(text);
    let mut reading = Reading::new(shared, Mode::Apply);
    let mut last = ReadProgress::Parsing(0, text.len());
    loop {
        if let Some(input) = reading.advance(events) {
            return input;
        }
        let now = reading.progress();
        let forward = match (last, now) {
            (ReadProgress::Parsing(a, _), ReadProgress::Parsing(b, n)) => a <= b && b <= n,
            (ReadProgress::Parsing(..), ReadProgress::Decoding(0, _)) => true,
            (ReadProgress::Decoding(a, _), ReadProgress::Decoding(b, n)) => a <= b && b <= n,
            _ => false,
        };
        assert!(forward, "{now:?} after {last:?}");
        last = now;
    }
}

#[test]
fn reading_in_slices_gives_what_reading_at_once_gives() {
    let inputs = [
        fixture("ingress-nginx-cloud.yaml"),
        "apiVersion: portband/v1\nkind: Scenario\nrange: 30000-30099\nseed: 4\nsteps:\n- apply: {apiVersion: v1, kind: Service, metadata: {name: s}, spec: {type: NodePort, ports: [{port: 80}]}}\n  repeat: 30\n- delete: s-3\n".to_owned(),
        // Errors: broken YAML in the third document, a duplicate key, an alias bomb, nothing.
        "apiVersion: v1\nkind: Service\n---\n# two\n---\nkey: 'unterminated\n".to_owned(),
        "a: 1\n---\nb: 1\nb: 2\n".to_owned(),
        format!("a: &a [{}]\nb: [{}]\n", "x, ".repeat(2000), "*a, ".repeat(60)),
        String::new(),
        "# only a comment\n".to_owned(),
        // Decoded a document at a time: the fortieth has no kind.
        (0..60)
            .map(|i| {
                let kind = if i == 39 { "" } else { "kind: Service\n" };
                format!("apiVersion: v1\n{kind}metadata: {{name: s-{i}}}\nspec: {{type: NodePort, ports: [{{port: 80}}]}}\n")
            })
            .collect::<Vec<_>>()
            .join("---\n"),
    ];
    for text in &inputs {
        let whole = read(text);
        for events in [1, 7, 1000] {
            assert_eq!(
                read_in_slices(text, events),
                whole,
                "{events} events a slice: {text:.60}"
            );
        }
    }
    let decoding = read(inputs.last().unwrap()).map(|input| input.steps.len());
    assert_eq!(decoding.map_err(|e| e.document), Err(40));
    assert_eq!(
        Reading::new(Rc::from("a: 1\n"), Mode::Apply).progress(),
        ReadProgress::Parsing(0, 5)
    );
}

#[test]
fn a_scenario_names_its_kubernetes_version_and_the_band_split_follows_it() {
    let scenario = |settings: &str| {
        let text = format!("apiVersion: portband/v1\nkind: Scenario\n{settings}steps: []\n");
        read(&text).map(|input| input.config_over(ClusterConfig::default()))
    };
    let old = scenario("kubernetesVersion: \"1.27\"\n").unwrap();
    assert_eq!(
        (old.version.to_string(), old.static_subrange),
        ("1.27".into(), false)
    );
    // Unquoted, YAML would read 1.30 as a number: the text is what counts.
    let gate_on = scenario("kubernetesVersion: 1.30\nstaticSubrange: true\n").unwrap();
    assert_eq!(
        (gate_on.version.to_string(), gate_on.static_subrange),
        ("1.30".into(), true)
    );
    let beta = scenario("kubernetesVersion: v1.28.3\n").unwrap();
    assert!(beta.static_subrange, "on by default in 1.28");
    assert_eq!(scenario("").unwrap(), ClusterConfig::default());
    assert_eq!(ClusterConfig::default().version.to_string(), "1.35");
    assert_eq!(
        scenario("kubernetesVersion: \"1.26\"\n").unwrap_err().to_string(),
        "line 3, column 20 (document 1): invalid kubernetesVersion \"1.26\": portband models Kubernetes 1.27 to 1.35, not 1.26"
    );
    // A written history keeps its version.
    let written = write_scenario(&old, &[]);
    assert!(
        written.contains("\nkubernetesVersion: \"1.27\"\n"),
        "{written}"
    );
    assert_eq!(
        read(&written)
            .unwrap()
            .config_over(ClusterConfig::default()),
        old
    );
    // And its service range, written when it is not the default.
    let dual = scenario("serviceClusterIPRange: 10.96.0.0/16,fd00::/108\n").unwrap();
    let written = write_scenario(&dual, &[]);
    assert!(
        written.contains("\nserviceClusterIPRange: 10.96.0.0/16,fd00::/108\nsteps: []"),
        "{written}"
    );
    assert_eq!(
        read(&written)
            .unwrap()
            .config_over(ClusterConfig::default()),
        dual
    );
    assert!(!write_scenario(&old, &[]).contains("serviceClusterIPRange"));
}

/// What `kubectl get svc -A -o yaml` prints: a `List` of Services with the fields a cluster fills
/// in (resourceVersion, uid, creationTimestamp, status, cluster IPs and families, the defaults).
/// It is taken as the cluster's Services: applied once, each is created as it is (the
/// `kubernetes` Service, which every cluster has, updated to itself); applied again, each is
/// updated to itself, every nodePort and address kept.
#[test]
fn a_cluster_dump_is_taken_as_it_is_and_takes_itself_again() {
    let dump = r#"apiVersion: v1
items:
- apiVersion: v1
  kind: Service
  metadata:
    creationTimestamp: "2026-11-02T09:12:44Z"
    labels: {component: apiserver, provider: kubernetes}
    name: kubernetes
    namespace: default
    resourceVersion: "205"
    uid: 5f0c7c1e-1b7c-4a6e-9d5e-6f1f3c2b9a10
  spec:
    clusterIP: 10.96.0.1
    clusterIPs: [10.96.0.1]
    internalTrafficPolicy: Cluster
    ipFamilies: [IPv4]
    ipFamilyPolicy: SingleStack
    ports:
    - {name: https, port: 443, protocol: TCP, targetPort: 6443}
    sessionAffinity: None
    type: ClusterIP
  status:
    loadBalancer: {}
- apiVersion: v1
  kind: Service
  metadata:
    annotations:
      kubectl.kubernetes.io/last-applied-configuration: |
        {"apiVersion":"v1","kind":"Service","metadata":{"annotations":{},"name":"web","namespace":"shop"},"spec":{"ports":[{"name":"http","port":80,"targetPort":8080}],"selector":{"app":"web"},"type":"NodePort"}}
    creationTimestamp: "2026-11-03T14:01:02Z"
    name: web
    namespace: shop
    resourceVersion: "48213"
    uid: 0b8c43d6-7a55-4f0e-8c8b-2a1f9e6d4c31
  spec:
    clusterIP: 10.96.122.7
    clusterIPs: [10.96.122.7]
    externalTrafficPolicy: Cluster
    internalTrafficPolicy: Cluster
    ipFamilies: [IPv4]
    ipFamilyPolicy: SingleStack
    ports:
    - {name: http, nodePort: 31380, port: 80, protocol: TCP, targetPort: 8080}
    selector: {app: web}
    sessionAffinity: None
    type: NodePort
  status:
    loadBalancer: {}
- apiVersion: v1
  kind: Service
  metadata:
    name: ingress
    namespace: edge
    resourceVersion: "48999"
    uid: 9d1e2f3a-4b5c-4d6e-8f70-1a2b3c4d5e6f
  spec:
    allocateLoadBalancerNodePorts: true
    clusterIP: 10.96.33.4
    clusterIPs: [10.96.33.4]
    externalTrafficPolicy: Local
    healthCheckNodePort: 30999
    internalTrafficPolicy: Cluster
    ipFamilies: [IPv4]
    ipFamilyPolicy: SingleStack
    ports:
    - {name: http, nodePort: 30480, port: 80, protocol: TCP, targetPort: http}
    - {name: https, nodePort: 30443, port: 443, protocol: TCP, targetPort: https}
    selector: {app: ingress}
    sessionAffinity: None
    type: LoadBalancer
  status:
    loadBalancer:
      ingress:
      - {ip: 203.0.113.10, ipMode: VIP}
kind: List
metadata:
  resourceVersion: ""
"#;
    let history = run("", &[dump, dump]);
    let outcomes = history.outcomes();
    assert_eq!(outcomes.len(), 6);
    for (i, outcome) in outcomes.iter().enumerate() {
        // The kubernetes Service exists in every cluster: applying it updates it to itself.
        let expected = if i % 3 != 0 && i < 3 {
            Verdict::Created
        } else {
            Verdict::Updated
        };
        assert_eq!(
            (outcome.verdict, &outcome.error),
            (expected, &None),
            "step {i}"
        );
    }
    assert_eq!(node_ports(&outcomes[4]), [31380]);
    assert_eq!(node_ports(&outcomes[5]), [30480, 30443]);
    assert_eq!(
        outcomes[5].health_check.as_ref().map(|h| h.node_port),
        Some(30999)
    );
    assert_eq!(history.cluster().allocator().used(), 4);
}

/// An input's notes, each as the steps it covers and its text.
fn notes(input: &Input) -> Vec<(std::ops::Range<usize>, &str)> {
    input
        .notes
        .iter()
        .map(|n| (n.steps.clone(), n.text.as_str()))
        .collect()
}

#[test]
fn a_scenario_steps_notes_cover_the_steps_it_made_and_are_written_back() {
    let service = |name: &str| {
        format!("{{apiVersion: v1, kind: Service, metadata: {{name: {name}}}, spec: {{type: NodePort, ports: [{{port: 80}}]}}}}")
    };
    let text = format!(
        "apiVersion: portband/v1\nkind: Scenario\nsteps:\n- apply: {}\n  note: \"MinIO asks for 30009: with the split, nothing dynamic took it\"\n- apply: {}\n  repeat: 3\n  note: three fillers\n- apply: {}\n- delete: a\n  note: a goes\n",
        service("a"),
        service("f"),
        service("b"),
    );
    let input = read(&text).unwrap();
    assert_eq!(
        notes(&input),
        [
            (
                0..1,
                "MinIO asks for 30009: with the split, nothing dynamic took it"
            ),
            (1..4, "three fillers"),
            (5..6, "a goes"),
        ]
    );
    assert!(
        read_error(&text.replace("note: a goes", "note: [a, list]")).contains("note must be text")
    );
    // A scenario of manifests and deletes is kept as entries, with their notes; written back, the
    // notes come back, and a scenario inside a `manifests` step keeps its own.
    let entries = [
        Entry::Manifests(text.clone(), Mode::Apply, None),
        Entry::Manifests("apiVersion: v1\nkind: Service\nmetadata: {name: c}\nspec: {type: NodePort, ports: [{port: 80}]}\n".to_owned(), Mode::Create, Some("c, created\nover two lines".to_owned())),
        Entry::Delete("b".parse().unwrap(), Some("b goes, \"quoted\"".to_owned())),
    ];
    let written = write_scenario(&ClusterConfig::default(), &entries);
    let again = read(&written).unwrap();
    assert_eq!(again.entries.as_deref(), Some(&entries[..]));
    assert_eq!(
        notes(&again),
        [
            (
                0..1,
                "MinIO asks for 30009: with the split, nothing dynamic took it"
            ),
            (1..4, "three fillers"),
            (5..6, "a goes"),
            (6..7, "c, created\nover two lines"),
            (7..8, "b goes, \"quoted\""),
        ]
    );
}

#[test]
fn a_session_shows_each_steps_note_wherever_its_steps_landed() {
    let scenario = |name: &str, note: &str| {
        format!("apiVersion: portband/v1\nkind: Scenario\nsteps:\n- apply: {{apiVersion: v1, kind: Service, metadata: {{name: {name}}}, spec: {{type: NodePort, ports: [{{port: 80}}]}}}}\n  repeat: 2\n  note: {note}\n- delete: {name}-1\n")
    };
    let mut session = portband_kube::Session::from_scenario(&scenario("a", "first")).unwrap();
    session
        .apply(&scenario("b", "second"), Mode::Apply)
        .unwrap();
    // Sliced, as the web app applies.
    let mut job = session.start(&scenario("c", "third"), Mode::Apply, false);
    while !job.run(10).unwrap() {}
    session.finish(job).unwrap();
    let notes = |session: &portband_kube::Session| -> Vec<Option<String>> {
        session
            .log(0, session.len())
            .into_iter()
            .map(|l| l.note)
            .collect()
    };
    let first = Some("first".to_owned());
    let (second, third) = (Some("second".to_owned()), Some("third".to_owned()));
    let expected = [
        first.clone(),
        first,
        None,
        second.clone(),
        second,
        None,
        third.clone(),
        third,
        None,
    ];
    assert_eq!(notes(&session), expected);
    assert_eq!(session.note(7), Some("third"));
    let other = session.with_settings(ClusterConfig {
        static_subrange: false,
        ..ClusterConfig::default()
    });
    assert_eq!(
        notes(&other),
        expected,
        "the same inputs under other settings"
    );
    // What the session writes reads back to the same notes.
    let again = portband_kube::Session::from_scenario(&session.scenario()).unwrap();
    assert_eq!(notes(&again), expected);
}
