//! The `portband` binary: every spec case through `apply --format json` (checked against the
//! library's report), exit codes, the table output, `check` and `bands`.

use portband_allocator::PortRange;
use portband_kube::{read, report, ClusterConfig, History};
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn portband(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_portband"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

fn yaml_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
}

/// What the library reports for a file, with the settings `apply` would use.
fn library_report(text: &str) -> Value {
    let input = read(text).unwrap();
    let mut history = History::new(input.config_over(ClusterConfig::default()));
    for step in input.steps {
        history.push(step);
    }
    serde_json::to_value(report(&history)).unwrap()
}

#[test]
fn every_spec_case_through_the_cli_matches_the_library() {
    let cases = yaml_files("crates/kube/tests/cases");
    assert!(
        cases.len() >= 25,
        "the C1-C13 and U1-U10 case files are there"
    );
    for case in cases {
        let text = std::fs::read_to_string(&case).unwrap();
        let output = portband(&["apply", "--format", "json", case.to_str().unwrap()], None);
        let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
        assert_eq!(report, library_report(&text), "{}", case.display());
        let rejected = report["steps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["result"] == "rejected");
        assert_eq!(
            output.status.code(),
            Some(i32::from(rejected)),
            "{}",
            case.display()
        );
    }
}

#[test]
fn json_contract() {
    let output = portband(
        &[
            "apply",
            "--format",
            "json",
            repo("crates/kube/tests/cases/c05-different-port-numbers-udp.yaml")
                .to_str()
                .unwrap(),
        ],
        None,
    );
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["range"], "30000-32767");
    assert_eq!(
        report["bands"],
        json!({"static": {"first": 30000, "last": 30085, "size": 86}, "dynamic": {"first": 30086, "last": 32767, "size": 2682}})
    );
    assert_eq!(
        report["steps"][0],
        json!({
            "action": "apply",
            "service": "default/web",
            "result": "rejected",
            "ports": [],
            "healthCheckNodePort": null,
            "healthCheckProvenance": null,
            "clusterIPs": [],
            "ipBands": [],
            "error": "Service \"web\" is invalid: spec.ports[1].nodePort: Invalid value: 30080: provided port is already allocated"
        })
    );
    // The kubernetes Service holds 10.96.0.1, in the static band, from the start.
    let cidr = json!({"cidr": "10.96.0.0/12", "used": 1, "free": 1048573, "static": {"used": 1, "free": 255}, "dynamic": {"used": 0, "free": 1048318}});
    assert_eq!(
        report["summary"],
        json!({"used": 0, "free": 2768, "static": {"used": 0, "free": 86}, "dynamic": {"used": 0, "free": 2682}, "serviceCIDRs": [cidr]})
    );
    assert_eq!(
        report["serviceCIDRs"],
        json!([{"cidr": "10.96.0.0/12", "static": {"first": "10.96.0.1", "last": "10.96.1.0", "size": 256}, "dynamic": {"first": "10.96.1.1", "last": "10.111.255.254", "size": 1048318}}])
    );

    let legacy = portband(&["apply", "--legacy", "--format", "json", "-"], Some("apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {type: NodePort, ports: [{port: 80}]}\n"));
    let report: Value = serde_json::from_str(&stdout(&legacy)).unwrap();
    assert_eq!(
        report["bands"]["static"],
        json!({"first": null, "last": null, "size": 0})
    );
    assert_eq!(report["steps"][0]["ports"][0]["band"], "dynamic");
    let provenance = &report["steps"][0]["ports"][0]["provenance"];
    assert_eq!(provenance["kind"], "allocated");
    assert_eq!(provenance["fellBack"], false);
    assert_eq!(
        provenance["span"],
        json!({"first": 30000, "last": 32767, "size": 2768}),
        "without the band split the scan covers the whole range"
    );
    assert_eq!(legacy.status.code(), Some(0));
}

