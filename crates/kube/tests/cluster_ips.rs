//! Services and their cluster IPs (KEP-3070): the IP family defaults of
//! `pkg/registry/core/service/storage/alloc.go` (`initIPFamilyFields`), checked against rows of
//! upstream's `TestCreateInitIPFields` (`storage_test.go`), and allocation, release and the
//! apiserver's messages (`allocIPs`, `updateClusterIPs`, `releaseAllocatedResources`).

mod common;
use common::{error, last, run_on, run_with};
use portband_allocator::ip::Ip;
use portband_allocator::{BandKind, ServiceCidrs};
use portband_kube::{ClusterConfig, History, IpProvenance, KubeVersion, Mode, Verdict};

/// A Service `name` with the spec lines given, and port 80 unless they write ports.
fn service(name: &str, spec: &str) -> String {
    let ports = if spec.contains("ports:") {
        ""
    } else {
        "  ports: [{port: 80}]\n"
    };
    format!("apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\nspec:\n{ports}{spec}")
}

/// A history on a cluster of `flag` (`--service-cluster-ip-range`) at the newest release, every
/// object sent as `mode` says.
fn run_in(flag: &str, mode: Mode, inputs: &[&str]) -> History {
    let version = KubeVersion::NEWEST;
    let config = ClusterConfig {
        version,
        seed: 1,
        service_cidrs: ServiceCidrs::parse(flag, version.ip_allocator()).unwrap(),
        ..ClusterConfig::default()
    };
    run_with(config, mode, inputs)
}

/// Upstream's test clusters (`newStorage`): 10.0.0.0/16 and 2000::/108.
const V4: &str = "10.0.0.0/16";
const V6: &str = "2000::/108";

/// The spec lines of one row as `svctest.MakeService` makes it (a selector, port 80): the
/// cluster IPs (`v4`, `v6`, `v4v6`, `v6v4`, `headless`, `selectorless` for headless without a
/// selector, or empty), the policy and the families. Upstream's rows write 10.0.0.1 and 2000::1;
/// here 10.0.0.1 is the `kubernetes` Service's, which upstream's test storage does not create,
/// so the rows write 10.0.0.10 and 2000::10.
fn row_spec(ips: &str, policy: &str, families: &str) -> String {
    let mut spec = String::new();
    if ips != "selectorless" {
        spec.push_str("  selector: {app: foo}\n");
    }
    let written = match ips {
        "" => vec![],
        "headless" | "selectorless" => vec!["None"],
        "v4" => vec!["10.0.0.10"],
        "v6" => vec!["\"2000::10\""],
        "v4v6" => vec!["10.0.0.10", "\"2000::10\""],
        "v6v4" => vec!["\"2000::10\"", "10.0.0.10"],
        other => panic!("no such row: {other}"),
    };
    if let Some(first) = written.first() {
        spec.push_str(&format!(
            "  clusterIP: {first}\n  clusterIPs: [{}]\n",
            written.join(", ")
        ));
    }
    if !policy.is_empty() {
        spec.push_str(&format!("  ipFamilyPolicy: {policy}\n"));
    }
    let families = match families {
        "" => "",
        "v4" => "IPv4",
        "v6" => "IPv6",
        "v4v6" => "IPv4, IPv6",
        "v6v4" => "IPv6, IPv4",
        other => panic!("no such families: {other}"),
    };
    if !families.is_empty() {
        spec.push_str(&format!("  ipFamilies: [{families}]\n"));
    }
    spec
}

/// One row of `TestCreateInitIPFields`: the cluster IPs, policy and families written, and
/// `None` for an error, else the policy and families stored.
type Row<'a> = (&'a str, &'a str, &'a str, Option<(&'a str, &'a str)>);

