//! `--service-cluster-ip-range` as kube-apiserver reads it: one CIDR or a dual-stack pair, the
//! errors of its completion (`getServiceIPAndRanges`, `ServiceIPRange`) and of its validation
//! (`validateClusterIPFlags`, and the IPAddress allocator's shortest IPv6 prefix).

use crate::ip::{Cidr, Ip};
use crate::ip_allocator::IpAllocatorKind;
use std::fmt;

/// The service CIDR portband uses when none is given: kubeadm's default. kube-apiserver itself
/// falls back to [`APISERVER_DEFAULT_SERVICE_CIDR`] for an empty flag.
pub const DEFAULT_SERVICE_CIDR: &str = "10.96.0.0/12";

/// The range kube-apiserver takes, with a deprecation warning, when the flag is empty.
pub const APISERVER_DEFAULT_SERVICE_CIDR: &str = "10.0.0.0/24";

/// The service CIDRs of a cluster: the primary one, and a second of the other family for a
/// dual-stack cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ServiceCidrs {
    /// The first CIDR of the flag; its family is the cluster's default for single-stack Services.
    pub primary: Cidr,
    /// The second CIDR, of the other family.
    pub secondary: Option<Cidr>,
}

/// Why the flag was refused: the apiserver's messages, one for a completion error and every
/// validation error otherwise. `Display` gives them as the apiserver prints an aggregate
/// (`[first, second]` when there are several).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceCidrError(pub Vec<String>);

impl fmt::Display for ServiceCidrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.as_slice() {
            [one] => f.write_str(one),
            many => write!(f, "[{}]", many.join(", ")),
        }
    }
}

impl std::error::Error for ServiceCidrError {}

/// The largest number of host bits the bitmap allocator's ranges may have (`maxCIDRBits`).
const MAX_CIDR_BITS: u32 = 20;
/// The shortest IPv6 prefix the IPAddress allocator takes.
const MIN_V6_PREFIX: u8 = 64;

impl ServiceCidrs {
    /// Parses the flag as kube-apiserver does under the allocator `kind` (which decides the size
    /// limits). An empty value gives [`APISERVER_DEFAULT_SERVICE_CIDR`], as upstream.
    pub fn parse(value: &str, kind: IpAllocatorKind) -> Result<ServiceCidrs, ServiceCidrError> {
        let fail = |message: &str| ServiceCidrError(vec![message.to_owned()]);
        let entries: Vec<&str> = if value.is_empty() {
            vec![APISERVER_DEFAULT_SERVICE_CIDR]
        } else {
            value.split(',').collect()
        };
        let primary = Cidr::parse(entries[0])
            .ok_or_else(|| fail("service-cluster-ip-range[0] is not a valid cidr"))?;
        // `ServiceIPRange`: the size counted as the bitmap counts it, at most 2^16.
        let size = if primary.host_bits() >= 16 {
            1 << 16
        } else {
            1u64 << primary.host_bits()
        };
        let tiny = (primary.mask_bits() == 32 && primary.host_bits() >= 31)
            || (primary.mask_bits() == 128 && primary.host_bits() >= 127);
        if tiny || size < 8 {
            return Err(fail(
                "error determining service IP ranges for primary service cidr: the service cluster IP range must be at least 8 IP addresses",
            ));
        }
        let secondary = match entries.get(1) {
            Some(entry) => Some(
                Cidr::parse(entry)
                    .ok_or_else(|| fail("service-cluster-ip-range[1] is not an ip net"))?,
            ),
            None => None,
        };

        let mut errors = Vec::new();
        if entries.len() > 2 {
            errors.push("--service-cluster-ip-range must not contain more than two entries".into());
        }
        let limited = kind != IpAllocatorKind::IpAddress;
        let too_large = |cidr: Cidr, flag: &str| {
            let bits = cidr.mask_bits();
            (limited && cidr.host_bits() > MAX_CIDR_BITS).then(|| {
                format!(
                    "specified {flag} is too large; for {bits}-bit addresses, the mask must be >= {}",
                    bits - MAX_CIDR_BITS
                )
            })
        };
        errors.extend(too_large(primary, "--service-cluster-ip-range"));
        if let Some(secondary) = secondary {
            if primary.is_v6() == secondary.is_v6() {
                errors.push(
                    "--service-cluster-ip-range[0] and --service-cluster-ip-range[1] must be of different IP family"
                        .into(),
                );
            }
            errors.extend(too_large(secondary, "--service-cluster-ip-range[1]"));
        }
        if kind != IpAllocatorKind::Bitmap {
            for cidr in [Some(primary), secondary].into_iter().flatten() {
                if cidr.is_v6() && cidr.prefix() < MIN_V6_PREFIX {
                    errors.push(format!(
                        "shortest allowed prefix length for service CIDR is 64, got {}",
                        cidr.prefix()
                    ));
                }
            }
        }
        if errors.is_empty() {
            Ok(ServiceCidrs { primary, secondary })
        } else {
            Err(ServiceCidrError(errors))
        }
    }

    /// The CIDRs, primary first.
    pub fn iter(&self) -> impl Iterator<Item = Cidr> {
        [Some(self.primary), self.secondary].into_iter().flatten()
    }

    /// The address of the `kubernetes` Service: the first address after the primary network's
    /// (`ServiceIPRange`'s `GetIndexedIP(range, 1)`).
    pub fn kubernetes_service_ip(&self) -> Ip {
        self.primary.nth(1)
    }
}

impl Default for ServiceCidrs {
    /// [`DEFAULT_SERVICE_CIDR`], single-stack.
    fn default() -> Self {
        ServiceCidrs {
            primary: Cidr::v4([10, 96, 0, 0], 12),
            secondary: None,
        }
    }
}

impl fmt::Display for ServiceCidrs {
    /// The flag's value: `10.96.0.0/12` or `10.96.0.0/12,fd00:10:96::/108`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.primary)?;
        if let Some(secondary) = self.secondary {
            write!(f, ",{secondary}")?;
        }
        Ok(())
    }
}