/// `--service-cluster-ip-range` on apply: each step's addresses and bands, the report's CIDRs;
/// a range the release refuses is refused with its message (exit status 2).
#[test]
fn apply_takes_the_service_cluster_ip_range() {
    let text = "apiVersion: v1\nkind: Service\nmetadata: {name: dns}\nspec:\n  clusterIP: fd00::a\n  ports: [{port: 53, protocol: UDP}]\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  ipFamilyPolicy: RequireDualStack\n  ports: [{port: 80}]\n";
    let output = portband(
        &[
            "apply",
            "--service-cluster-ip-range",
            "fd00::/108,10.96.0.0/16",
            "--format",
            "json",
            "-",
        ],
        Some(text),
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["steps"][0]["clusterIPs"], json!(["fd00::a"]));
    assert_eq!(report["steps"][0]["ipBands"], json!(["static"]));
    let web = &report["steps"][1];
    let ips = web["clusterIPs"].as_array().unwrap();
    assert!(
        ips[0].as_str().unwrap().starts_with("fd00::")
            && ips[1].as_str().unwrap().starts_with("10.96.")
    );
    assert_eq!(web["ipBands"], json!(["dynamic", "dynamic"]));
    let cidrs: Vec<&str> = report["serviceCIDRs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["cidr"].as_str().unwrap())
        .collect();
    assert_eq!(cidrs, ["fd00::/108", "10.96.0.0/16"]);
    assert_eq!(
        report["summary"]["serviceCIDRs"][0]["used"], 3,
        "kubernetes, dns, web"
    );

    let refused = portband(
        &[
            "apply",
            "--service-cluster-ip-range",
            "10.0.0.0/8",
            "--kubernetes-version",
            "1.33",
            "-",
        ],
        Some(text),
    );
    assert_eq!(refused.status.code(), Some(2));
    assert_eq!(
        stderr(&refused),
        "error: invalid value '10.0.0.0/8' for '--service-cluster-ip-range <CIDR[,CIDR]>': specified --service-cluster-ip-range is too large; for 32-bit addresses, the mask must be >= 12\n"
    );
}

#[test]
fn flags_override_a_scenarios_settings() {
    let scenario = repo("crates/kube/tests/cases/c13-range-full.yaml");
    let output = portband(
        &[
            "apply",
            "--range",
            "30000-30009",
            "--format",
            "json",
            scenario.to_str().unwrap(),
        ],
        None,
    );
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["range"], "30000-30009");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn the_seed_reproduces_ports() {
    let text = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {type: NodePort, ports: [{port: 80}]}\n";
    let run = |seed: &str| {
        stdout(&portband(
            &["apply", "--seed", seed, "--format", "json", "-"],
            Some(text),
        ))
    };
    assert_eq!(run("42"), run("42"));
    assert_ne!(run("42"), run("43"));
}

#[test]
fn table_output_shows_ports_bands_and_kubectl_errors() {
    let text = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: NodePort, ports: [{name: http, port: 80, nodePort: 30080}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: clash}\nspec: {type: NodePort, ports: [{port: 81, nodePort: 30080}]}\n";
    let output = portband(&["apply", "-"], Some(text));
    let table = stdout(&output);
    assert!(
        table.starts_with("range 30000-32767: static 30000–30085 (86), dynamic 30086–32767 (2682)"),
        "{table}"
    );
    assert!(
        table.contains("http 80/TCP → 30080 (static, explicit)"),
        "{table}"
    );
    assert!(table.contains("Error from server (Invalid): error when creating \"<stdin>\": Service \"clash\" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated"), "{table}");
    assert!(
        table.contains("(the port is held by default/web, spec.ports[0].nodePort (http))"),
        "{table}"
    );
    assert!(
        table.contains("used 1 of 2768 ports: static 1/86, dynamic 0/2682"),
        "{table}"
    );
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn unusable_input_exits_2_with_a_position() {
    let output = portband(
        &["apply", "-"],
        Some("apiVersion: v1\nkind: Service\nspec: a: b\n"),
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output).trim(),
        "<stdin>:3:8: error: mapping values are not allowed in this context (document 1)"
    );
    let missing = portband(&["apply", "no-such-file.yaml"], None);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("no-such-file.yaml"));
    let bad_range = portband(&["apply", "--range", "100 - 200", "-"], Some(""));
    assert_eq!(bad_range.status.code(), Some(2));
    assert!(stderr(&bad_range).contains(r#"strconv.Atoi: parsing "100 ": invalid syntax"#));
}

#[test]
fn check_reports_like_a_compiler() {
    let text = "apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  ports: [{name: http, port: 80, nodePort: 31000}]
---
apiVersion: v1
kind: Service
metadata: {name: clash}
spec:
  type: NodePort
  ports: [{port: 80, nodePort: 31000}]
---
apiVersion: v1
kind: Service
metadata: {name: far}
spec:
  type: NodePort
  ports: [{port: 80, nodePort: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: fine}
spec:
  type: NodePort
  ports: [{port: 80, nodePort: 30001}]
";
    let output = portband(&["check", "-"], Some(text));
    assert_eq!(output.status.code(), Some(1));
    let lines: Vec<String> = stdout(&output).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 5, "{lines:#?}");
    assert!(
        lines[0].starts_with(
            "<stdin>:6:44: warning: default/web: nodePort 31000 is in the dynamic band"
        ),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with(
            "<stdin>:13:32: error: default/clash: nodePort 31000 is also requested by default/web"
        ),
        "{}",
        lines[1]
    );
    assert_eq!(lines[2], "<stdin>:6:44: note: first requested here");
    assert!(
        lines[3].starts_with("<stdin>:13:32: warning: default/clash"),
        "{}",
        lines[3]
    );
    assert_eq!(
        lines[4],
        "<stdin>:20:32: error: default/far: Service \"far\" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767"
    );
    assert_eq!(stderr(&output).trim(), "2 errors, 2 warnings");

    let json_output = portband(&["check", "--format", "json", "-"], Some(text));
    let report: Value = serde_json::from_str(&stdout(&json_output)).unwrap();
    assert_eq!(
        (report["errors"].as_u64(), report["warnings"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(
        report["diagnostics"][1]["related"],
        json!({"file": "<stdin>", "line": 6, "column": 44})
    );

    let clean = portband(&["check", "-"], Some("apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {type: NodePort, ports: [{port: 80, nodePort: 31000}]}\n"));
    assert_eq!(clean.status.code(), Some(0), "warnings alone pass");
    let strict = portband(&["check", "--deny-warnings", "-"], Some("apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {type: NodePort, ports: [{port: 80, nodePort: 31000}]}\n"));
    assert_eq!(strict.status.code(), Some(1));
}

/// The allocator tests' worked band sizes (`spec_bands.txt`) through `portband bands --format json`.
#[test]
fn bands_table() {
    let table = include_str!("../../allocator/tests/spec_bands.txt");
    let rows: Vec<Vec<&str>> = table
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| line.split_whitespace().collect())
        .collect();
    assert_eq!(rows.len(), 16);
    let band = |text: &str| match text.split_once('-').filter(|_| text != "-") {
        Some((first, last)) => {
            let (first, last): (u32, u32) = (first.parse().unwrap(), last.parse().unwrap());
            json!({"first": first, "last": last, "size": last - first + 1})
        }
        None => json!({"first": null, "last": null, "size": 0}),
    };
    for row in rows {
        let output = portband(&["bands", "--range", row[0], "--format", "json"], None);
        let bands: Value = serde_json::from_str(&stdout(&output)).unwrap();
        assert_eq!(bands["static"], band(row[1]), "{}", row[0]);
        assert_eq!(bands["dynamic"], band(row[2]), "{}", row[0]);
        assert_eq!(
            bands["size"],
            PortRange::parse(row[0]).unwrap().size(),
            "{}",
            row[0]
        );
    }
    let table = stdout(&portband(&["bands"], None));
    assert_eq!(
        table,
        "range 30000-32767 (2768 ports)\nBAND     FIRST   LAST   SIZE\nstatic   30000  30085     86\ndynamic  30086  32767   2682\n"
    );
}

#[test]
fn bands_of_service_cidrs() {
    let output = portband(
        &[
            "bands",
            "--service-cluster-ip-range",
            "10.96.0.0/12,fd00:10:96::/108",
            "--format",
            "json",
        ],
        None,
    );
    assert_eq!(output.status.code(), Some(0));
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(
        report,
        json!({"serviceCIDRs": [
            {"cidr": "10.96.0.0/12",
             "static": {"first": "10.96.0.1", "last": "10.96.1.0", "size": 256},
             "dynamic": {"first": "10.96.1.1", "last": "10.111.255.254", "size": 1_048_318}},
            {"cidr": "fd00:10:96::/108",
             "static": {"first": "fd00:10:96::1", "last": "fd00:10:96::100", "size": 256},
             "dynamic": {"first": "fd00:10:96::101", "last": "fd00:10:96::f:ffff", "size": 1_048_319}}
        ]})
    );
    // Before 1.33 the bitmap allocator cuts an IPv6 range to 2^16 addresses.
    let output = portband(
        &[
            "bands",
            "--service-cluster-ip-range",
            "fd00:10:96::/108",
            "--kubernetes-version",
            "1.32",
            "--format",
            "json",
        ],
        None,
    );
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["serviceCIDRs"][0]["dynamic"]["size"], 65_279);
    // A CIDR of at most 16 addresses has no static band.
    let output = portband(
        &["bands", "--service-cluster-ip-range", "10.96.0.0/28"],
        None,
    );
    assert_eq!(
        stdout(&output),
        "service CIDR 10.96.0.0/28 (14 addresses)\nBAND     FIRST       LAST        SIZE\nstatic   -           -           0\ndynamic  10.96.0.1   10.96.0.14  14\n"
    );
}

#[test]
fn a_service_cidr_the_apiserver_refuses_exits_2() {
    for (value, version, message) in [
        ("10.0.0.0/8", "1.33", "specified --service-cluster-ip-range is too large; for 32-bit addresses, the mask must be >= 12"),
        ("10.96.0.0/12,10.0.0.0/16", "1.35", "--service-cluster-ip-range[0] and --service-cluster-ip-range[1] must be of different IP family"),
        ("10.96.0.0", "1.35", "service-cluster-ip-range[0] is not a valid cidr"),
    ] {
        let output = portband(
            &["bands", "--service-cluster-ip-range", value, "--kubernetes-version", version],
            None,
        );
        assert_eq!(output.status.code(), Some(2), "{value}");
        assert_eq!(
            String::from_utf8_lossy(&output.stderr),
            format!("error: invalid value '{value}' for '--service-cluster-ip-range <CIDR[,CIDR]>': {message}\n")
        );
    }
}

#[test]
fn help_has_examples() {
    for command in ["apply", "check", "bands"] {
        let help = stdout(&portband(&[command, "--help"], None));
        assert!(help.contains("Examples:"), "{command}");
    }
}

fn scenario(name: &str, extra: &[&str]) -> (Value, Option<i32>) {
    let path = repo(&format!("scenarios/{name}.yaml"));
    let mut args = vec!["apply", "--format", "json"];
    args.extend_from_slice(extra);
    args.push(path.to_str().unwrap());
    let output = portband(&args, None);
    (
        serde_json::from_str(&stdout(&output)).unwrap(),
        output.status.code(),
    )
}

fn last_step(report: &Value) -> &Value {
    report["steps"].as_array().unwrap().last().unwrap()
}

#[test]
fn every_shipped_scenario_runs() {
    let files = yaml_files("scenarios");
    assert!(files.len() >= 5);
    for file in files {
        let output = portband(&["apply", file.to_str().unwrap()], None);
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{}: {}",
            file.display(),
            stderr(&output)
        );
        let check = portband(&["check", file.to_str().unwrap()], None);
        assert!(
            matches!(check.status.code(), Some(0 | 1)),
            "{}",
            file.display()
        );
    }
}

#[test]
fn the_kep_story_with_and_without_the_band_split() {
    let (with_split, code) = scenario("kep-3668-story", &[]);
    assert_eq!(code, Some(0));
    assert_eq!(last_step(&with_split)["result"], "created");
    assert_eq!(last_step(&with_split)["ports"][0]["nodePort"], 30009);
    let (legacy, code) = scenario("kep-3668-story", &["--legacy"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        last_step(&legacy)["error"],
        "Service \"minio\" is invalid: spec.ports[0].nodePort: Invalid value: 30009: provided port is already allocated"
    );
}

#[test]
fn the_range_fills_up_then_frees_a_port() {
    let (report, _) = scenario("range-filling-up", &[]);
    let steps = report["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 43);
    let dynamic_band_full_at = steps
        .iter()
        .position(|s| s["ports"][0]["band"] == "static" && s["service"] != "infra/reserved");
    assert_eq!(
        dynamic_band_full_at,
        Some(25),
        "24 dynamic ports come first, then the fallback"
    );
    assert_eq!(
        steps[40]["error"],
        "Internal error occurred: failed to allocate a nodePort: range is full"
    );
    assert_eq!(steps[41]["result"], "deleted");
    assert_eq!(
        steps[42]["ports"][0]["nodePort"],
        steps[41]["ports"][0]["nodePort"]
    );
}

#[test]
fn the_dns_and_health_check_scenarios() {
    let (dns, _) = scenario("dns-tcp-and-udp", &[]);
    let steps = dns["steps"].as_array().unwrap();
    assert_eq!(
        steps[0]["ports"][0]["nodePort"],
        steps[0]["ports"][1]["nodePort"]
    );
    assert_eq!(steps[1]["ports"][1]["nodePort"], 30053);
    assert_eq!(steps[2]["result"], "rejected");
    // kubectl apply cannot add 53/UDP (strategic merge keys spec.ports by port number alone);
    // replace adds it, with a nodePort of its own.
    assert_eq!(steps[4]["ports"].as_array().unwrap().len(), 1);
    let added = steps[5]["ports"].as_array().unwrap();
    assert_eq!(added.len(), 2);
    assert_ne!(added[0]["nodePort"], added[1]["nodePort"]);

    let (lb, _) = scenario("load-balancer-health-check", &[]);
    let steps = lb["steps"].as_array().unwrap();
    assert!(steps[0]["healthCheckNodePort"].is_number());
    assert!(steps[1]["healthCheckNodePort"].is_null());
    assert_eq!(steps[2]["result"], "rejected");
    assert_eq!(steps[3]["healthCheckNodePort"], 30011);
}

#[test]
fn check_warns_about_the_dynamic_band_gotcha() {
    let path = repo("scenarios/explicit-port-in-dynamic-band.yaml");
    let output = portband(&["check", path.to_str().unwrap()], None);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output)
        .contains("warning: edge/partner-gateway: nodePort 30100 is in the dynamic band"));
    let (report, code) = scenario("explicit-port-in-dynamic-band", &[]);
    assert_eq!(code, Some(1));
    assert_eq!(last_step(&report)["result"], "rejected");
}

/// The teaching scenario's comment names the port its story is about, the one refused.
#[test]
fn the_dynamic_band_scenario_names_its_port() {
    let text =
        std::fs::read_to_string(repo("scenarios/explicit-port-in-dynamic-band.yaml")).unwrap();
    let report = library_report(&text);
    let refused = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["result"] == "rejected")
        .expect("the story ends in a refusal");
    let error = refused["error"].as_str().unwrap();
    let port = error
        .split("Invalid value: ")
        .nth(1)
        .and_then(|rest| rest.split(':').next())
        .unwrap();
    let comment: String = text.lines().take_while(|l| l.starts_with('#')).collect();
    assert!(comment.contains(port), "{port} not in: {comment}");
}

#[test]
fn the_kubernetes_version_sets_the_band_splits_default_and_is_reported() {
    let story = repo("scenarios/kep-3668-story.yaml");
    let story = story.to_str().unwrap();
    let report = |args: &[&str]| {
        let mut all = vec!["apply", "--format", "json"];
        all.extend(args);
        all.push(story);
        let output = portband(&all, None);
        let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
        (report, stderr(&output))
    };
    let (newest, quiet) = report(&[]);
    assert_eq!(newest["kubernetesVersion"], "1.35");
    assert_ne!(newest["bands"]["static"]["size"], 0);
    assert_eq!(quiet, "");
    // 1.27: the gate is alpha, off unless the apiserver is started with it.
    let (alpha, _) = report(&["--kubernetes-version", "1.27"]);
    assert_eq!(alpha["kubernetesVersion"], "1.27");
    assert_eq!(alpha["bands"]["static"]["size"], 0);
    let (enabled, _) = report(&[
        "--kubernetes-version",
        "v1.27",
        "--feature-gates",
        "ServiceNodePortStaticSubrange=true",
    ]);
    assert_eq!(enabled["bands"], newest["bands"]);
    // Off where no cluster of the release can turn it off: shown, with a warning.
    let (_, warned) = report(&["--kubernetes-version", "1.29", "--legacy"]);
    assert_eq!(warned, "warning: in Kubernetes 1.29 the feature gate ServiceNodePortStaticSubrange is GA and locked on: no cluster runs without the band split; shown for comparison only\n");
    let (_, warned) = report(&["--feature-gates", "ServiceNodePortStaticSubrange=false"]);
    assert!(warned.starts_with("warning: Kubernetes 1.35 has no feature gate ServiceNodePortStaticSubrange (removed in 1.31)"), "{warned}");
    let refused = portband(&["bands", "--kubernetes-version", "1.36"], None);
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("portband models Kubernetes 1.27 to 1.35, not 1.36"));
    // check gives the release's messages.
    let twice = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: NodePort, ports: [{name: a, port: 80}, {name: b, port: 80}]}\n";
    let old = stdout(&portband(
        &["check", "--kubernetes-version", "1.33", "-"],
        Some(twice),
    ));
    assert!(
        old.contains("Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\""),
        "{old}"
    );
    let new = stdout(&portband(&["check", "-"], Some(twice)));
    assert!(
        new.contains("Duplicate value: {\"Name\":\"\",\"Protocol\":\"TCP\""),
        "{new}"
    );
    let supported = stdout(&portband(&["version", "--supported"], None));
    assert!(
        supported.contains(
            "\n  1.27  band split (ServiceNodePortStaticSubrange): alpha, off by default\n"
        ),
        "{supported}"
    );
    assert!(
        supported.ends_with(
            "  1.35  band split (ServiceNodePortStaticSubrange): removed: always on  (default)\n"
        ),
        "{supported}"
    );
}

