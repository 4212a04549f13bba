//! The scenarios shipped in `scenarios/`, offered in the presets menu.

/// A preset: its name (the file's, for `#preset=` links), menu label and the scenario file's text.
pub struct Preset {
    /// The scenario file's name without `.yaml`.
    pub name: &'static str,
    /// The label in the menu.
    pub label: &'static str,
    /// The scenario file.
    pub text: &'static str,
}

/// Every preset, in menu order.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "kep-3668-story",
        label: "KEP-3668: a fixed port taken first",
        text: include_str!("../../scenarios/kep-3668-story.yaml"),
    },
    Preset {
        name: "dns-tcp-and-udp",
        label: "DNS on TCP and UDP",
        text: include_str!("../../scenarios/dns-tcp-and-udp.yaml"),
    },
    Preset {
        name: "load-balancer-health-check",
        label: "LoadBalancer health-check port",
        text: include_str!("../../scenarios/load-balancer-health-check.yaml"),
    },
    Preset {
        name: "range-filling-up",
        label: "A range filling up",
        text: include_str!("../../scenarios/range-filling-up.yaml"),
    },
    Preset {
        name: "explicit-port-in-dynamic-band",
        label: "A fixed port in the dynamic band",
        text: include_str!("../../scenarios/explicit-port-in-dynamic-band.yaml"),
    },
];