/// Checks rows on a cluster of `flag`.
fn check_rows(flag: &str, rows: &[Row]) {
    for &(ips, policy, families, expected) in rows {
        let text = service("foo", &row_spec(ips, policy, families));
        let history = run_in(flag, Mode::Create, &[&text]);
        let outcome = last(&history);
        let row = format!("{flag}: ClusterIPs:{ips} Policy:{policy} Families:{families}");
        let Some((policy, families)) = expected else {
            assert_eq!(outcome.verdict, Verdict::Rejected, "{row}");
            continue;
        };
        assert_eq!(
            outcome.verdict,
            Verdict::Created,
            "{row}: {}",
            error(outcome)
        );
        let stored = &history
            .cluster()
            .service(&"default/foo".parse().unwrap())
            .unwrap()
            .service;
        let families = match families {
            "v4" => vec!["IPv4"],
            "v6" => vec!["IPv6"],
            "v4v6" => vec!["IPv4", "IPv6"],
            _ => vec!["IPv6", "IPv4"],
        };
        assert_eq!(
            stored.spec.ip_family_policy.as_deref(),
            Some(policy),
            "{row}"
        );
        assert_eq!(stored.spec.ip_families, families, "{row}");
        let headless = ips == "headless" || ips == "selectorless";
        assert_eq!(stored.is_headless(), headless, "{row}");
        if !headless {
            assert_eq!(stored.spec.cluster_ips.len(), families.len(), "{row}");
        }
    }
}

const S: &str = "SingleStack";
const P: &str = "PreferDualStack";
const R: &str = "RequireDualStack";

/// `TestCreateInitIPFields`, singlestack:v4: every row of the table.
#[test]
fn ip_family_defaults_on_a_single_stack_cluster() {
    let mut rows = Vec::new();
    for ips in ["", "v4", "headless"] {
        for (policy, stored) in [("", S), (S, S), (P, P)] {
            rows.push((ips, policy, "", Some((stored, "v4"))));
            rows.push((ips, policy, "v4", Some((stored, "v4"))));
            for families in ["v6", "v4v6", "v6v4"] {
                rows.push((ips, policy, families, None));
            }
        }
        for families in ["", "v4", "v6", "v4v6", "v6v4"] {
            rows.push((ips, R, families, None));
        }
    }
    for ips in ["v4v6", "v6v4"] {
        for policy in ["", S, P, R] {
            for families in ["", "v4", "v6", "v4v6", "v6v4"] {
                rows.push((ips, policy, families, None));
            }
        }
    }
    // Headless without a selector: dual-stack families even on a single-stack cluster.
    for (policy, stored) in [("", R), (P, P), (R, R)] {
        rows.push(("selectorless", policy, "", Some((stored, "v4v6"))));
        rows.push(("selectorless", policy, "v4", Some((stored, "v4v6"))));
        rows.push(("selectorless", policy, "v6", Some((stored, "v6v4"))));
        rows.push(("selectorless", policy, "v4v6", Some((stored, "v4v6"))));
        rows.push(("selectorless", policy, "v6v4", Some((stored, "v6v4"))));
    }
    rows.push(("selectorless", S, "", Some((S, "v4"))));
    rows.push(("selectorless", S, "v4", Some((S, "v4"))));
    rows.push(("selectorless", S, "v6", Some((S, "v6"))));
    rows.push(("selectorless", S, "v4v6", None));
    rows.push(("selectorless", S, "v6v4", None));
    check_rows(V4, &rows);
}

/// `TestCreateInitIPFields`, dualstack:v4v6: the rows with written addresses of both families,
/// with an IPv6 address and RequireDualStack, and the first headless ones.
#[test]
fn ip_family_defaults_on_a_dual_stack_cluster() {
    let flag = format!("{V4},{V6}");
    let mut rows = vec![
        ("v6", R, "v4", None),
        ("v6", R, "v6", Some((R, "v6v4"))),
        ("v6", R, "v4v6", None),
        ("v6", R, "v6v4", Some((R, "v6v4"))),
        ("headless", "", "", Some((S, "v4"))),
        ("headless", "", "v4", Some((S, "v4"))),
        ("headless", "", "v6", Some((S, "v6"))),
    ];
    for (ips, other) in [("v4v6", "v6v4"), ("v6v4", "v4v6")] {
        let first = &ips[..2];
        let second = &ips[2..];
        for families in ["", "v4", "v6", "v4v6", "v6v4"] {
            rows.push((ips, "", families, None));
            rows.push((ips, S, families, None));
        }
        for policy in [P, R] {
            rows.push((ips, policy, "", Some((policy, ips))));
            rows.push((ips, policy, first, Some((policy, ips))));
            rows.push((ips, policy, second, None));
            rows.push((ips, policy, ips, Some((policy, ips))));
            rows.push((ips, policy, other, None));
        }
    }
    check_rows(&flag, &rows);
}

