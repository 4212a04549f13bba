//! The Kubernetes releases portband models, and what each changes for Services and node ports
//! (docs/fidelity.md has the table, with the upstream change behind each row).

use portband_allocator::IpAllocatorKind;
use std::fmt;

/// A Kubernetes minor release, `1.Y`, from [`KubeVersion::OLDEST`] to [`KubeVersion::NEWEST`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KubeVersion {
    minor: u8,
}

/// The feature gate `ServiceNodePortStaticSubrange` (KEP-3668), as a release has it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    /// Alpha, off unless the apiserver is started with it (1.27).
    Alpha,
    /// Beta, on unless the apiserver is started without it (1.28).
    Beta,
    /// GA and locked on: an apiserver started with it off refuses to start (1.29, 1.30).
    Locked,
    /// Gone: the band split is how the allocator works (1.31 on).
    Removed,
}

/// How a release takes `spec.trafficDistribution`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrafficDistribution {
    /// The field is not in the release's API (to 1.29): strict decoding refuses it.
    Unknown,
    /// Behind the alpha gate `ServiceTrafficDistribution`, off by default (1.30): dropped.
    Dropped,
    /// One of these values (`PreferClose` from 1.31; `PreferSameZone` and `PreferSameNode` with
    /// the gate `PreferSameTrafficDistribution`, on by default from 1.34).
    Values(&'static [&'static str]),
}

impl Gate {
    /// Whether the band split is on when the apiserver is started without the gate's flag.
    pub fn default_on(self) -> bool {
        self != Gate::Alpha
    }

    /// Whether a cluster of this release can run without the band split.
    pub fn can_be_off(self) -> bool {
        matches!(self, Gate::Alpha | Gate::Beta)
    }
}

impl KubeVersion {
    /// The oldest release modelled: the one the band split arrived in.
    pub const OLDEST: KubeVersion = KubeVersion { minor: 27 };
    /// The newest release modelled, the default.
    pub const NEWEST: KubeVersion = KubeVersion { minor: 35 };

    /// Every release modelled, oldest first.
    pub fn supported() -> impl Iterator<Item = KubeVersion> {
        (Self::OLDEST.minor..=Self::NEWEST.minor).map(|minor| KubeVersion { minor })
    }

    /// Reads `1.Y`, `v1.Y` or `1.Y.Z` (a patch release behaves as its minor release here).
    pub fn parse(text: &str) -> Result<KubeVersion, String> {
        let trimmed = text.trim();
        let digits = trimmed.strip_prefix('v').unwrap_or(trimmed);
        let mut parts = digits.split('.');
        let minor = match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some("1"), Some(minor), patch, None)
                if patch.is_none_or(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())) =>
            {
                minor.parse::<u8>().ok().filter(|_| !minor.starts_with('+'))
            }
            _ => None,
        };
        let range = format!("{} to {}", Self::OLDEST, Self::NEWEST);
        match minor.map(|minor| KubeVersion { minor }) {
            Some(version) if (Self::OLDEST..=Self::NEWEST).contains(&version) => Ok(version),
            Some(_) => Err(format!(
                "portband models Kubernetes {range}, not {}",
                trimmed
            )),
            None => Err(format!(
                "a Kubernetes version is written 1.Y (for example {}); portband models {range}",
                Self::NEWEST
            )),
        }
    }

    /// Why no cluster of this release runs without the band split, if none can: a comparison
    /// with the split off is then one no real cluster makes.
    pub fn no_legacy_note(self) -> Option<String> {
        match self.static_subrange_gate() {
            Gate::Alpha | Gate::Beta => None,
            Gate::Locked => Some(format!(
                "in Kubernetes {self} the feature gate ServiceNodePortStaticSubrange is GA and locked on: no cluster runs without the band split"
            )),
            Gate::Removed => Some(format!(
                "Kubernetes {self} has no feature gate ServiceNodePortStaticSubrange (removed in 1.31): no cluster runs without the band split"
            )),
        }
    }

    /// Whether field errors print a value that is not a number, boolean or string as JSON
    /// (apimachinery's `field/errors.go` from v0.34, Kubernetes 1.34), rather than in Go syntax.
    pub fn prints_values_as_json(self) -> bool {
        self.minor >= 34
    }

    /// How a field error says a value is longer than `most` bytes: `must have at most N bytes` to
    /// 1.31, `may not be more than N bytes` from 1.32 (apimachinery's `field.TooLong`, v0.32.0).
    pub fn too_long(self, most: usize) -> String {
        if self.minor >= 32 {
            format!("may not be more than {most} bytes")
        } else {
            format!("must have at most {most} bytes")
        }
    }

    /// Whether a key with more than one `/` is called `a valid label key` (apimachinery's
    /// `content.IsLabelKey`, v0.35.0) rather than `a qualified name`.
    pub fn says_label_key(self) -> bool {
        self.minor >= 35
    }

    /// Whether an update that sets a nodePort to 0 on a LoadBalancer with
    /// `allocateLoadBalancerNodePorts: false` clears it (and gives the old port back) rather
    /// than having it re-filled from the stored Service: `patchAllocatedValues` after
    /// kubernetes/kubernetes#122320, first released in 1.30 (docs/fidelity.md says why).
    pub fn clears_unallocated_node_ports(self) -> bool {
        self.minor >= 30
    }

    /// What this release makes of `spec.trafficDistribution` (KEP-4444, then KEP-3015).
    pub fn traffic_distribution(self) -> TrafficDistribution {
        match self.minor {
            ..=29 => TrafficDistribution::Unknown,
            30 => TrafficDistribution::Dropped,
            31..=33 => TrafficDistribution::Values(&["PreferClose"]),
            _ => TrafficDistribution::Values(&["PreferClose", "PreferSameNode", "PreferSameZone"]),
        }
    }

    /// The allocator that hands out cluster IPs in this release, by the defaults of
    /// `MultiCIDRServiceAllocator` (GA and on from 1.33) and `DisableAllocatorDualWrite` (GA and
    /// on from 1.34).
    pub fn ip_allocator(self) -> IpAllocatorKind {
        match self.minor {
            ..=32 => IpAllocatorKind::Bitmap,
            33 => IpAllocatorKind::DualWrite,
            _ => IpAllocatorKind::IpAddress,
        }
    }

    /// The feature gate of the band split in this release.
    pub fn static_subrange_gate(self) -> Gate {
        match self.minor {
            ..=27 => Gate::Alpha,
            28 => Gate::Beta,
            29 | 30 => Gate::Locked,
            _ => Gate::Removed,
        }
    }
}