#[test]
fn mode_sends_plain_manifests_as_replace_or_create() {
    let web = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: NodePort, ports: [{port: 80}]}\n";
    let replaced = portband(&["apply", "--mode", "replace", "-"], Some(web));
    assert_eq!(replaced.status.code(), Some(1));
    let stdout = String::from_utf8(replaced.stdout).unwrap();
    assert!(
        stdout.contains("1  replace  default/web  rejected"),
        "{stdout}"
    );
    assert!(stdout.contains(
        "Error from server (NotFound): error when replacing \"<stdin>\": services \"web\" not found"
    ), "{stdout}");
    let twice = format!("{web}---\n{web}");
    let created = portband(
        &["apply", "--mode", "create", "--format", "json", "-"],
        Some(&twice),
    );
    let report: serde_json::Value = serde_json::from_slice(&created.stdout).unwrap();
    let steps = report["steps"].as_array().unwrap();
    assert_eq!(steps[0]["action"], "create");
    assert_eq!(steps[1]["result"], "rejected");
    assert_eq!(steps[1]["error"], "services \"web\" already exists");
    let bogus = portband(&["apply", "--mode", "patch", "-"], None);
    assert_eq!(bogus.status.code(), Some(2));
    assert!(String::from_utf8(bogus.stderr)
        .unwrap()
        .contains("[possible values: apply, replace, create]"));
}