/// The `kubernetes` Service holds the primary range's second address from the start, in the
/// static band, and a Service that asks for it is refused as upstream refuses a taken address.
#[test]
fn the_kubernetes_service_holds_the_ranges_second_address() {
    let dns = service("kube-dns", "  clusterIP: 10.96.0.10\n");
    let squatter = service("squatter", "  clusterIP: 10.96.0.1\n");
    let history = run_on("1.35", None, &[&dns, &squatter]);
    let cluster = history.cluster();
    let kubernetes = cluster
        .service(&"default/kubernetes".parse().unwrap())
        .unwrap();
    assert_eq!(kubernetes.service.spec.cluster_ips, ["10.96.0.1"]);
    assert_eq!(kubernetes.cluster_ips[0].band, Some(BandKind::Static));
    assert_eq!(history.outcomes()[0].verdict, Verdict::Created);
    assert_eq!(
        history.outcomes()[0].cluster_ips[0].provenance,
        IpProvenance::Explicit
    );
    assert_eq!(
        error(last(&history)),
        "Service \"squatter\" is invalid: spec.clusterIPs: Invalid value: [\"10.96.0.1\"]: failed to allocate IP 10.96.0.1: provided IP is already allocated"
    );
    assert_eq!(
        cluster
            .holder_of_ip(Ip::parse("10.96.0.1").unwrap())
            .as_deref(),
        Some("default/kubernetes")
    );
}

/// Up to 1.33 the value prints in Go syntax; an address out of range names the range.
#[test]
fn a_written_address_outside_the_range_is_refused_with_the_range() {
    let outside = service("outside", "  clusterIP: 192.168.0.10\n");
    let at_1_33 = run_on("1.33", None, &[&outside]);
    assert_eq!(
        error(last(&at_1_33)),
        "Service \"outside\" is invalid: spec.clusterIPs: Invalid value: []string{\"192.168.0.10\"}: failed to allocate IP 192.168.0.10: the provided IP (192.168.0.10) is not in the valid range. The range of valid IPs is 10.96.0.0/12"
    );
    let v6 = service("v6", "  clusterIP: \"fd00::1\"\n");
    assert_eq!(
        error(last(&run_on("1.35", None, &[&v6]))),
        "Service \"v6\" is invalid: spec.clusterIPs[0]: Invalid value: [\"fd00::1\"]: IPv6 is not configured on this cluster"
    );
}

/// Dynamic addresses come from the upper band; when the range is full the apiserver answers
/// with an internal error, and the refused Service keeps nothing.
#[test]
fn dynamic_addresses_fill_the_upper_band_then_the_range_is_full() {
    // 10.96.0.0/28: 14 usable addresses, the static band none (16 addresses or fewer).
    let services: Vec<String> = (0..14)
        .map(|i| service(&format!("s{i}"), "  type: NodePort\n"))
        .collect();
    let texts: Vec<&str> = services.iter().map(String::as_str).collect();
    let history = run_on("1.35", Some("10.96.0.0/28"), &texts);
    let outcomes = history.outcomes();
    assert!(outcomes[..13].iter().all(|o| o.verdict == Verdict::Created));
    assert_eq!(
        error(&outcomes[13]),
        "Internal error occurred: failed to allocate a serviceIP: range is full"
    );
    assert!(outcomes[13].allocations.is_empty(), "no nodePort was taken");
    assert_eq!(history.cluster().allocator().used(), 13);

    // 10.96.0.0/12: the static band is 10.96.0.1 to 10.96.1.0; dynamic picks stay above it.
    let many: Vec<String> = (0..50).map(|i| service(&format!("d{i}"), "")).collect();
    let texts: Vec<&str> = many.iter().map(String::as_str).collect();
    let history = run_on("1.35", None, &texts);
    for outcome in history.outcomes() {
        let held = outcome.cluster_ips[0];
        assert_eq!(held.band, Some(BandKind::Dynamic));
        assert!(matches!(held.provenance, IpProvenance::Allocated(_)));
    }
}

