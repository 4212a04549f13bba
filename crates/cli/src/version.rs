//! `portband version`.

use portband_kube::{Gate, KubeVersion};
use std::fmt::Write;

/// The version and the Kubernetes releases modelled: `0.1.0 (models Kubernetes 1.27 to 1.35,
/// 1.35 by default)`.
pub fn text() -> String {
    format!(
        "{} (models Kubernetes {} to {}, {} by default)",
        env!("CARGO_PKG_VERSION"),
        KubeVersion::OLDEST,
        KubeVersion::NEWEST,
        KubeVersion::NEWEST
    )
}

/// Prints portband's version, and with `supported` the releases it models; returns the exit status.
pub fn run(supported: bool) -> u8 {
    let mut out = format!("portband {}\n", text());
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
