//! `portband version`.

use portband_kube::{Gate, KubeVersion};
use std::fmt::Write;

/// Prints portband's version, and with `supported` the releases it models; returns the exit status.
pub fn run(supported: bool) -> u8 {
    let mut out = format!("portband {}\n", env!("CARGO_PKG_VERSION"));
    if supported {
        out.push_str(
            "\nKubernetes releases modelled (--kubernetes-version, kubernetesVersion: in a scenario):\n",
        );
        for version in KubeVersion::supported() {
            let gate = match version.static_subrange_gate() {
                Gate::Alpha => "alpha, off by default",
                Gate::Beta => "beta, on by default",
                Gate::Locked => "GA, locked on",
                Gate::Removed => "removed: always on",
            };
            let newest = if version == KubeVersion::NEWEST {
                "  (default)"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "  {version}  band split (ServiceNodePortStaticSubrange): {gate}{newest}"
            );
        }
    }
    crate::print(&out);
    0
}