/// A Service refused after its address was allocated gives the address back (the transaction
/// of `allocateCreate`), as a delete and a change to ExternalName do; back from ExternalName it
/// gets a new one.
#[test]
fn addresses_are_given_back_on_refusal_delete_and_external_name() {
    let taken_port = service(
        "first",
        "  type: NodePort\n  ports: [{port: 80, nodePort: 30080}]\n",
    );
    let second = service(
        "second",
        "  type: NodePort\n  clusterIP: 10.96.5.5\n  ports: [{port: 80, nodePort: 30080}]\n",
    );
    let history = run_on("1.35", None, &[&taken_port, &second]);
    assert_eq!(last(&history).verdict, Verdict::Rejected);
    let ip = |text: &str| Ip::parse(text).unwrap();
    let ips = history.cluster().cluster_ips();
    assert!(!ips.allocators()[0].has(ip("10.96.5.5")), "given back");
    assert_eq!(ips.allocators()[0].used(), 2, "kubernetes and first");

    let web = service("web", "  clusterIP: 10.96.7.7\n");
    let external = service(
        "web",
        "  type: ExternalName\n  externalName: web.example.com\n",
    );
    let history = run_on("1.35", None, &[&web, &external, &web]);
    assert_eq!(
        history.outcomes()[1].verdict,
        Verdict::Updated,
        "{}",
        error(&history.outcomes()[1])
    );
    assert_eq!(history.outcomes()[1].released_ips, [ip("10.96.7.7")]);
    assert!(history.outcomes()[1].cluster_ips.is_empty());
    assert_eq!(
        history.outcomes()[2].verdict,
        Verdict::Updated,
        "{}",
        error(&history.outcomes()[2])
    );
    assert_eq!(history.outcomes()[2].cluster_ips[0].ip, ip("10.96.7.7"));
}

/// One family to two allocates the second address; two to one (with SingleStack) releases it;
/// a delete releases both.
#[test]
fn dual_stack_upgrade_downgrade_and_delete() {
    let flag = "10.96.0.0/12,fd00:10:96::/108";
    let single = service("web", "  selector: {app: web}\n");
    let prefer = service(
        "web",
        "  selector: {app: web}\n  ipFamilyPolicy: PreferDualStack\n",
    );
    let downgrade = service(
        "web",
        "  selector: {app: web}\n  ipFamilyPolicy: SingleStack\n",
    );
    let delete = "apiVersion: portband/v1\nkind: Scenario\nsteps:\n- delete: default/web\n";
    let history = run_in(
        flag,
        Mode::Apply,
        &[&single, &prefer, &downgrade, &prefer, delete],
    );
    let outcomes = history.outcomes();
    assert_eq!(outcomes[0].cluster_ips.len(), 1);
    assert_eq!(
        outcomes[1].verdict,
        Verdict::Updated,
        "{}",
        error(&outcomes[1])
    );
    let upgraded = &outcomes[1].cluster_ips;
    assert_eq!(upgraded.len(), 2);
    assert_eq!(upgraded[0].provenance, IpProvenance::Kept);
    assert!(upgraded[1].ip.is_v6());
    assert!(matches!(upgraded[1].provenance, IpProvenance::Allocated(_)));
    assert_eq!(
        outcomes[2].verdict,
        Verdict::Updated,
        "{}",
        error(&outcomes[2])
    );
    assert_eq!(outcomes[2].released_ips, [upgraded[1].ip]);
    assert_eq!(outcomes[3].cluster_ips.len(), 2);
    assert_eq!(outcomes[4].verdict, Verdict::Deleted);
    assert_eq!(outcomes[4].released_ips.len(), 2);
    let allocators = history.cluster().cluster_ips().allocators();
    assert_eq!(
        (allocators[0].used(), allocators[1].used()),
        (1, 0),
        "kubernetes only"
    );
}