#[test]
fn a_reader_that_stops_reading_is_no_panic() {
    // `portband apply … | head -1`: the output is far larger than a pipe holds, and the reader
    // closes its end after one read.
    let many: String = (0..3000)
        .map(|i| format!("---\napiVersion: v1\nkind: Service\nmetadata: {{name: s{i}}}\nspec: {{ports: [{{port: 80}}]}}\n"))
        .collect();
    let mut child = Command::new(env!("CARGO_BIN_EXE_portband"))
        .args(["apply", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(many.as_bytes())
        .unwrap();
    let mut first = [0u8; 64];
    let mut stdout = child.stdout.take().unwrap();
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8(output.stderr).unwrap(), "");
}

#[test]
fn check_speaks_github_workflow_commands() {
    let dir = std::env::temp_dir().join(format!("portband-gh-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("web,api.yaml");
    std::fs::write(
        &file,
        "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {type: NodePort, ports: [{port: 80, nodePort: 30010}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec: {type: NodePort, ports: [{port: 80, nodePort: 30010}]}\n",
    )
    .unwrap();
    let output = portband(
        &["check", "--format", "github", file.to_str().unwrap()],
        None,
    );
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    let escaped = file.to_str().unwrap().replace(',', "%2C");
    assert_eq!(
        text,
        format!("::error file={escaped},line=9,col=53,title=portband check::default/b: nodePort 30010 is also requested by default/a; whichever is applied second is refused: provided port is already allocated\n")
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn check_quiet_and_summary() {
    let two = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {type: NodePort, ports: [{port: 80, nodePort: 30500}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec: {type: NodePort, ports: [{port: 80, nodePort: 30500}]}\n";
    let plain = portband(&["check", "-"], Some(two));
    assert_eq!(
        String::from_utf8(plain.stderr).unwrap(),
        "1 error, 2 warnings\n"
    );
    let quiet = portband(&["check", "--quiet", "-"], Some(two));
    assert_eq!(quiet.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&quiet.stderr), "");
    assert_eq!(
        stdout(&quiet).lines().count(),
        4,
        "three findings and a note"
    );
    let summary = portband(&["check", "--summary", "--format", "json", "-"], Some(two));
    assert_eq!(summary.status.code(), Some(1));
    assert_eq!(stdout(&summary), "1 error, 2 warnings\n");
    let both = portband(&["check", "--quiet", "--summary", "-"], None);
    assert_eq!(
        both.status.code(),
        Some(2),
        "--quiet and --summary conflict"
    );
}

#[test]
fn a_folder_is_its_manifests_and_other_yaml_in_it_is_skipped_with_a_note() {
    let dir = std::env::temp_dir().join(format!("portband-dir-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("nested")).unwrap();
    let service = |name: &str| {
        format!("apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\nspec: {{ports: [{{port: 80}}]}}\n")
    };
    std::fs::write(dir.join("b.yaml"), service("b")).unwrap();
    std::fs::write(dir.join("a.yml"), service("a")).unwrap();
    std::fs::write(dir.join("nested/c.json"), r#"{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "c"}, "spec": {"ports": [{"port": 80}]}}"#).unwrap();
    std::fs::write(
        dir.join("values.yaml"),
        "replicaCount: 2\nimage: {tag: latest}\n",
    )
    .unwrap();
    std::fs::write(dir.join("README.md"), "# not read\n").unwrap();
    let output = portband(&["apply", "--format", "json", dir.to_str().unwrap()], None);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let services: Vec<&str> = report["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["service"].as_str().unwrap())
        .collect();
    assert_eq!(
        services,
        ["default/a", "default/b", "default/c"],
        "in name order, recursively"
    );
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr
            .contains("values.yaml: skipped, not a Kubernetes manifest (Object 'Kind' is missing)"),
        "{stderr}"
    );
    // A file named on its own is read as it is: no manifest is an error.
    let named = portband(&["check", dir.join("values.yaml").to_str().unwrap()], None);
    assert_eq!(named.status.code(), Some(2));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn check_colours_on_request_only() {
    let pinned = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {type: NodePort, ports: [{port: 80, nodePort: 30500}]}\n";
    let always = portband(&["check", "--color", "always", "-"], Some(pinned));
    assert!(stdout(&always).contains(":4:53: \x1b[1;33mwarning\x1b[0m: default/a: "));
    // Not a terminal (a pipe, as here): no colour, and none with --color never either.
    for args in [&["check", "-"][..], &["check", "--color", "never", "-"][..]] {
        let plain = portband(args, Some(pinned));
        assert!(!stdout(&plain).contains('\x1b'));
        assert!(stdout(&plain).contains(":4:53: warning: default/a: "));
    }
}

#[test]
fn version_names_the_kubernetes_releases_modelled() {
    let output = portband(&["--version"], None);
    assert_eq!(
        stdout(&output),
        format!(
            "portband {} (models Kubernetes 1.27 to 1.35, 1.35 by default)\n",
            env!("CARGO_PKG_VERSION")
        )
    );
}

/// The `portband check …` command line a CI recipe runs (its last line that has one), its
/// `deploy/` the sample manifests.
fn recipe_command(file: &str) -> Vec<String> {
    let path = format!("{}/../../{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let line = text
        .lines()
        .rev()
        .find(|l| l.contains("portband check"))
        .unwrap_or_else(|| panic!("{file} runs portband check"));
    let command = &line[line.find("portband check").unwrap()..];
    let command = command.split(" >").next().unwrap();
    let sample = format!("{}/../../docs/ci/sample/", env!("CARGO_MANIFEST_DIR"));
    command
        .split_whitespace()
        .skip(1)
        .map(|word| word.replace("deploy/", &sample))
        .collect()
}

#[test]
fn the_ci_recipes_run_as_written() {
    let sample = format!("{}/../../docs/ci/sample", env!("CARGO_MANIFEST_DIR"));
    // pre-commit passes the files a commit touches.
    let mut hook = recipe_command(".pre-commit-hooks.yaml");
    hook.extend([format!("{sample}/api.yaml"), format!("{sample}/web.yaml")]);
    let args: Vec<&str> = hook.iter().map(String::as_str).collect();
    let output = portband(&args, None);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).starts_with(&format!(
            "{sample}/web.yaml:9:44: error: shop/web: nodePort 30080 is also requested by shop/api"
        )),
        "{}",
        stdout(&output)
    );
    assert_eq!(String::from_utf8_lossy(&output.stderr), "", "--quiet");
    // GitHub Actions: annotations.
    let github = recipe_command("docs/ci/github-actions.yml");
    let args: Vec<&str> = github.iter().map(String::as_str).collect();
    let output = portband(&args, None);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).starts_with(&format!(
        "::error file={sample}/web.yaml,line=9,col=44,title=portband check::shop/web: "
    )));
    // GitLab CI: a JUnit report.
    let gitlab = recipe_command("docs/ci/gitlab-ci.yml");
    let args: Vec<&str> = gitlab.iter().map(String::as_str).collect();
    let output = portband(&args, None);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output)
        .contains("<testsuites name=\"portband\" time=\"0\" tests=\"2\" failures=\"1\""));
}

/// A small `kubectl get svc -A -o yaml`: the `kubernetes` Service, a NodePort applied with kubectl
/// (its last-applied annotation), and a LoadBalancer with a health-check port.
const CLUSTER_DUMP: &str = r#"apiVersion: v1
items:
- apiVersion: v1
  kind: Service
  metadata:
    labels: {component: apiserver, provider: kubernetes}
    name: kubernetes
    namespace: default
    resourceVersion: "205"
    uid: 5f0c7c1e-1b7c-4a6e-9d5e-6f1f3c2b9a10
  spec:
    clusterIP: 10.96.0.1
    clusterIPs: [10.96.0.1]
    ipFamilies: [IPv4]
    ipFamilyPolicy: SingleStack
    ports:
    - {name: https, port: 443, protocol: TCP, targetPort: 6443}
    sessionAffinity: None
    type: ClusterIP
- apiVersion: v1
  kind: Service
  metadata:
    annotations:
      kubectl.kubernetes.io/last-applied-configuration: |
        {"apiVersion":"v1","kind":"Service","metadata":{"annotations":{},"name":"web","namespace":"shop"},"spec":{"ports":[{"name":"http","port":80,"targetPort":8080}],"selector":{"app":"web"},"type":"NodePort"}}
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
    - {name: http, nodePort: 30080, port: 80, protocol: TCP, targetPort: http}
    selector: {app: ingress}
    sessionAffinity: None
    type: LoadBalancer
  status:
    loadBalancer: {}
kind: List
metadata:
  resourceVersion: ""
"#;

/// Writes `text` to a file of its own for one test; returns its path.
fn temp_file(test: &str, name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("portband-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn check_against_a_cluster_names_who_holds_a_port() {
    let state = temp_file("cluster-holder", "cluster.yaml", CLUSTER_DUMP);
    let manifests = "apiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: shop}\nspec:\n  type: NodePort\n  ports:\n  - {name: a, port: 80, nodePort: 31380}\n  - {name: b, port: 81, nodePort: 30999}\n";
    let output = portband(&["check", "--cluster", &state, "-"], Some(manifests));
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    // The first port taken ends the request, as the apiserver's allocation does; the holder and
    // the line of the dump that gives it the port follow.
    assert_eq!(
        stdout(&output),
        format!(
            "<stdin>:7:35: error: shop/api: Service \"api\" is invalid: spec.ports[0].nodePort: Invalid value: 31380: \
             provided port is already allocated; shop/web holds 31380 (spec.ports[0].nodePort)\n\
             {state}:38:30: note: held here\n"
        )
    );
    let health = manifests.replace("31380", "30001");
    let output = portband(&["check", "--cluster", &state, "-"], Some(&health));
    assert!(stdout(&output).contains(
        "provided port is already allocated; edge/ingress holds 30999 (spec.healthCheckNodePort)\n"
    ));
    assert!(stdout(&output).contains(&format!("{state}:54:26: note: held here")));
    // JSON: the related place is in the state's file.
    let json: Value = serde_json::from_str(&stdout(&portband(
        &["check", "--cluster", &state, "--format", "json", "-"],
        Some(manifests),
    )))
    .unwrap();
    assert_eq!(
        json["diagnostics"][0]["related"],
        json!({"file": state, "line": 38, "column": 30})
    );
    // Without the state, the same manifest is fine but for the dynamic band.
    let alone = portband(&["check", "-"], Some(manifests));
    assert_eq!(alone.status.code(), Some(0));
}

#[test]
fn check_against_a_cluster_takes_a_known_service_as_the_update_it_would_be() {
    let state = temp_file("cluster-update", "cluster.yaml", CLUSTER_DUMP);
    // kubectl apply of web with a second port: http keeps 31380 (its own, in the dynamic band:
    // no warning), the new port gets one; nothing to report.
    let web = "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\nspec:\n  type: NodePort\n  selector: {app: web}\n  ports:\n  - {name: http, port: 80, targetPort: 8080, nodePort: 31380}\n  - {name: admin, port: 9000}\n";
    let output = portband(&["check", "--cluster", &state, "-"], Some(web));
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    assert_eq!(stdout(&output), "");
    assert_eq!(stderr(&output), "0 errors, 0 warnings\n");
    // What may not change once set is refused with the apiserver's message.
    let moved = web.replace("  selector:", "  clusterIP: 10.96.1.1\n  selector:");
    let output = portband(&["check", "--cluster", &state, "-"], Some(&moved));
    assert!(
        stdout(&output).contains(
            "error: shop/web: Service \"web\" is invalid: spec.clusterIPs[0]: Invalid value: [\"10.96.1.1\"]: may not change once set"
        ),
        "{}",
        stdout(&output)
    );
    // A replace needs the Service in the cluster; a create needs it not to be.
    let scenario = |mode: &str, name: &str| {
        format!("apiVersion: portband/v1\nkind: Scenario\nsteps:\n- {mode}: {{apiVersion: v1, kind: Service, metadata: {{name: {name}, namespace: shop}}, spec: {{ports: [{{port: 80}}]}}}}\n")
    };
    let replace = portband(
        &["check", "--cluster", &state, "-"],
        Some(&scenario("replace", "cart")),
    );
    assert!(stdout(&replace).contains("error: shop/cart: services \"cart\" not found"));
    let create = portband(
        &["check", "--cluster", &state, "-"],
        Some(&scenario("create", "web")),
    );
    assert!(stdout(&create).contains("error: shop/web: services \"web\" already exists"));
    // Without a state, a replace is checked as the create it would be.
    let alone = portband(&["check", "-"], Some(&scenario("replace", "cart")));
    assert_eq!(alone.status.code(), Some(0));
}

#[test]
fn check_against_a_cluster_counts_the_dynamic_bands_free_ports() {
    let state = temp_file("cluster-free", "cluster.yaml", CLUSTER_DUMP);
    let manifest = "apiVersion: v1\nkind: Service\nmetadata: {name: api, namespace: shop}\nspec:\n  type: NodePort\n  ports:\n  - {port: 80, nodePort: 32000}\n";
    let output = portband(&["check", "--cluster", &state, "-"], Some(manifest));
    assert_eq!(output.status.code(), Some(0));
    // Of the dynamic band's 2,682 ports the dump holds two, 31380 and 30999 (30080 is static).
    assert!(
        stdout(&output).contains(
            "nodePort 32000 is in the dynamic band 30086–32767 (2682) with 2680 free, where any Service"
        ),
        "{}",
        stdout(&output)
    );
}

#[test]
fn check_against_a_cluster_says_what_it_leaves_out_and_refuses_what_it_cannot_read() {
    // A dump from a cluster of another range: its Service is left out, with a note.
    let state = temp_file("cluster-notes", "cluster.yaml", CLUSTER_DUMP);
    let output = portband(
        &["check", "--cluster", &state, "--range", "30000-31000", "-"],
        Some("apiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec: {type: NodePort, ports: [{port: 80, nodePort: 31380}]}\n"),
    );
    assert!(
        stderr(&output).contains(&format!("{state}:38:30: note: shop/web is left out of the cluster: Service \"web\" is invalid: spec.ports[0].nodePort: Invalid value: 31380: provided port is not in the valid range")),
        "{}",
        stderr(&output)
    );
    // --quiet prints the findings alone.
    let quiet = portband(
        &[
            "check",
            "--quiet",
            "--cluster",
            &state,
            "--range",
            "30000-31000",
            "-",
        ],
        Some("apiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec: {ports: [{port: 80}]}\n"),
    );
    assert_eq!(stderr(&quiet), "");
    // Unusable states are exit 2 with the reason.
    let broken = temp_file("cluster-notes", "broken.yaml", "items: [\n");
    let output = portband(&["check", "--cluster", &broken, "-"], Some(""));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).starts_with(&format!("{broken}:")),
        "{}",
        stderr(&output)
    );
    let output = portband(
        &["check", "--cluster", "/nonexistent/cluster.yaml", "-"],
        Some(""),
    );
    assert_eq!(output.status.code(), Some(2));
    let output = portband(&["check", "--cluster", "-", "-"], Some(""));
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "portband: --cluster - and FILE - cannot both read standard input\n"
    );
}

/// `helm template … | portband check -` and `kustomize build … | portband check -`: their output
/// as those tools print it (Helm's `# Source:` comments and empty documents for templates that
/// render nothing, Kustomize's sorted keys and `---` between documents) is read as it is.
#[test]
fn check_reads_helm_and_kustomize_output_as_they_print_it() {
    let helm = r#"---
# Source: shop/templates/serviceaccount.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: release-shop
  labels:
    helm.sh/chart: shop-0.1.0
---
# Source: shop/templates/hpa.yaml
---
# Source: shop/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: release-shop
  labels:
    helm.sh/chart: shop-0.1.0
    app.kubernetes.io/name: shop
    app.kubernetes.io/instance: release
    app.kubernetes.io/version: "1.16.0"
    app.kubernetes.io/managed-by: Helm
spec:
  type: NodePort
  ports:
    - port: 80
      targetPort: http
      protocol: TCP
      name: http
      nodePort: 31080
  selector:
    app.kubernetes.io/name: shop
    app.kubernetes.io/instance: release
---
# Source: shop/templates/tests/test-connection.yaml
apiVersion: v1
kind: Pod
metadata:
  name: "release-shop-test-connection"
  annotations:
    "helm.sh/hook": test
spec:
  containers:
    - name: wget
      image: busybox
      command: ['wget']
      args: ['release-shop:80']
  restartPolicy: Never
"#;
    let output = portband(&["check", "-"], Some(helm));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).starts_with(
            "<stdin>:30:17: warning: default/release-shop: nodePort 31080 is in the dynamic band"
        ),
        "{}",
        stdout(&output)
    );
    let kustomize = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: prod-shop-config-5g2h8k7c9f\n  namespace: shop\n---\n\
                     apiVersion: v1\nkind: Service\nmetadata:\n  labels:\n    app: shop\n  name: prod-shop\n  namespace: shop\n\
                     spec:\n  ports:\n  - name: http\n    nodePort: 30010\n    port: 80\n    targetPort: 8080\n  selector:\n    app: shop\n  type: NodePort\n---\n\
                     apiVersion: v1\nkind: Service\nmetadata:\n  name: prod-admin\n  namespace: shop\n\
                     spec:\n  ports:\n  - name: http\n    nodePort: 30010\n    port: 8080\n  type: NodePort\n";
    let output = portband(&["check", "-"], Some(kustomize));
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        "<stdin>:32:15: error: shop/prod-admin: nodePort 30010 is also requested by shop/prod-shop; whichever is \
         applied second is refused: provided port is already allocated\n<stdin>:17:15: note: first requested here\n"
    );
}

