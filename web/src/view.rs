//! What the page shows, derived from the engine's values by formatting alone: the ports a
//! Service holds, the ports to ring as fresh, the scans to draw, what a screen reader hears.

use portband_kube::{Cause, Held, Outcome, PortOutcome};

/// What uses a held nodePort: `dns-tcp 53/TCP + dns-udp 53/UDP`, `health check`.
pub fn uses(held: &Held, ports: &[PortOutcome]) -> String {
    let mut uses: Vec<String> = held
        .ports
        .iter()
        .filter_map(|&i| ports.get(i).map(PortOutcome::label))
        .collect();
    if held.health_check {
        uses.push("health check".to_owned());
    }
    uses.join(" + ")
}

/// Every nodePort a Service holds, once, with what uses it:
/// `dns-tcp 53/TCP + dns-udp 53/UDP → 31243`, `health check → 30156`.
pub fn held_lines(held: &[Held], ports: &[PortOutcome]) -> Vec<String> {
    held.iter()
        .map(|h| format!("{} → {}", uses(h, ports), h.node_port))
        .collect()
}

/// The ports to ring as fresh: those the last action took, or only its last step's when it took
/// so many that rings everywhere would say nothing.
pub fn fresh_ports(outcomes: &[Outcome]) -> Vec<i32> {
    const MOST: usize = 32;
    let ports = |o: &Outcome| o.allocations.iter().map(|a| a.port).collect::<Vec<_>>();
    let all: Vec<i32> = outcomes.iter().flat_map(ports).collect();
    if all.len() <= MOST {
        all
    } else {
        outcomes.last().map(ports).unwrap_or_default()
    }
}

/// The ports each dynamic allocation of a step passed, start first; at most a few thousand cells
/// each, which is all a grid can show.
pub fn scans(outcome: &Outcome) -> Vec<Vec<u16>> {
    const MOST: usize = 4097;
    outcome
        .allocations
        .iter()
        .filter_map(|a| Some(a.pick?.scanned().take(MOST).collect()))
        .collect()
}

/// The port a rejection among `outcomes` fought over, if one did.
pub fn conflict(outcomes: &[Outcome]) -> Option<i32> {
    outcomes.iter().find_map(|o| match o.cause {
        Some(Cause::Taken { port, .. }) => Some(port),
        _ => None,
    })
}

/// What a screen reader hears after an action: the step it did or moved to, or a summary of many.
pub fn announce(outcomes: &[Outcome], fresh: std::ops::Range<usize>) -> String {
    let (step, len) = (fresh.end, outcomes.len());
    match &outcomes[fresh] {
        [] => String::new(),
        [one] => format!("Step {step} of {len}: {}.", describe(one)),
        many => {
            let rejected: Vec<_> = many.iter().filter(|o| o.error.is_some()).collect();
            let mut text = format!("{} steps applied, {} rejected.", many.len(), rejected.len());
            if let Some(first) = rejected.first() {
                text.push_str(&format!(" First rejection: {}.", describe(first)));
            }
            text
        }
    }
}

/// One step's outcome in a sentence: `default/web created, nodePorts 80/TCP → 30000`.
pub fn describe(o: &Outcome) -> String {
    let held = held_lines(&o.held(), &o.ports);
    match &o.error {
        Some(error) => format!("{} {}: {error}", o.service, o.verdict.as_str()),
        None if held.is_empty() => format!("{} {}", o.service, o.verdict.as_str()),
        None => format!(
            "{} {}, nodePorts {}",
            o.service,
            o.verdict.as_str(),
            held.join(", ")
        ),
    }
}

/// A size in bytes, as people read it: `812 kB`, `5.1 MB`.
pub fn size(bytes: usize) -> String {
    let kilobytes = bytes.div_ceil(1000);
    if kilobytes < 1000 {
        format!("{kilobytes} kB")
    } else {
        let tenths = bytes.div_ceil(100_000);
        format!("{}.{} MB", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::{announce, held_lines, scans, size};

    #[test]
    fn sizes_read_as_people_read_them() {
        let sizes = [0, 1, 812_000, 999_999, 1_000_000, 5_012_345].map(size);
        assert_eq!(
            sizes,
            ["0 kB", "1 kB", "812 kB", "1.0 MB", "1.0 MB", "5.1 MB"]
        );
    }
    use portband_kube::{read, ClusterConfig, History};

    fn run(yaml: &str) -> History {
        let mut history = History::new(ClusterConfig::default());
        for step in read(yaml).unwrap().steps {
            history.push(step);
        }
        history
    }

    #[test]
    fn a_shared_port_and_the_health_check_are_each_listed_once() {
        let history = run("apiVersion: v1\nkind: Service\nmetadata: {name: dns}\nspec:\n  type: LoadBalancer\n  externalTrafficPolicy: Local\n  ports:\n  - {name: dns-tcp, port: 53, protocol: TCP, nodePort: 31243}\n  - {name: dns-udp, port: 53, protocol: UDP}\n  healthCheckNodePort: 30156\n");
        let outcome = &history.outcomes()[0];
        assert_eq!(
            held_lines(&outcome.held(), &outcome.ports),
            [
                "dns-tcp 53/TCP + dns-udp 53/UDP → 31243",
                "health check → 30156"
            ]
        );
        assert_eq!(
            announce(history.outcomes(), 0..1),
            "Step 1 of 1: default/dns created, nodePorts dns-tcp 53/TCP + dns-udp 53/UDP → 31243, health check → 30156."
        );
    }

    #[test]
    fn a_scan_runs_from_its_random_start_to_the_port_taken() {
        let history = run("apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {type: NodePort, ports: [{port: 80}]}\n");
        let outcome = &history.outcomes()[0];
        let pick = outcome.allocations[0].pick.unwrap();
        let scan = &scans(outcome)[0];
        assert_eq!(scan.first(), Some(&pick.scan_start));
        assert_eq!(scan.last(), Some(&pick.port));
        assert_eq!(scan.len() as u32, pick.skipped + 1);
    }
}