/// The two kube-dns lessons say what happens: with the static band, three hundred dynamic
/// addresses all land in the dynamic band and kube-dns gets 10.96.0.10; without one (a /28),
/// apps/app-3 takes it first and kube-dns is refused.
#[test]
fn the_kube_dns_lessons_read_right() {
    let lesson = |name: &str| {
        let path = format!("{}/../../scenarios/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap();
        portband_kube::Session::from_scenario(&text).unwrap()
    };
    let with = lesson("kube-dns-address");
    let outcomes = with.history().outcomes();
    assert_eq!(outcomes.len(), 301);
    assert!(outcomes[..300]
        .iter()
        .all(|o| o.cluster_ips[0].band == Some(BandKind::Dynamic)));
    let dns = &outcomes[300];
    assert_eq!(
        (dns.verdict, dns.cluster_ips[0].ip),
        (Verdict::Created, Ip::parse("10.96.0.10").unwrap())
    );
    let static_band = &with.history().cluster().cluster_ips().allocators()[0];
    assert_eq!(
        static_band.band_usage().static_used,
        2,
        "kubernetes and kube-dns"
    );

    let without = lesson("kube-dns-without-a-static-band");
    let outcomes = without.history().outcomes();
    assert_eq!(outcomes[2].service, "apps/app-3");
    assert_eq!(
        outcomes[2].cluster_ips[0].ip,
        Ip::parse("10.96.0.10").unwrap()
    );
    assert_eq!(
        error(&outcomes[8]),
        "Service \"kube-dns\" is invalid: spec.clusterIPs: Invalid value: [\"10.96.0.10\"]: failed to allocate IP 10.96.0.10: provided IP is already allocated"
    );
}

/// `portband check` and cluster IPs: a refused address has a rule of its own, a taken one names
/// its holder (and where the state writes it), and an address written in the dynamic band is a
/// warning, as an explicit nodePort there is.
#[test]
fn check_reviews_written_cluster_ips() {
    use portband_kube::{check, read, Rule, State};
    let review = |text: &str, state: &State| -> Vec<(Rule, String, bool)> {
        let input = read(text).unwrap();
        check(std::slice::from_ref(&input), state)
            .into_iter()
            .map(|d| (d.rule, d.message, d.related.is_some()))
            .collect()
    };
    let empty = State::empty(ClusterConfig::default());
    assert_eq!(
        review(&service("squatter", "  clusterIP: 10.96.0.1\n"), &empty),
        [(
            Rule::ClusterIpTaken,
            "Service \"squatter\" is invalid: spec.clusterIPs: Invalid value: [\"10.96.0.1\"]: failed to allocate IP 10.96.0.1: provided IP is already allocated; default/kubernetes holds 10.96.0.1".to_owned(),
            false
        )]
    );
    assert_eq!(
        review(&service("far", "  clusterIP: 192.168.0.1\n"), &empty)[0].0,
        Rule::ClusterIpOutOfRange
    );
    assert_eq!(
        review(&service("pinned", "  clusterIP: 10.100.0.5\n"), &empty),
        [(
            Rule::ClusterIpDynamicBand,
            "clusterIP 10.100.0.5 is in the dynamic band 10.96.1.1–10.111.255.254, where any Service created without a clusterIP may take it first; pick a free address in the static band 10.96.0.1–10.96.1.0".to_owned(),
            false
        )]
    );
    // Against a state that holds kube-dns's address: the holder, and where the state writes it.
    let dns = service("kube-dns", "  clusterIP: 10.96.0.10\n");
    let state = State::of(&read(&dns).unwrap(), ClusterConfig::default());
    let found = review(&service("other", "  clusterIP: 10.96.0.10\n"), &state);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, Rule::ClusterIpTaken);
    assert!(
        found[0].1.ends_with("; default/kube-dns holds 10.96.0.10"),
        "{}",
        found[0].1
    );
    assert!(found[0].2, "points at the state's kube-dns");
    // The state's own Service, applied again, keeps its address: nothing to report.
    assert_eq!(review(&dns, &state), []);
    // A range full of addresses.
    let tiny = ClusterConfig {
        service_cidrs: ServiceCidrs::parse("10.96.0.0/29", KubeVersion::NEWEST.ip_allocator())
            .unwrap(),
        ..ClusterConfig::default()
    };
    let full: String = (0..5)
        .map(|i| service(&format!("s{i}"), ""))
        .collect::<Vec<_>>()
        .join("---\n");
    let state = State::of(&read(&full).unwrap(), tiny);
    assert_eq!(
        review(&service("one-more", ""), &state)[0],
        (
            Rule::ClusterIpRangeFull,
            "Internal error occurred: failed to allocate a serviceIP: range is full".to_owned(),
            false
        )
    );
}

