//! `portband bands`.

use crate::{Format, SplitArgs};
use portband_allocator::{Band, Bands, PortRange};
use portband_kube::RangeReport;

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
            let report = RangeReport::new(range, &bands);
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
