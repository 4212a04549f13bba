//! What the page shows, derived from the engine's answers by formatting alone: the ports a
//! Service holds, the ports to ring as fresh, the scans to draw, what a screen reader hears.

use crate::state::Fresh;
use portband_allocator::{Band, Bands, PortRange};
use portband_contract::{BandReport, HeldPort, LogLine, PortUse, ProvenanceReport, Settings};

/// A band the engine reported, or none.
pub fn band(report: &BandReport) -> Option<Band> {
    Some(Band {
        first: report.first?,
        last: report.last?,
    })
}

/// The range and bands of `settings`, as the grid lays them out.
pub fn bands(settings: &Settings) -> (PortRange, Bands) {
    let range = PortRange::parse_flag(&settings.range).unwrap_or_default();
    let bands = Bands {
        static_band: band(&settings.bands.static_band),
        dynamic_band: band(&settings.bands.dynamic),
    };
    (range, bands)
}

/// An entry as the log names it: `dns-tcp 53/TCP`, or `53/TCP` for one without a name.
pub fn label(port: &PortUse) -> String {
    match port.name.as_str() {
        "" => format!("{}/{}", port.port, port.protocol),
        name => format!("{name} {}/{}", port.port, port.protocol),
    }
}

/// What uses a held nodePort: `dns-tcp 53/TCP + dns-udp 53/UDP`, `health check`.
pub fn uses(held: &HeldPort) -> String {
    let mut uses: Vec<String> = held.uses.iter().map(label).collect();
    if held.health_check {
        uses.push("health check".to_owned());
    }
    uses.join(" + ")
}

/// Every nodePort a Service holds, once, with what uses it:
/// `dns-tcp 53/TCP + dns-udp 53/UDP → 31243`, `health check → 30156`.
pub fn held_lines(held: &[HeldPort]) -> Vec<String> {
    held.iter()
        .map(|h| format!("{} → {}", uses(h), h.node_port))
        .collect()
}

/// The ports to ring as fresh: those the last action took (`taken`, by step), or only its last
/// step's when it took so many that rings everywhere would say nothing.
pub fn fresh_ports(taken: &[Vec<i32>]) -> Vec<i32> {
    const MOST: usize = 32;
    let all: Vec<i32> = taken.iter().flatten().copied().collect();
    if all.len() <= MOST {
        all
    } else {
        taken.last().cloned().unwrap_or_default()
    }
}

/// The ports each dynamic allocation of a step passed, start first (the scan's `passed` taken
/// ports, then the one it took, wrapping inside its band); at most a few thousand cells each,
/// which is all a grid can show.
pub fn scans(provenances: impl IntoIterator<Item = ProvenanceReport>) -> Vec<Vec<u16>> {
    const MOST: u32 = 4097;
    provenances
        .into_iter()
        .filter_map(|p| match p {
            ProvenanceReport::Allocated {
                scan_start,
                passed,
                span,
                ..
            } => {
                let (first, size) = (u32::from(span.first?), span.size.max(1));
                let start = u32::from(scan_start) - first;
                Some(
                    (0..=passed.min(MOST - 1))
                        .map(|i| (first + (start + i) % size) as u16)
                        .collect(),
                )
            }
            _ => None,
        })
        .collect()
}

/// What a screen reader hears after an action: the step it did or moved to (`row`, when the
/// engine has described it), or a summary of many that it added.
pub fn announce(
    fresh: std::ops::Range<usize>,
    len: usize,
    row: Option<&LogLine>,
    added: &Fresh,
) -> String {
    let step = fresh.end;
    match fresh.len() {
        0 => String::new(),
        1 => match added.last.as_ref().or(row) {
            Some(row) => format!("Step {step} of {len}: {}.", describe(row)),
            None => String::new(),
        },
        many => {
            let mut text = format!("{many} steps applied, {} rejected.", added.refused);
            if let Some(first) = &added.first_refused {
                text.push_str(&format!(" First rejection: {}.", describe(first)));
            }
            text
        }
    }
}

/// One step's outcome in a sentence: `default/web created, nodePorts 80/TCP → 30000`.
pub fn describe(row: &LogLine) -> String {
    let held = held_lines(&row.held);
    let step = &row.step;
    match &step.error {
        Some(error) => format!("{} {}: {error}", step.service, step.result),
        None if held.is_empty() => format!("{} {}", step.service, step.result),
        None => format!(
            "{} {}, nodePorts {}",
            step.service,
            step.result,
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
    use crate::state::Fresh;
    use portband_kube::Session;

    #[test]
    fn sizes_read_as_people_read_them() {
        let sizes = [0, 1, 812_000, 999_999, 1_000_000, 5_012_345].map(size);
        assert_eq!(
            sizes,
            ["0 kB", "1 kB", "812 kB", "1.0 MB", "1.0 MB", "5.1 MB"]
        );
    }

    fn run(yaml: &str) -> Session {
        let mut session =
            Session::from_scenario("apiVersion: portband/v1\nkind: Scenario\nsteps: []\n").unwrap();
        session.apply(yaml, portband_kube::Mode::Apply).unwrap();
        session
    }

    #[test]
    fn a_shared_port_and_the_health_check_are_each_listed_once() {
        let session = run("apiVersion: v1\nkind: Service\nmetadata: {name: dns}\nspec:\n  type: LoadBalancer\n  externalTrafficPolicy: Local\n  ports:\n  - {name: dns-tcp, port: 53, protocol: TCP, nodePort: 31243}\n  - {name: dns-udp, port: 53, protocol: UDP}\n  healthCheckNodePort: 30156\n");
        let rows = session.log(0, 1);
        assert_eq!(
            held_lines(&rows[0].held),
            [
                "dns-tcp 53/TCP + dns-udp 53/UDP → 31243",
                "health check → 30156"
            ]
        );
        assert_eq!(
            announce(0..1, 1, rows.first(), &Fresh::default()),
            "Step 1 of 1: default/dns created, nodePorts dns-tcp 53/TCP + dns-udp 53/UDP → 31243, health check → 30156."
        );
    }

    #[test]
    fn a_scan_runs_from_its_random_start_to_the_port_taken() {
        let session = run("apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {type: NodePort, ports: [{port: 80}]}\n");
        let explanation = session.explain(0).unwrap();
        let pick = session.history().outcomes()[0].allocations[0].pick.unwrap();
        let scan = &scans(explanation.ports)[0];
        assert_eq!(scan.first(), Some(&pick.scan_start));
        assert_eq!(scan.last(), Some(&pick.port));
        assert_eq!(scan.len() as u32, u32::from(pick.skipped) + 1);
    }
}