/// Whatever is created, updated, retyped and deleted (in every mode kubectl sends, on a small
/// dual-stack cluster where addresses run out and collide), the allocators hold exactly the
/// addresses the stored Services hold: nothing leaks, nothing is freed twice.
#[test]
fn the_allocators_hold_exactly_the_stored_services_addresses() {
    use portband_allocator::Rng;
    use portband_kube::{read_sent, History, Step};
    let version = KubeVersion::NEWEST;
    let config = ClusterConfig {
        version,
        service_cidrs: ServiceCidrs::parse("10.96.0.0/28,fd00::/124", version.ip_allocator())
            .unwrap(),
        ..ClusterConfig::default()
    };
    for seed in 0..40 {
        let mut rng = Rng::new(seed);
        let mut pick = |options: &[&'static str]| options[rng.below(options.len() as u32) as usize];
        let mut history = History::new(config);
        for _ in 0..60 {
            let name = pick(&["a", "b", "c", "d", "e"]);
            if pick(&["keep", "keep", "keep", "delete"]) == "delete" {
                let scenario = format!(
                    "apiVersion: portband/v1\nkind: Scenario\nsteps:\n- delete: default/{name}\n"
                );
                for step in read_sent(&scenario, Mode::Apply).unwrap().steps {
                    history.push(step);
                }
                continue;
            }
            let kind = pick(&[
                "ClusterIP",
                "ClusterIP",
                "NodePort",
                "ExternalName",
                "headless",
            ]);
            let mut spec = match kind {
                "ExternalName" => {
                    "  type: ExternalName\n  externalName: db.example.com\n".to_owned()
                }
                "headless" => "  clusterIP: None\n".to_owned(),
                other => format!("  type: {other}\n"),
            };
            if kind == "ClusterIP" || kind == "NodePort" {
                spec += pick(&[
                    "",
                    "",
                    "  clusterIP: 10.96.0.5\n",
                    "  clusterIP: 10.96.0.9\n",
                    "  clusterIP: \"fd00::5\"\n  ipFamilies: [IPv6]\n",
                    "  clusterIP: 10.96.0.77\n",
                ]);
                spec += pick(&[
                    "",
                    "",
                    "  ipFamilyPolicy: PreferDualStack\n",
                    "  ipFamilyPolicy: RequireDualStack\n",
                    "  ipFamilyPolicy: SingleStack\n",
                ]);
            }
            let text = format!(
                "apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\nspec:\n  selector: {{app: {name}}}\n  ports: [{{port: 80}}]\n{spec}"
            );
            let mode = match pick(&["apply", "apply", "replace", "create"]) {
                "apply" => Mode::Apply,
                "replace" => Mode::Replace,
                _ => Mode::Create,
            };
            for step in read_sent(&text, mode).unwrap().steps {
                assert!(matches!(step, Step::Object { .. }));
                history.push(step);
            }
            let cluster = history.cluster();
            for allocator in cluster.cluster_ips().allocators() {
                let mut held: Vec<Ip> = cluster
                    .services()
                    .iter()
                    .flat_map(|s| s.cluster_ips.iter().map(|c| c.ip))
                    .filter(|ip| allocator.offset_of(*ip).is_some())
                    .collect();
                held.sort();
                held.dedup();
                let taken: Vec<Ip> = allocator.iter().collect();
                assert_eq!(
                    taken,
                    held,
                    "seed {seed}, after step {}: {}",
                    history.outcomes().len(),
                    error(history.outcomes().last().unwrap())
                );
            }
        }
    }
}
