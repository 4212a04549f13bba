//! The lessons: the scenarios shipped in `scenarios/` (served beside the app, fetched when one is
//! opened), each with an introduction.

/// A lesson: its scenario's name (for `#preset=` links and its file), title and introduction.
pub struct Preset {
    /// The scenario file's name without `.yaml`.
    pub name: &'static str,
    /// The title in the lessons list.
    pub label: &'static str,
    /// One paragraph that says what the lesson shows, in the list and above the grid.
    pub introduction: &'static str,
    /// Whether the lesson is about the next pick's odds (the grid shades them while it is open).
    pub shades_odds: bool,
}

impl Preset {
    /// Where the app serves the scenario file, relative to the page.
    pub fn path(&self) -> String {
        format!("scenarios/{}.yaml", self.name)
    }
}

/// Every lesson, in the list's order.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "kep-3668-story",
        label: "KEP-3668: a fixed port taken first",
        introduction: "The story behind the band split. A team needs MinIO on the fixed nodePort \
            30009, but a hundred Services were created first and took their nodePorts at random. \
            With the band split (on by default from Kubernetes 1.28, always from 1.29) dynamic \
            allocations keep out of the range's low static band while the rest has room, so 30009 \
            is still free. Step through, then switch the band split off \
            and watch the same history refuse MinIO.",
        shades_odds: false,
    },
    Preset {
        name: "dns-tcp-and-udp",
        label: "DNS on TCP and UDP",
        introduction:
            "A DNS Service serves port 53 on TCP and UDP. Two entries with the same port \
            number share one nodePort when the Service is created, and one written nodePort serves \
            both. Entries with different numbers may not share one, and UDP added later by an \
            update gets a port of its own: if kubectl apply adds it at all, which it does not.",
        shades_odds: false,
    },
    Preset {
        name: "load-balancer-health-check",
        label: "LoadBalancer health-check port",
        introduction: "A LoadBalancer whose externalTrafficPolicy is Local also gets a \
            healthCheckNodePort, from the same range as its nodePorts. See it allocated, released \
            when the policy changes to Cluster, and refused with an internal error (500, not the \
            usual 422) when it collides with one of the Service's own nodePorts.",
        shades_odds: false,
    },
    Preset {
        name: "range-filling-up",
        label: "A range filling up",
        introduction: "A 40-port range: a static band of 16 ports and a dynamic band of 24. \
            Dynamic allocations fill the dynamic band first, then fall back to the static band, \
            where they take ports someone may have planned to request by number. Once every port \
            is taken the next Service is refused, until a delete gives a port back.",
        shades_odds: false,
    },
    Preset {
        name: "explicit-port-in-dynamic-band",
        label: "A fixed port in the dynamic band",
        introduction:
            "What the band split cannot fix: a fixed nodePort chosen in the dynamic band \
            competes with every dynamic allocation, and here one takes it first. Keep fixed ports \
            in the static band at the bottom of the range (portband check warns about those that \
            are not).",
        shades_odds: false,
    },
    Preset {
        name: "kube-dns-address",
        label: "kube-dns's address: the Service IP band split",
        introduction:
            "KEP-3070 splits the Service IP range as KEP-3668 splits the nodePort range: \
            dynamic cluster IPs come from the upper band first. So kube-dns's fixed 10.96.0.10, in \
            the lower static band, is still free after three hundred Services took addresses. \
            Switch the grid to ClusterIPs to see them.",
        shades_odds: false,
    },
    Preset {
        name: "kube-dns-without-a-static-band",
        label: "kube-dns without a static band",
        introduction: "The same history on a range too small for a static band (16 addresses or \
            fewer; before Kubernetes 1.25, every range): dynamic cluster IPs come from every \
            address alike, one of them takes 10.96.0.10 first, and kube-dns is refused.",
        shades_odds: false,
    },
    Preset {
        name: "scan-bias",
        label: "The scan's bias: runs attract picks",
        introduction: "The allocator picks a random port of its band and, if that one is taken, \
            scans upwards to the next free one. So a free port right after a run of k taken ports \
            is picked from k + 1 starting points, and runs grow faster than random picks would \
            make them. The grid shades each free port by its odds of being the next pick.",
        shades_odds: true,
    },
];
