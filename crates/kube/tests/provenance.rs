//! Why each nodePort is what it is ([`Provenance`]) and why a request was refused ([`Cause`]):
//! the values front ends format instead of re-deriving Kubernetes rules. The rules themselves
//! are upstream's `pkg/registry/core/service/storage/storage.go` (`initNodePorts`,
//! `patchAllocatedValues`, `updateNodePorts`, `allocHealthCheckNodePort`), whose cases
//! `TestCreateInitNodePorts` and `TestPatchAllocatedValues` in `storage_test.go` these follow.

mod common;
use common::{last, run};
use portband_allocator::BandKind;
use portband_kube::{report, Cause, Held, Provenance, Verdict};

fn service(name: &str, spec: &str) -> String {
    format!("apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\nspec: {spec}\n")
}

fn provenances(outcome: &portband_kube::Outcome) -> Vec<&'static str> {
    outcome
        .ports
        .iter()
        .map(|p| p.provenance.as_str())
        .collect()
}

#[test]
fn explicit_allocated_and_shared_on_create() {
    // TestCreateInitNodePorts "two ports, same port number, one nodePort": one allocation for both.
    let history = run(
        "",
        &[&service(
            "dns",
            "{type: NodePort, ports: [{name: a, port: 53, protocol: TCP}, {name: b, port: 53, protocol: UDP}, {name: c, port: 80, nodePort: 30080}]}",
        )],
    );
    let outcome = last(&history);
    assert_eq!(provenances(outcome), ["allocated", "shared", "explicit"]);
    assert_eq!(outcome.ports[1].provenance, Provenance::Shared { index: 0 });
    let Provenance::Allocated(pick) = outcome.ports[0].provenance else {
        unreachable!()
    };
    assert_eq!(i32::from(pick.port), outcome.ports[0].node_port);
    assert_eq!(outcome.ports[1].node_port, outcome.ports[0].node_port);
    assert_eq!(pick.band, BandKind::Dynamic);
    assert_eq!(outcome.allocations.len(), 2, "one for port 53, one for 80");
}

#[test]
fn an_explicit_port_written_on_a_later_entry_is_shared_by_an_earlier_one() {
    // initNodePorts looks for an explicit nodePort among all entries with the port number.
    let history = run(
        "",
        &[&service(
            "dns",
            "{type: NodePort, ports: [{name: a, port: 53, protocol: TCP}, {name: b, port: 53, protocol: UDP, nodePort: 30053}]}",
        )],
    );
    let outcome = last(&history);
    assert_eq!(outcome.ports[0].provenance, Provenance::Shared { index: 1 });
    assert_eq!(outcome.ports[1].provenance, Provenance::Explicit);
    assert_eq!(outcome.ports[0].node_port, 30053);
    let held = outcome.held();
    assert_eq!(
        held,
        [Held {
            node_port: 30053,
            band: Some(portband_allocator::BandKind::Static),
            ports: vec![0, 1],
            health_check: false,
            explicit: true,
        }]
    );
}

#[test]
fn unset_ports_are_kept_by_name_on_update() {
    // TestPatchAllocatedValues: a re-applied manifest without nodePorts keeps them by port name.
    let first = service("web", "{type: NodePort, ports: [{name: http, port: 80}]}");
    let second = service(
        "web",
        "{type: NodePort, ports: [{name: http, port: 80}, {name: admin, port: 81, nodePort: 30081}, {name: new, port: 82}]}",
    );
    let history = run("", &[&first, &second]);
    let outcome = last(&history);
    assert_eq!(outcome.verdict, Verdict::Updated);
    assert_eq!(provenances(outcome), ["kept", "explicit", "allocated"]);
    assert_eq!(
        outcome.ports[0].node_port,
        history.outcomes()[0].ports[0].node_port
    );
}

#[test]
fn the_health_check_port_is_chosen_kept_or_explicit() {
    let lb = |hc: &str| {
        service(
            "lb",
            &format!("{{type: LoadBalancer, externalTrafficPolicy: Local, ports: [{{name: http, port: 80}}]{hc}}}"),
        )
    };
    let history = run("", &[&lb(""), &lb(""), &lb(", healthCheckNodePort: 30999")]);
    let [created, reapplied, rejected] = history.outcomes() else {
        unreachable!()
    };
    assert!(matches!(
        created.health_check.unwrap().provenance,
        Provenance::Allocated(_)
    ));
    assert_eq!(reapplied.health_check.unwrap().provenance, Provenance::Kept);
    assert_eq!(
        reapplied.health_check.unwrap().node_port,
        created.health_check.unwrap().node_port
    );
    // healthCheckNodePort is immutable once set (ValidateServiceUpdate).
    assert_eq!(rejected.verdict, Verdict::Rejected);
    assert_eq!(rejected.cause, Some(Cause::Invalid));
    let explicit = run("", &[&lb(", healthCheckNodePort: 30999")]);
    let hc = last(&explicit).health_check.unwrap();
    assert_eq!((hc.node_port, hc.provenance), (30999, Provenance::Explicit));
}

