//! `portband bands`.

use crate::{Format, SplitArgs};
use portband_allocator::{Band, Bands, IpBands, PortRange};
use portband_contract::{ServiceCidrReport, ServiceCidrsReport};
use portband_kube::{range_report, service_cidr_report, KubeVersion};

/// Prints the bands of `range`; returns the exit status.
pub fn run(range: PortRange, split: &SplitArgs, format: Format) -> u8 {
    let (_, on) = split.resolve(Default::default(), None);
    let bands = if on {
        Bands::of(range)
    } else {
        Bands::with_static_size(range, 0)
    };
    match format {
        Format::Json => {
            let report = range_report(range, &bands);
            crate::print(&format!(
                "{}\n",
                serde_json::to_string_pretty(&report).expect("bands serialize")
            ));
        }
        Format::Table => {
            let row = |name: &str, band: Option<Band>| match band {
                Some(b) => format!("{name:<8} {:>5}  {:>5}  {:>5}\n", b.first, b.last, b.size()),
                None => format!("{name:<8} {:>5}  {:>5}  {:>5}\n", "-", "-", 0),
            };
            crate::print(&format!(
                "range {range} ({} ports)\n{:<8} {:>5}  {:>5}  {:>5}\n{}{}",
                range.size(),
                "BAND",
                "FIRST",
                "LAST",
                "SIZE",
                row("static", bands.static_band),
                row("dynamic", bands.dynamic_band)
            ));
        }
    }
    0
}

/// Prints the bands of the service CIDRs `value` as `version`'s kube-apiserver reads them;
/// returns the exit status (2 when the apiserver would refuse the flag).
pub fn run_cidrs(value: &str, version: KubeVersion, format: Format) -> u8 {
    let kind = version.ip_allocator();
    let Some(cidrs) = crate::parse_service_cidrs(value, version) else {
        return 2;
    };
    let reports: Vec<ServiceCidrReport> = cidrs
        .iter()
        .map(|cidr| service_cidr_report(cidr, &IpBands::of(cidr, kind)))
        .collect();
    match format {
        Format::Json => {
            let report = ServiceCidrsReport {
                service_cidrs: reports,
            };
            crate::print(&format!(
                "{}\n",
                serde_json::to_string_pretty(&report).expect("bands serialize")
            ));
        }
        Format::Table => {
            let text: Vec<String> = reports.iter().map(cidr_table).collect();
            let text = text.join("\n");
            crate::print(&text);
        }
    }
    0
}

/// One service CIDR's table: its bands, the address columns as wide as the longest address.
fn cidr_table(report: &ServiceCidrReport) -> String {
    let bands = [
        ("static", &report.static_band),
        ("dynamic", &report.dynamic),
    ];
    let shown = |a: &Option<String>| a.clone().unwrap_or_else(|| "-".to_owned());
    let width = bands
        .iter()
        .flat_map(|(_, b)| [shown(&b.first).len(), shown(&b.last).len()])
        .max()
        .unwrap_or(0)
        .max("FIRST".len());
    let row = |name: &str, first: &str, last: &str, size: &str| {
        format!("{name:<8} {first:<width$}  {last:<width$}  {size}\n")
    };
    let mut text = format!(
        "service CIDR {} ({} addresses)\n",
        report.cidr,
        report.static_band.size + report.dynamic.size
    );
    text += &row("BAND", "FIRST", "LAST", "SIZE");
    for (name, band) in bands {
        text += &row(
            name,
            &shown(&band.first),
            &shown(&band.last),
            &band.size.to_string(),
        );
    }
    text
}
