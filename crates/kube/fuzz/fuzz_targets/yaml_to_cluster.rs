//! Any bytes → YAML → steps → a cluster (in both allocator modes) → the report, the next pick's
//! chances and the review (on an empty cluster, and against the input's own cluster); and the
//! same text applied to a `Session`, whose moments are read as the web app's worker reads them
//! (the grid's holders, each Service's place, each pick's chance, the log with its notes, the
//! rejections, the explanations).
//! The last byte also picks the Kubernetes release and how plain manifests are sent (apply,
//! replace, create), so that the seeds stay the manifests they are. Nothing may panic, and the allocator's counts must stay
//! consistent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portband_allocator::{PortRange, ServiceCidrs};
use portband_kube::{
    check, read, read_sent, report, write_scenario, ClusterConfig, History, KubeVersion, Mode,
    Session, State,
};

fuzz_target!(|data: &[u8]| {
    let pick = data.last().copied().unwrap_or_default();
    let versions: Vec<KubeVersion> = KubeVersion::supported().collect();
    let version = versions[usize::from(pick) % versions.len()];
    let mode = Mode::ALL[usize::from(pick / 16) % Mode::ALL.len()];
    let text = String::from_utf8_lossy(data);
    let Ok(input) = read_sent(&text, mode) else {
        return;
    };
    // Small ranges by default, so that inputs fill them: a node-port range, and a dual-stack pair
    // of service CIDRs (each with a static band of 16 addresses).
    let small = ClusterConfig {
        range: PortRange::parse("30000-30040").unwrap(),
        version,
        service_cidrs: ServiceCidrs::parse("10.96.0.0/26,fd00::/122", version.ip_allocator())
            .unwrap(),
        ..ClusterConfig::default()
    };
    for static_subrange in [true, false] {
        let config = ClusterConfig {
            static_subrange,
            ..input.config_over(small)
        };
        let mut history = History::new(config);
        for step in input.steps.iter().take(2_000) {
            history.push(step.clone());
        }
        let allocator = history.cluster().allocator();
        assert_eq!(allocator.used() + allocator.free(), allocator.range().size());
        assert_eq!(allocator.iter().count() as u32, allocator.used());
        if let Some(next) = allocator.next_pick() {
            assert_eq!(next.starts.iter().map(|s| s.1).sum::<u32>(), next.span.size());
        }
        // The address allocators hold exactly the addresses the stored Services hold.
        let cluster = history.cluster();
        for ips in cluster.cluster_ips().allocators() {
            let mut held: Vec<_> = cluster
                .services()
                .iter()
                .flat_map(|s| s.cluster_ips.iter().map(|c| c.ip))
                .filter(|&ip| ips.offset_of(ip).is_some())
                .collect();
            held.sort();
            held.dedup();
            assert_eq!(ips.iter().collect::<Vec<_>>(), held);
        }
        let _ = report(&history);
    }
    // A session, as the web app's worker keeps one (a short input: the session runs every step).
    if input.steps.len() <= 2_000 {
        let mut session = Session::new(small);
        if session.apply(&text, mode).is_ok() {
            let len = session.len();
            let log = session.log(0, len);
            assert_eq!(log.len(), len);
            for step in [0, len / 2, len] {
                for forward in [true, false] {
                    if let Some(i) = session.next_refusal(step, forward) {
                        assert!(log[i].step.error.is_some());
                        assert!(if forward { i >= step } else { i < step });
                    }
                }
            }
            assert!(session.last_service_step(0).is_none_or(|i| i < len));
            for step in [0, len / 2, len.saturating_sub(1), len] {
                let moment = session.at(step);
                let holders = moment.holders();
                let size = small.range.size() as usize;
                assert_eq!((holders.services.len(), holders.explicit.len()), (size, size));
                let count = moment.service_count();
                for (&service, &explicit) in holders.services.iter().zip(&holders.explicit) {
                    assert!(service < count as i32 && (service >= 0 || !explicit));
                }
                for (i, stored) in moment.services(0, count).iter().enumerate() {
                    let key = stored.service.parse().expect("a stored Service's key reads back");
                    assert_eq!(moment.index_of(&key), Some(i));
                }
                for chance in moment.chances() {
                    assert!(chance.starts >= 1 && chance.starts <= chance.of);
                }
                if let Some(last) = step.checked_sub(1).filter(|&i| i < len) {
                    assert!(session.explain(last).is_some());
                }
            }
        }
    }
    let config = ClusterConfig {
        range: PortRange::default(),
        ..input.config_over(ClusterConfig::default())
    };
    let inputs = std::slice::from_ref(&input);
    let _ = check(inputs, &State::empty(config));
    let state = State::of(&input, config);
    let found = check(inputs, &state);
    for finding in &found {
        assert!(finding.location.input <= inputs.len());
        assert!(finding.related.is_none_or(|r| r.input <= inputs.len()));
    }
    // A scenario of inputs is written back as it was read: the same inputs, the same steps.
    if let Some(entries) = &input.entries {
        let config = input.config_over(ClusterConfig::default());
        let written = write_scenario(&config, entries);
        let again = read(&written).expect("a written scenario reads back");
        assert_eq!(again.config_over(ClusterConfig::default()), config, "the settings too");
        assert_eq!(again.entries.as_ref(), Some(entries));
        assert_eq!(again.steps.len(), input.steps.len());
    }
});