#[test]
fn a_value_on_an_external_name_service_is_stored_but_not_held() {
    // An ExternalName Service needs no node ports (upstream `needsNodePort`): its nodePort value
    // is stored as written and never allocated, so another Service can take that port.
    let external = service(
        "ext",
        "{type: ExternalName, externalName: example.com, ports: [{port: 80, nodePort: 30005}]}",
    );
    let node_port = service(
        "np",
        "{type: NodePort, ports: [{port: 80, nodePort: 30005}]}",
    );
    let history = run("", &[&external, &node_port]);
    let [ext, np] = history.outcomes() else {
        unreachable!()
    };
    assert_eq!(ext.verdict, Verdict::Created);
    assert_eq!(ext.ports[0].node_port, 30005);
    assert_eq!(ext.ports[0].provenance, Provenance::NotAllocated);
    assert_eq!(ext.ports[0].band, None);
    assert!(ext.held().is_empty());
    assert_eq!(np.verdict, Verdict::Created, "{:?}", np.error);
    assert_eq!(
        history.cluster().holder_of(30005).unwrap().service,
        "default/np"
    );
}

#[test]
fn a_load_balancer_that_allocates_no_node_ports_leaves_unset_ones_unallocated() {
    let history = run(
        "",
        &[&service(
            "lb",
            "{type: LoadBalancer, allocateLoadBalancerNodePorts: false, ports: [{name: a, port: 80}, {name: b, port: 81, nodePort: 30081}]}",
        )],
    );
    let outcome = last(&history);
    assert_eq!(provenances(outcome), ["notAllocated", "explicit"]);
    assert_eq!(outcome.ports[0].node_port, 0);
}

#[test]
fn a_port_taken_earlier_in_the_same_request_has_no_holder() {
    // Different port numbers may not share a nodePort on create: the second allocation fails.
    let history = run(
        "",
        &[&service(
            "web",
            "{type: NodePort, ports: [{name: a, port: 80, nodePort: 30080}, {name: b, port: 81, nodePort: 30080}]}",
        )],
    );
    assert_eq!(
        last(&history).cause,
        Some(Cause::Taken {
            field: "spec.ports[1].nodePort".to_owned(),
            port: 30080,
            holder: None,
        })
    );
}

#[test]
fn out_of_range_full_and_duplicate_causes() {
    let out = run(
        "",
        &[&service(
            "web",
            "{type: NodePort, ports: [{port: 80, nodePort: 80}]}",
        )],
    );
    assert_eq!(
        last(&out).cause,
        Some(Cause::OutOfRange {
            field: "spec.ports[0].nodePort".to_owned(),
            port: 80,
        })
    );
    let one = service("a", "{type: NodePort, ports: [{port: 80}]}");
    let two = service("b", "{type: NodePort, ports: [{port: 80}]}");
    let full = run("30000-30000", &[&one, &two]);
    assert_eq!(
        last(&full).cause,
        Some(Cause::Full {
            field: "spec.ports[0].nodePort".to_owned(),
        })
    );
    // updateNodePorts: a repeated (protocol, nodePort) on update is `duplicate nodePort`.
    let dup = service(
        "a",
        "{type: NodePort, ports: [{name: p1, port: 80, nodePort: 30500}, {name: p2, port: 81, nodePort: 30500}]}",
    );
    let duplicate = run("", &[&one, &dup]);
    assert_eq!(
        last(&duplicate).cause,
        Some(Cause::Duplicate {
            protocol: "TCP".to_owned(),
            port: 30500,
        })
    );
    let missing = run(
        "",
        &["apiVersion: portband/v1\nkind: Scenario\nsteps:\n- delete: nothing\n"],
    );
    assert_eq!(last(&missing).cause, Some(Cause::NotFound));
}