impl Default for KubeVersion {
    /// The newest release modelled.
    fn default() -> Self {
        Self::NEWEST
    }
}

impl fmt::Display for KubeVersion {
    /// `1.Y`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "1.{}", self.minor)
    }
}

#[cfg(test)]
mod tests {
    use super::{Gate, IpAllocatorKind, KubeVersion};

    #[test]
    fn versions_read_as_written_and_unmodelled_ones_are_refused() {
        for text in ["1.33", "v1.33", "1.33.4", " 1.33 "] {
            assert_eq!(
                KubeVersion::parse(text).map(|v| v.to_string()),
                Ok("1.33".into()),
                "{text}"
            );
        }
        assert_eq!(
            KubeVersion::parse("1.26"),
            Err("portband models Kubernetes 1.27 to 1.35, not 1.26".into())
        );
        for text in [
            "", "1", "2.30", "1.x", "1.30.", "1.+30", "1.30.1.2", "1.300",
        ] {
            assert!(KubeVersion::parse(text).is_err(), "{text}");
        }
        let all: Vec<String> = KubeVersion::supported().map(|v| v.to_string()).collect();
        assert_eq!(all.first().map(String::as_str), Some("1.27"));
        assert_eq!(all.last().map(String::as_str), Some("1.35"));
    }

    #[test]
    fn the_band_split_gate_follows_its_releases() {
        let gate = |text| KubeVersion::parse(text).unwrap().static_subrange_gate();
        assert_eq!(gate("1.27"), Gate::Alpha);
        let ips = |v: &str| KubeVersion::parse(v).unwrap().ip_allocator();
        assert_eq!(ips("1.32"), IpAllocatorKind::Bitmap);
        assert_eq!(ips("1.33"), IpAllocatorKind::DualWrite);
        assert_eq!(ips("1.34"), IpAllocatorKind::IpAddress);
        assert_eq!(gate("1.28"), Gate::Beta);
        assert_eq!(gate("1.29"), Gate::Locked);
        assert_eq!(gate("1.30"), Gate::Locked);
        assert_eq!(gate("1.31"), Gate::Removed);
        assert!(!Gate::Alpha.default_on() && Gate::Beta.default_on());
        assert!(Gate::Beta.can_be_off() && !Gate::Locked.can_be_off());
    }
}