#[test]
fn simulate_meets_its_json_contract() {
    let output = portband(&["simulate", "--trials", "400", "--format", "json"], None);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["range"], "30000-32767");
    assert_eq!(
        report["bands"],
        json!({"static": {"first": 30000, "last": 30085, "size": 86}, "dynamic": {"first": 30086, "last": 32767, "size": 2682}})
    );
    assert_eq!(report["trials"], 400);
    assert_eq!(report["seed"], 0);
    assert_eq!(report["order"], "dynamic-first");
    assert_eq!(report["staticPorts"], json!([30000]));
    // The default sweep: every K from 0 to the range's size.
    let points = report["points"].as_array().unwrap();
    assert_eq!(points.len(), 2769);
    for (k, point) in points.iter().enumerate() {
        assert_eq!(point["dynamic"], k);
        for mode in ["split", "legacy"] {
            let m = &point[mode];
            let (conflicts, trials) = (
                m["conflicts"].as_u64().unwrap(),
                m["trials"].as_u64().unwrap(),
            );
            assert_eq!(trials, 400);
            assert!((m["p"].as_f64().unwrap() - conflicts as f64 / 400.0).abs() < 1e-15);
            let (low, high) = (
                m["ci95"][0].as_f64().unwrap(),
                m["ci95"][1].as_f64().unwrap(),
            );
            assert!(low <= m["p"].as_f64().unwrap() && m["p"].as_f64().unwrap() <= high);
        }
        // One static port, dynamic requests first: the exact values.
        // (Read back by serde_json without its exact float parsing: equal to within rounding.)
        let close = |a: &Value, b: f64| (a.as_f64().unwrap() - b).abs() < 1e-15;
        assert!(close(&point["legacy"]["analytic"], k as f64 / 2768.0));
        assert!(close(
            &point["split"]["analytic"],
            k.saturating_sub(2682) as f64 / 86.0
        ));
        // With the split, no trial conflicts while the dynamic band has room.
        if k <= 2682 {
            assert_eq!(point["split"]["conflicts"], 0, "K = {k}");
        }
    }
    assert_eq!(points[2768]["legacy"]["conflicts"], 400);
}