#[test]
fn a_deleted_service_reports_the_provenance_it_was_stored_with() {
    let history = run(
        "",
        &[
            &service(
                "web",
                "{type: NodePort, ports: [{port: 80, nodePort: 30080}]}",
            ),
            "apiVersion: portband/v1\nkind: Scenario\nsteps:\n- delete: web\n",
        ],
    );
    let deleted = last(&history);
    assert_eq!(deleted.verdict, Verdict::Deleted);
    assert_eq!(provenances(deleted), ["explicit"]);
    assert_eq!(deleted.released, [30080]);
}

#[test]
fn the_json_report_carries_each_provenance() {
    let history = run(
        "",
        &[&service(
            "dns",
            "{type: LoadBalancer, externalTrafficPolicy: Local, ports: [{name: a, port: 53, protocol: TCP}, {name: b, port: 53, protocol: UDP}]}",
        )],
    );
    let json = serde_json::to_value(report(&history)).unwrap();
    let step = &json["steps"][0];
    let Provenance::Allocated(pick) = last(&history).ports[0].provenance else {
        unreachable!()
    };
    assert_eq!(
        step["ports"][0]["provenance"],
        serde_json::json!({
            "kind": "allocated",
            "band": "dynamic",
            "scanStart": pick.scan_start,
            "passed": pick.skipped,
            "fellBack": false,
            "span": {"first": 30086, "last": 32767, "size": 2682},
        })
    );
    assert_eq!(
        step["ports"][1]["provenance"],
        serde_json::json!({"kind": "shared", "with": 0})
    );
    assert_eq!(step["healthCheckProvenance"]["kind"], "allocated");
}

