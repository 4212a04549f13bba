//! `portband version`.

use portband_kube::{Gate, KubeVersion};

/// Prints portband's version, and with `supported` the releases it models; returns the exit status.
pub fn run(supported: bool) -> u8 {
    println!("portband {}", env!("CARGO_PKG_VERSION"));
    if supported {
        println!("\nKubernetes releases modelled (--kubernetes-version, kubernetesVersion: in a scenario):");
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
            println!("  {version}  band split (ServiceNodePortStaticSubrange): {gate}{newest}");
        }
    }
    0
}