#[test]
fn simulate_is_the_same_for_the_same_seed_and_has_csv_and_a_table() {
    let args = |seed: &str, format: &str| {
        stdout(&portband(
            &[
                "simulate",
                "--range",
                "30000-30999",
                "--dynamic",
                "0..1000:250",
                "--static-port",
                "30000",
                "--static-port",
                "30500",
                "--order",
                "random",
                "--trials",
                "300",
                "--seed",
                seed,
                "--format",
                format,
            ],
            None,
        ))
    };
    assert_eq!(args("7", "json"), args("7", "json"));
    assert_ne!(args("7", "json"), args("8", "json"));
    let csv = args("7", "csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "dynamic,mode,conflicts,trials,p,ci95_low,ci95_high,analytic"
    );
    // Five points (0, 250, …, 1000), both modes; no exact value for two ports in a random order.
    assert_eq!(lines.len(), 1 + 5 * 2);
    assert!(
        lines[1].starts_with("0,split,0,300,0.0,0.0,"),
        "{}",
        lines[1]
    );
    assert!(lines.iter().skip(1).all(|l| l.ends_with(',')));
    // In a random order, a static request may come before the range fills.
    assert!(lines[10].starts_with("1000,legacy,"), "{}", lines[10]);
    let json: Value = serde_json::from_str(&args("7", "json")).unwrap();
    assert_eq!(json["points"][1]["split"]["analytic"], Value::Null);
    // One mode asked for: the other is absent.
    let split_only: Value = serde_json::from_str(&stdout(&portband(
        &[
            "simulate",
            "--dynamic",
            "100",
            "--trials",
            "10",
            "--mode",
            "split",
            "--format",
            "json",
        ],
        None,
    )))
    .unwrap();
    assert!(split_only["points"][0].get("legacy").is_none());
    assert_eq!(split_only["points"][0]["split"]["analytic"], 0.0);
    let table = stdout(&portband(
        &["simulate", "--dynamic", "2768", "--trials", "10"],
        None,
    ));
    assert_eq!(
        table,
        "range 30000-32767: static 30000–30085 (86), dynamic 30086–32767 (2682)\n\
         static port 30000; 10 trials per point, seed 0, dynamic requests first\n\n\
         DYNAMIC  SPLIT P  95% CI           EXACT   LEGACY P 95% CI           EXACT\n   \
         2768  1.0000   [0.7225, 1.0000] 1.0000  1.0000   [0.7225, 1.0000] 1.0000\n"
    );
}

#[test]
fn simulate_refuses_bad_parameters() {
    for (args, message) in [
        (
            vec!["--static-port", "29999"],
            "portband: static port 29999 is outside the range 30000-32767\n",
        ),
        (
            vec!["--dynamic", "2769"],
            "portband: 2769 dynamic requests are more than the range's 2768 ports\n",
        ),
        (
            vec!["--dynamic", "0..3000:10"],
            "portband: 3000 dynamic requests are more than the range's 2768 ports\n",
        ),
        (
            vec!["--trials", "0"],
            "portband: the number of trials must be at least 1\n",
        ),
        (
            vec!["--static-port", "30001", "--static-port", "30001"],
            "portband: static port 30001 is given twice\n",
        ),
    ] {
        let mut all = vec!["simulate"];
        all.extend(args);
        let output = portband(&all, None);
        assert_eq!(output.status.code(), Some(2));
        assert_eq!(stderr(&output), message);
        assert_eq!(stdout(&output), "");
    }
    for bad in ["5..3", "1..3:0", "x", "1..y"] {
        let output = portband(&["simulate", "--dynamic", bad], None);
        assert_eq!(output.status.code(), Some(2), "{bad}");
        assert!(stderr(&output).contains("--dynamic"), "{bad}");
    }
}
