//! What the Service registry does with cluster IPs (KEP-3070; upstream's
//! `pkg/registry/core/service/storage/alloc.go`): the cluster's allocators by IP family, the
//! defaults of `ipFamilyPolicy` and `ipFamilies` (`initIPFamilyFields`), and where each address
//! of a Service came from.

use crate::registry::invalid;
use crate::service::Service;
use crate::status::{ApiError, BadValue};
use crate::validation::{
    cluster_ips_errors, invalid as invalid_value, optional_string, string_list,
};
use crate::version::KubeVersion;
use portband_allocator::ip::Ip;
use portband_allocator::{BandKind, IpAllocator, IpPick, ServiceCidrs};
use std::sync::Arc;

/// `ipFamilyPolicy: SingleStack`.
pub const SINGLE_STACK: &str = "SingleStack";
/// `ipFamilyPolicy: PreferDualStack`.
pub const PREFER_DUAL_STACK: &str = "PreferDualStack";
/// `ipFamilyPolicy: RequireDualStack`.
pub const REQUIRE_DUAL_STACK: &str = "RequireDualStack";

/// The IP family of an address as the API names it, `IPv4` or `IPv6`.
pub fn family_name(v6: bool) -> &'static str {
    if v6 {
        "IPv6"
    } else {
        "IPv4"
    }
}

/// The family of a written address (`None` when it is no address).
pub fn family_of(ip: &str) -> Option<&'static str> {
    Ip::parse(ip).map(|ip| family_name(ip.is_v6()))
}

/// The cluster IP allocators of a cluster, one per service CIDR, primary first. Each is shared
/// and copied on write, as a cluster's Services are: a copy of the cluster (a moment, a dry run,
/// a checkpoint) does not copy a /12's 128 KiB bitmap until it takes or frees an address.
#[derive(Clone, Debug)]
pub struct ClusterIps {
    allocators: Vec<Arc<IpAllocator>>,
}

impl ClusterIps {
    /// Empty allocators for `cidrs`, as the allocator of `version` hands out addresses; each
    /// family draws from a random source of its own, seeded from `seed`.
    pub fn new(cidrs: ServiceCidrs, version: KubeVersion, seed: u64) -> Self {
        let kind = version.ip_allocator();
        let allocators = cidrs
            .iter()
            .zip(1u64..)
            .map(|(cidr, n)| Arc::new(IpAllocator::new(cidr, kind, seed.wrapping_add(n))))
            .collect();
        ClusterIps { allocators }
    }

    /// The allocators, primary first.
    pub fn allocators(&self) -> &[Arc<IpAllocator>] {
        &self.allocators
    }

    /// The allocator of a family (`IPv4`, `IPv6`), if the cluster has it.
    pub fn of(&self, family: &str) -> Option<&IpAllocator> {
        self.allocators
            .iter()
            .find(|a| family_name(a.cidr().is_v6()) == family)
            .map(|a| &**a)
    }

    /// The allocator of a family, to change (copied first if a copy of the cluster shares it).
    pub fn of_mut(&mut self, family: &str) -> Option<&mut IpAllocator> {
        self.allocators
            .iter_mut()
            .find(|a| family_name(a.cidr().is_v6()) == family)
            .map(Arc::make_mut)
    }

    /// The allocator `ip` belongs to by its family.
    pub fn for_ip(&mut self, ip: Ip) -> Option<&mut IpAllocator> {
        self.of_mut(family_name(ip.is_v6()))
    }

    /// The primary family (the first CIDR's).
    pub fn primary_family(&self) -> &'static str {
        family_name(self.allocators[0].cidr().is_v6())
    }

    /// Whether the cluster has both families.
    pub fn dual_stack(&self) -> bool {
        self.allocators.len() == 2
    }

    /// The band of a held address, if it is a usable address of its family's range.
    pub fn band_of(&self, ip: Ip) -> Option<BandKind> {
        self.of(family_name(ip.is_v6()))?.band_of(ip)
    }
}

/// Why a cluster IP is what it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IpProvenance {
    /// Written in the manifest (`clusterIP` or `clusterIPs`).
    Explicit,
    /// Chosen by the allocator, as the pick tells.
    Allocated(IpPick),
    /// The address the Service had before this step.
    Kept,
}

/// One address a Service holds, with its band and provenance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClusterIp {
    /// The address.
    pub ip: Ip,
    /// Its band in its family's range.
    pub band: Option<BandKind>,
    /// Where it came from.
    pub provenance: IpProvenance,
}

/// Upstream `isMatchingPreferDualStackClusterIPFields`: an update of a PreferDualStack Service
/// that leaves its type, addresses and families as they were changes nothing about them, even if
/// the cluster's families changed since.
pub fn unchanged_prefer_dual_stack(service: &Service, old: Option<&Service>) -> bool {
    let Some(old) = old else { return false };
    let (spec, was) = (&service.spec, &old.spec);
    spec.ip_family_policy.is_some()
        && spec.type_ == was.type_
        && service.needs_cluster_ip()
        && spec.ip_family_policy.as_deref() == Some(PREFER_DUAL_STACK)
        && was.ip_family_policy.as_deref().unwrap_or(PREFER_DUAL_STACK) == PREFER_DUAL_STACK
        && spec.cluster_ips == was.cluster_ips
        && spec.ip_families == was.ip_families
}

