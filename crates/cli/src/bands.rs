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
            println!(
                "{}",
                serde_json::to_string_pretty(&report).expect("bands serialize")
            );
        }
        Format::Table => {
            println!("range {range} ({} ports)", range.size());
            println!("{:<8} {:>5}  {:>5}  {:>5}", "BAND", "FIRST", "LAST", "SIZE");
            let row = |name: &str, band: Option<Band>| match band {
                Some(b) => println!("{name:<8} {:>5}  {:>5}  {:>5}", b.first, b.last, b.size()),
                None => println!("{name:<8} {:>5}  {:>5}  {:>5}", "-", "-", 0),
            };
            row("static", bands.static_band);
            row("dynamic", bands.dynamic_band);
        }
    }
    0
}