/// The contract's types read back what they print, for every case file and scenario: the web
/// app reads what the JS module writes with these same types.
#[test]
fn the_json_contract_reads_back_as_it_was_written() {
    let root = env!("CARGO_MANIFEST_DIR");
    let folders = [
        format!("{root}/tests/cases"),
        format!("{root}/../../scenarios"),
    ];
    let mut steps = 0;
    for folder in &folders {
        for entry in std::fs::read_dir(folder).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            let session = portband_kube::Session::from_scenario(&text).unwrap();
            let written = session.report();
            let json = serde_json::to_string(&written).unwrap();
            let read: portband_contract::Report = serde_json::from_str(&json).unwrap();
            assert_eq!(read, written);
            for step in 0..session.len() {
                let explanation = session.explain(step).unwrap();
                let json = serde_json::to_value(&explanation).unwrap();
                assert_eq!(
                    serde_json::from_value::<portband_contract::Explanation>(json).unwrap(),
                    explanation
                );
            }
            steps += written.steps.len();
        }
    }
    assert!(steps > 100, "{steps}");
    // Causes and provenances are read flat (the kind, then its fields): a missing field or an
    // unknown kind is refused in serde's words, as the derived reader refused them.
    use portband_contract::{Cause, ProvenanceReport};
    let error = |json: &str| serde_json::from_str::<Cause>(json).unwrap_err().to_string();
    assert_eq!(
        error(r#"{"kind":"taken","field":"spec.ports[0].nodePort"}"#),
        "missing field `port`"
    );
    assert_eq!(
        error(r#"{"kind":"stolen","port":1}"#),
        "unknown variant `stolen`"
    );
    let cause: Cause = serde_json::from_str(r#"{"kind":"full","field":"f","port":null}"#).unwrap();
    assert_eq!(cause, Cause::Full { field: "f".into() });
    let error = serde_json::from_str::<ProvenanceReport>(r#"{"kind":"shared"}"#).unwrap_err();
    assert_eq!(error.to_string(), "missing field `with`");
}

/// The chance each dynamic pick had is the one the allocator gives for its port in the state
/// just before it: here worked out by walking the step's allocations again on the state before
/// the step, for every step of every case file and scenario, refused steps included.
#[test]
fn each_pick_had_the_chance_the_allocator_gives_in_the_state_before_it() {
    let root = env!("CARGO_MANIFEST_DIR");
    let folders = [
        format!("{root}/tests/cases"),
        format!("{root}/../../scenarios"),
    ];
    let files = folders.iter().flat_map(|folder| {
        std::fs::read_dir(folder).unwrap().map(|entry| {
            let path = entry.unwrap().path();
            (
                path.display().to_string(),
                std::fs::read_to_string(&path).unwrap(),
            )
        })
    });
    // Crowded ranges where one step takes several ports side by side, as a create, an update
    // that adds ports and gives one back, and a create refused after its first picks (which
    // keeps none).
    let service = |name: &str, ports: &str| {
        format!("- apply: {{apiVersion: v1, kind: Service, metadata: {{name: {name}}}, spec: {{type: NodePort, ports: [{ports}]}}}}\n")
    };
    let crowded: Vec<(String, String)> = (0..20u64)
        .map(|seed| {
            let steps = [
                service("a", "{name: a, port: 1}, {name: b, port: 2}, {name: c, port: 3}, {name: d, port: 4}"),
                service("b", "{name: a, port: 1}, {name: b, port: 2}"),
                service("a", "{name: a, port: 1}, {name: c, port: 3}, {name: e, port: 5}, {name: f, port: 6}, {name: g, port: 7}"),
                service("c", "{name: a, port: 1}, {name: b, port: 2}, {name: c, port: 3, nodePort: 40000}"),
                service("d", "{name: a, port: 1}, {name: b, port: 2}, {name: c, port: 3}, {name: d, port: 4}, {name: e, port: 5}, {name: f, port: 6}"),
            ];
            let text = format!(
                "apiVersion: portband/v1\nkind: Scenario\nrange: 30000-30019\nseed: {seed}\nsteps:\n{}",
                steps.concat()
            );
            (format!("crowded, seed {seed}"), text)
        })
        .collect();
    let mut picks = 0;
    {
        for (path, text) in files.chain(crowded) {
            let session = portband_kube::Session::from_scenario(&text).unwrap();
            for step in 0..session.len() {
                let mut before = session.at(step).state().allocator().clone();
                let mut expected = Vec::new();
                for taken in &session.taken(step, step + 1)[0] {
                    let next = before.next_pick();
                    let starts = next.as_ref().and_then(|n| {
                        let (_, starts) = n.starts.iter().find(|(p, _)| i32::from(*p) == *taken)?;
                        Some((*starts, n.span.size()))
                    });
                    before.allocate(i64::from(*taken)).unwrap();
                    expected.push((*taken, starts));
                }
                let chances = session.at(step + 1).chances();
                // Every dynamic pick has its chance; an explicit port is not among them.
                let dynamic: Vec<_> = expected
                    .iter()
                    .filter(|(port, _)| chances.iter().any(|c| c.port == *port))
                    .collect();
                assert_eq!(dynamic.len(), chances.len(), "{path}: step {step}");
                let explanation = session.explain(step).unwrap();
                let allocated = explanation
                    .ports
                    .iter()
                    .chain(&explanation.health_check_node_port)
                    .filter(|p| matches!(p, portband_contract::ProvenanceReport::Allocated { .. }))
                    .count();
                // A deletion reports the provenance its Service was stored with.
                let report = &session.steps(step, step + 1)[0];
                if report.error.is_none() && report.action != "delete" {
                    assert_eq!(chances.len(), allocated, "{path}: step {step}");
                }
                for (chance, (port, starts)) in chances.iter().zip(dynamic) {
                    assert_eq!(
                        Some((chance.starts, chance.of)),
                        *starts,
                        "{path}: step {step}, port {port}"
                    );
                    assert!(chance.starts >= 1 && chance.starts <= chance.of);
                    picks += 1;
                }
            }
        }
    }
    assert!(picks > 100, "{picks}");
}

/// The scan's-bias lesson (`scenarios/scan-bias.yaml`) says what its notes say: after the run
/// 30020-30031, 30032 is the next pick from 13 of the dynamic band's 48 starts and every other
/// free port from 1; before edge/partner writes 30035, that port is the likeliest next pick, from
/// 17 starts.
#[test]
fn the_scan_bias_lesson_reads_its_odds_right() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scenarios/scan-bias.yaml"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let session = portband_kube::Session::from_scenario(&text).unwrap();
    let odds = |step: usize| {
        let next = session.at(step).state().allocator().next_pick().unwrap();
        assert_eq!(next.span.size(), 48);
        next.starts
    };
    let after_run = odds(1);
    assert_eq!(
        after_run.iter().find(|(p, _)| *p == 30032),
        Some(&(30032, 13))
    );
    assert!(after_run.iter().all(|&(p, s)| p == 30032 || s == 1));
    let before_partner = odds(session.len() - 1);
    let likeliest = before_partner.iter().max_by_key(|(_, s)| *s).unwrap();
    assert_eq!(*likeliest, (30035, 17));
    assert!(before_partner.iter().filter(|(_, s)| *s == 17).count() == 1);
    let partner = &session.steps(session.len() - 1, session.len())[0];
    assert_eq!(
        (partner.service.as_str(), partner.result.as_str()),
        ("edge/partner", "created")
    );
}