/// Upstream `initIPFamilyFields`: defaults `ipFamilyPolicy` and `ipFamilies` from the request,
/// the old object (`old`, on update) and the cluster's families, and refuses what the cluster
/// cannot give. Nothing is allocated yet; a refusal takes nothing.
pub fn init_ip_family_fields(
    service: &mut Service,
    old: Option<&Service>,
    ips: &ClusterIps,
    version: KubeVersion,
) -> Result<(), ApiError> {
    if !service.needs_cluster_ip() || unchanged_prefer_dual_stack(service, old) {
        return Ok(());
    }
    let selectorless_headless = service.spec.cluster_ip == "None"
        && service.spec.selector.as_ref().is_none_or(Vec::is_empty);
    if service.spec.ip_family_policy.is_none() {
        let inherited = old.and_then(|old| old.spec.ip_family_policy.clone());
        service.spec.ip_family_policy = Some(inherited.unwrap_or_else(|| {
            if selectorless_headless {
                REQUIRE_DUAL_STACK
            } else {
                SINGLE_STACK
            }
            .to_owned()
        }));
    }
    invalid(service, cluster_ips_errors(service, version))?;

    let policy = service.spec.ip_family_policy.clone();
    let policy_value = || optional_string(policy.as_deref(), version);
    let single_stack = policy.as_deref() == Some(SINGLE_STACK);
    let policy_error = |detail: &str| invalid_value("spec.ipFamilyPolicy", policy_value(), detail);
    let mut errors = Vec::new();
    if let Some(old) = old {
        let spec = &mut service.spec;
        if single_stack {
            // Asking for SingleStack with the fields as they were releases the secondary.
            if spec.cluster_ips == old.spec.cluster_ips && spec.cluster_ips.len() > 1 {
                spec.cluster_ips.truncate(1);
            }
            if spec.ip_families == old.spec.ip_families && spec.ip_families.len() > 1 {
                spec.ip_families.truncate(1);
            }
        } else {
            let reduced = |new: usize, was: usize| new != 0 && new < was;
            if reduced(spec.cluster_ips.len(), old.spec.cluster_ips.len()) {
                errors.push(policy_error(
                    "must be 'SingleStack' to release the secondary cluster IP",
                ));
            }
            if reduced(spec.ip_families.len(), old.spec.ip_families.len()) {
                errors.push(policy_error(
                    "must be 'SingleStack' to release the secondary IP family",
                ));
            }
        }
    }
    if single_stack {
        if service.spec.cluster_ips.len() == 2 {
            errors.push(policy_error(
                "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified",
            ));
        }
        if service.spec.ip_families.len() == 2 {
            errors.push(policy_error(
                "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified",
            ));
        }
    }
    // Families follow the written addresses, up to a `None`.
    for i in 0..service.spec.cluster_ips.len() {
        let ip = &service.spec.cluster_ips[i];
        if ip == "None" {
            break;
        }
        let Some(family) = family_of(ip) else {
            continue;
        };
        if i >= service.spec.ip_families.len() {
            if ips.of(family).is_none() {
                errors.push(invalid_value(
                    format!("spec.clusterIPs[{i}]"),
                    string_list(&service.spec.cluster_ips, version),
                    &format!("{family} is not configured on this cluster"),
                ));
            } else {
                service.spec.ip_families.push(family.to_owned());
            }
        }
    }
    invalid(service, std::mem::take(&mut errors))?;

    let other = |family: &str| if family == "IPv4" { "IPv6" } else { "IPv4" };
    if selectorless_headless {
        let families = &mut service.spec.ip_families;
        if families.is_empty() {
            families.push(ips.primary_family().to_owned());
        }
        if families.len() < 2 && !single_stack {
            let second = other(&families[0]).to_owned();
            families.push(second);
        }
        return Ok(());
    }
    if policy.as_deref() == Some(REQUIRE_DUAL_STACK) && !ips.dual_stack() {
        errors.push(policy_error(
            "this cluster is not configured for dual-stack services",
        ));
    }
    for (i, family) in service.spec.ip_families.iter().enumerate() {
        if ips.of(family).is_none() {
            errors.push(invalid_value(
                format!("spec.ipFamilies[{i}]"),
                BadValue::Str(family.clone()),
                "not configured on this cluster",
            ));
        }
    }
    invalid(service, errors)?;
    let families = &mut service.spec.ip_families;
    if families.is_empty() {
        families.push(ips.primary_family().to_owned());
    }
    if !single_stack && families.len() == 1 && ips.dual_stack() {
        let second = other(&families[0]).to_owned();
        families.push(second);
    }
    Ok(())
}
