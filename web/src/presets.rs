//! The scenarios shipped in `scenarios/`, offered in the presets menu.

/// A preset: its menu label and the scenario file's text.
pub struct Preset {
    /// The label in the menu.
    pub label: &'static str,
    /// The scenario file.
    pub text: &'static str,
}

/// Every preset, in menu order.
pub const PRESETS: &[Preset] = &[
    Preset {
        label: "KEP-3668: a fixed port taken first",
        text: include_str!("../../scenarios/kep-3668-story.yaml"),
    },
    Preset {
        label: "DNS on TCP and UDP",
        text: include_str!("../../scenarios/dns-tcp-and-udp.yaml"),
    },
    Preset {
        label: "LoadBalancer health-check port",
        text: include_str!("../../scenarios/load-balancer-health-check.yaml"),
    },
    Preset {
        label: "A range filling up",
        text: include_str!("../../scenarios/range-filling-up.yaml"),
    },
    Preset {
        label: "A fixed port in the dynamic band",
        text: include_str!("../../scenarios/explicit-port-in-dynamic-band.yaml"),
    },
];
