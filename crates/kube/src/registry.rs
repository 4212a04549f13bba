//! What the Service registry does with node ports on create, update and delete
//! (`pkg/registry/core/service/storage`): allocation in the apiserver's order, validation after it,
//! and a transaction that releases what a failed request took.

use crate::cluster_ips::{
    init_ip_family_fields, unchanged_prefer_dual_stack, ClusterIps, IpProvenance,
};
use crate::outcome::{Cause, Provenance};
use crate::service::{types, Service};
use crate::status::{ApiError, FieldError};
use crate::validation::{string_list, validate, validate_update};
use crate::version::{KubeVersion, TrafficDistribution};
use portband_allocator::ip::Ip;
use portband_allocator::{AllocError, Full, IpAllocError, Pick, PortAllocator};

/// The allocators a Service draws from (upstream `Allocators`): node ports, and cluster IPs by
/// family.
#[derive(Clone, Debug)]
pub struct Allocators {
    /// The node-port allocator.
    pub ports: PortAllocator,
    /// The cluster IP allocators.
    pub ips: ClusterIps,
}

/// One port a request took from the allocator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Allocation {
    /// The field that received it, e.g. `spec.ports[1].nodePort` or `spec.healthCheckNodePort`.
    pub field: String,
    /// The port.
    pub port: i32,
    /// How the allocator chose it, for a dynamic allocation; `None` for an explicit request.
    pub pick: Option<Pick>,
}

/// What a successful request did to the allocator, and why each port is what it is.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Committed {
    /// The ports it took, in order.
    pub allocations: Vec<Allocation>,
    /// The ports it released.
    pub released: Vec<i32>,
    /// The provenance of each `spec.ports` entry's nodePort.
    pub ports: Vec<Provenance>,
    /// The provenance of the health-check port, if the Service needs one.
    pub health_check: Option<Provenance>,
    /// The addresses it released.
    pub released_ips: Vec<Ip>,
    /// The provenance of each `spec.clusterIPs` address (none for a headless Service).
    pub cluster_ips: Vec<IpProvenance>,
}

/// Why a request failed: the apiserver's error and its cause (a [`Cause::Taken`] names no holder
/// here: the registry does not know the stored Services).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    /// The apiserver's error.
    pub error: ApiError,
    /// Its cause.
    pub cause: Cause,
}

/// A request's allocations so far and its deferred releases (upstream `PortAllocationOperation`).
#[derive(Default)]
struct Operation {
    allocations: Vec<Allocation>,
    deferred: Vec<i32>,
    /// Why an allocation failed, if one did.
    failure: Option<Cause>,
    ports: Vec<Provenance>,
    health_check: Option<Provenance>,
    /// The addresses taken, and those to release on success.
    ips_taken: Vec<Ip>,
    ips_deferred: Vec<Ip>,
    cluster_ips: Vec<IpProvenance>,
}

impl Operation {
    /// An operation on `service`, whose entries hold nothing until allocation says otherwise.
    fn new(service: &Service) -> Self {
        Operation {
            ports: vec![Provenance::NotAllocated; service.spec.ports.len()],
            ..Operation::default()
        }
    }

    fn allocate(
        &mut self,
        ports: &mut PortAllocator,
        field: String,
        port: i32,
    ) -> Result<(), AllocError> {
        if let Err(e) = ports.allocate(i64::from(port)) {
            self.failure = Some(match e {
                AllocError::Allocated => Cause::Taken {
                    field,
                    port,
                    holder: None,
                },
                AllocError::NotInRange(_) => Cause::OutOfRange { field, port },
            });
            return Err(e);
        }
        self.allocations.push(Allocation {
            field,
            port,
            pick: None,
        });
        Ok(())
    }

    fn allocate_next(&mut self, ports: &mut PortAllocator, field: String) -> Result<Pick, Full> {
        let pick = match ports.allocate_next() {
            Ok(pick) => pick,
            Err(e) => {
                self.failure = Some(Cause::Full { field });
                return Err(e);
            }
        };
        self.allocations.push(Allocation {
            field,
            port: i32::from(pick.port),
            pick: Some(pick),
        });
        Ok(pick)
    }

    fn release_later(&mut self, port: i32) {
        self.deferred.push(port);
    }

    /// Takes the cluster IP at `index` of `spec.clusterIPs` in `family`'s allocator: the written
    /// address, or for an empty entry the allocator's pick (upstream `allocIPs`).
    fn allocate_ip(
        &mut self,
        ips: &mut ClusterIps,
        service: &mut Service,
        index: usize,
        family: &str,
        version: KubeVersion,
    ) -> Result<(), ApiError> {
        // Families were checked against the cluster's before anything is allocated.
        let Some(allocator) = ips.of_mut(family) else {
            return Ok(());
        };
        let written = service.spec.cluster_ips[index].clone();
        let (ip, provenance) = if written.is_empty() {
            match allocator.allocate_next() {
                Ok(pick) => (pick.ip, IpProvenance::Allocated(pick)),
                Err(e) => {
                    self.failure = Some(Cause::AddressesFull);
                    return Err(ApiError::Internal {
                        message: format!("failed to allocate a serviceIP: {e}"),
                    });
                }
            }
        } else {
            // Validation parsed every written address already.
            let Some(ip) = Ip::parse(&written) else {
                return Ok(());
            };
            if let Err(e) = allocator.allocate(ip) {
                self.failure = Some(match e {
                    IpAllocError::Allocated => Cause::AddressTaken { ip, holder: None },
                    _ => Cause::AddressOutOfRange { ip },
                });
                return Err(ApiError::Invalid {
                    name: service.name.clone(),
                    causes: vec![FieldError::new(
                        "spec.clusterIPs",
                        crate::status::ErrorType::Invalid,
                        string_list(&service.spec.cluster_ips, version),
                        format!("failed to allocate IP {written}: {e}"),
                    )],
                });
            }
            (ip, IpProvenance::Explicit)
        };
        self.ips_taken.push(ip);
        // A written address stays as written (`010.96.0.10` too); a chosen one as Go prints it.
        let stored = if written.is_empty() {
            ip.to_string()
        } else {
            written
        };
        if index == 0 {
            service.spec.cluster_ip.clone_from(&stored);
        }
        service.spec.cluster_ips[index] = stored;
        if self.cluster_ips.len() <= index {
            self.cluster_ips.resize(index + 1, IpProvenance::Kept);
        }
        self.cluster_ips[index] = provenance;
        Ok(())
    }

    /// The request succeeded: run the deferred releases.
    fn commit(self, al: &mut Allocators) -> Committed {
        let released = self
            .deferred
            .into_iter()
            .filter(|&p| al.ports.release(i64::from(p)))
            .collect();
        let released_ips = self
            .ips_deferred
            .into_iter()
            .filter(|&ip| al.ips.for_ip(ip).is_some_and(|a| a.release(ip)))
            .collect();
        Committed {
            allocations: self.allocations,
            released,
            ports: self.ports,
            health_check: self.health_check,
            released_ips,
            cluster_ips: self.cluster_ips,
        }
    }

    /// The request failed: give back what it took, drop the deferred releases.
    fn revert(self, al: &mut Allocators) {
        for allocation in self.allocations {
            al.ports.release(i64::from(allocation.port));
        }
        for ip in self.ips_taken {
            if let Some(allocator) = al.ips.for_ip(ip) {
                allocator.release(ip);
            }
        }
    }

    /// Ends the request with `result`, committing on success and reverting on failure.
    fn finish<T>(
        mut self,
        al: &mut Allocators,
        result: Result<T, ApiError>,
    ) -> Result<(T, Committed), Box<Refused>> {
        match result {
            Ok(value) => Ok((value, self.commit(al))),
            Err(error) => {
                // Every refusal but an allocator's or a duplicate's comes from validation.
                let cause = self.failure.take().unwrap_or(Cause::Invalid);
                self.revert(al);
                Err(Box::new(Refused { error, cause }))
            }
        }
    }
}

fn invalid_node_port(service: &Service, index: usize, port: i32, error: AllocError) -> ApiError {
    let field = format!("spec.ports[{index}].nodePort");
    let pos = service.spec.ports[index].node_port_pos;
    ApiError::Invalid {
        name: service.name.clone(),
        causes: vec![FieldError::new(
            field,
            crate::status::ErrorType::Invalid,
            crate::status::BadValue::Int(port.into()),
            error.to_string(),
        )
        .at(pos)],
    }
}

/// The apiserver's Invalid error for `service` with these causes, if there are any.
pub(crate) fn invalid(service: &Service, causes: Vec<FieldError>) -> Result<(), ApiError> {
    if causes.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Invalid {
            name: service.name.clone(),
            causes,
        })
    }
}

/// Creates `service`: defaults it, allocates its cluster IPs, node ports and health-check port,
/// validates it. On success returns the Service as stored (with its addresses and ports).
pub fn create(
    al: &mut Allocators,
    mut service: Service,
    version: KubeVersion,
) -> Result<(Service, Committed), Box<Refused>> {
    service.apply_defaults();
    drop_disabled_fields(&mut service, version);
    normalize_cluster_ips(&mut service, None);
    init_ip_family_fields(&mut service, None, &al.ips, version).map_err(refused_invalid)?;
    let mut op = Operation::new(&service);
    let result = allocate_cluster_ips(&mut al.ips, &mut op, &mut service, version)
        .and_then(|()| allocate_on_create(&mut al.ports, &mut op, &mut service))
        .and_then(|()| invalid(&service, validate(&service, version)));
    op.finish(al, result)
        .map(|((), committed)| (service, committed))
}

/// A refusal by validation, before anything was allocated.
fn refused_invalid(error: ApiError) -> Box<Refused> {
    Box::new(Refused {
        error,
        cause: Cause::Invalid,
    })
}

/// Upstream `allocClusterIPs`: an address for each of the Service's families, none for an
/// ExternalName or headless Service. Families are taken primary first (upstream walks a Go map,
/// whose order is random: see docs/fidelity.md).
fn allocate_cluster_ips(
    ips: &mut ClusterIps,
    op: &mut Operation,
    service: &mut Service,
    version: KubeVersion,
) -> Result<(), ApiError> {
    if !service.needs_cluster_ip() || service.is_headless() {
        return Ok(());
    }
    let families = service.spec.ip_families.clone();
    if service.spec.cluster_ips.len() < families.len() {
        service
            .spec
            .cluster_ips
            .resize(families.len(), String::new());
    }
    for (i, family) in families.iter().enumerate() {
        op.allocate_ip(ips, service, i, family, version)?;
    }
    Ok(())
}

fn allocate_on_create(
    ports: &mut PortAllocator,
    op: &mut Operation,
    service: &mut Service,
) -> Result<(), ApiError> {
    if service.needs_node_ports() {
        init_node_ports(ports, op, service)?;
    }
    if service.needs_health_check() {
        allocate_health_check(ports, op, service)?;
    }
    Ok(())
}

/// Upstream `initNodePorts`: entries with the same `port` number share one nodePort; an explicit
/// nodePort anywhere in the list is used for every entry with its port number.
fn init_node_ports(
    ports: &mut PortAllocator,
    op: &mut Operation,
    service: &mut Service,
) -> Result<(), ApiError> {
    let allocates = service.allocates_node_ports();
    // (port number, nodePort, the entry that got it first); a Service has a handful of ports.
    let mut by_port_number: Vec<(i32, i32, usize)> = Vec::new();
    for i in 0..service.spec.ports.len() {
        let (number, node_port) = (service.spec.ports[i].port, service.spec.ports[i].node_port);
        if node_port == 0 && !allocates {
            continue;
        }
        let field = format!("spec.ports[{i}].nodePort");
        let provenance = match by_port_number.iter().find(|(n, _, _)| *n == number) {
            None => {
                let requested = service
                    .spec
                    .ports
                    .iter()
                    .position(|p| p.port == number && p.node_port != 0);
                let (assigned, provenance) = match requested {
                    Some(j) => {
                        let np = service.spec.ports[j].node_port;
                        op.allocate(ports, field, np)
                            .map_err(|e| invalid_node_port(service, i, np, e))?;
                        let provenance = if j == i {
                            Provenance::Explicit
                        } else {
                            Provenance::Shared { index: j }
                        };
                        (np, provenance)
                    }
                    None => {
                        let pick =
                            op.allocate_next(ports, field)
                                .map_err(|e| ApiError::Internal {
                                    message: format!("failed to allocate a nodePort: {e}"),
                                })?;
                        (i32::from(pick.port), Provenance::Allocated(pick))
                    }
                };
                service.spec.ports[i].node_port = assigned;
                by_port_number.push((number, assigned, i));
                provenance
            }
            Some(&(_, shared, first)) if node_port == 0 => {
                service.spec.ports[i].node_port = shared;
                Provenance::Shared { index: first }
            }
            Some(&(_, shared, _)) => {
                if node_port != shared {
                    op.allocate(ports, field, node_port)
                        .map_err(|e| invalid_node_port(service, i, node_port, e))?;
                }
                Provenance::Explicit
            }
        };
        op.ports[i] = provenance;
    }
    Ok(())
}

/// Upstream `allocHealthCheckNodePort`.
fn allocate_health_check(
    ports: &mut PortAllocator,
    op: &mut Operation,
    service: &mut Service,
) -> Result<(), ApiError> {
    let field = "spec.healthCheckNodePort".to_owned();
    let requested = service.spec.health_check_node_port;
    if requested != 0 {
        op.allocate(ports, field, requested)
            .map_err(|e| ApiError::Internal {
                message: format!(
                    "failed to allocate requested HealthCheck NodePort {requested}: {e}"
                ),
            })?;
        op.health_check = Some(Provenance::Explicit);
    } else {
        // Upstream prints 0 here: the variable it formats is shadowed.
        let pick = op
            .allocate_next(ports, field)
            .map_err(|e| ApiError::Internal {
                message: format!("failed to allocate a HealthCheck NodePort 0: {e}"),
            })?;
        service.spec.health_check_node_port = i32::from(pick.port);
        op.health_check = Some(Provenance::Allocated(pick));
    }
    Ok(())
}

/// Replaces `old` with `service`: re-fills unset addresses and ports from `old`, allocates and
/// releases as the change requires, validates. On success returns the Service as stored.
pub fn update(
    al: &mut Allocators,
    mut service: Service,
    old: &Service,
    version: KubeVersion,
) -> Result<(Service, Committed), Box<Refused>> {
    service.apply_defaults();
    drop_disabled_fields(&mut service, version);
    let kept = patch_allocated_values(&mut service, old, version);
    normalize_cluster_ips(&mut service, Some(old));
    init_ip_family_fields(&mut service, Some(old), &al.ips, version).map_err(refused_invalid)?;
    let mut op = Operation::new(&service);
    op.cluster_ips = vec![IpProvenance::Kept; service.spec.cluster_ips.len()];
    let result = update_cluster_ips(&mut al.ips, &mut op, &mut service, old, version)
        .and_then(|()| allocate_on_update(&mut al.ports, &mut op, &mut service, old, &kept))
        .and_then(|()| {
            drop_type_dependent_fields(&mut service, old);
            invalid(&service, validate_update(&service, old, version))
        });
    if service.is_headless() || !service.needs_cluster_ip() {
        op.cluster_ips.clear();
    }
    op.finish(al, result)
        .map(|((), committed)| (service, committed))
}

/// Upstream `updateClusterIPs`: from ExternalName, addresses as on create; to ExternalName, the
/// old ones released; one family to two, the second allocated; two to one, the second released.
/// Releases wait for the request to succeed.
fn update_cluster_ips(
    ips: &mut ClusterIps,
    op: &mut Operation,
    service: &mut Service,
    old: &Service,
    version: KubeVersion,
) -> Result<(), ApiError> {
    if unchanged_prefer_dual_stack(service, Some(old)) {
        return Ok(());
    }
    if !old.needs_cluster_ip() && service.needs_cluster_ip() {
        return allocate_cluster_ips(ips, op, service, version);
    }
    if old.is_headless() {
        return Ok(());
    }
    let release = |op: &mut Operation, ip: &str| {
        if let Some(ip) = Ip::parse(ip) {
            op.ips_deferred.push(ip);
        }
    };
    if old.needs_cluster_ip() && !service.needs_cluster_ip() {
        for ip in old.spec.cluster_ips.iter().take(old.spec.ip_families.len()) {
            release(op, ip);
        }
        return Ok(());
    }
    match (old.spec.ip_families.len(), service.spec.ip_families.len()) {
        (1, 2) => {
            if service.spec.cluster_ips.len() < 2 {
                service.spec.cluster_ips.push(String::new());
            }
            let family = service.spec.ip_families[1].clone();
            op.allocate_ip(ips, service, 1, &family, version)?;
        }
        (2, 1) => {
            if let Some(ip) = old.spec.cluster_ips.get(1) {
                release(op, ip);
            }
        }
        _ => {}
    }
    Ok(())
}

/// Which fields [`patch_allocated_values`] filled from the old object.
struct Kept {
    /// By `spec.ports` index.
    ports: Vec<bool>,
    health_check: bool,
}

/// Upstream `patchAllocatedValues`: a re-submitted object that leaves its cluster IPs, nodePorts
/// (or the health-check port) unset keeps the ones it has, nodePorts matched by port name; from
/// 1.30 not the nodePorts of a LoadBalancer that allocates none, whose 0 clears them.
fn patch_allocated_values(service: &mut Service, old: &Service, version: KubeVersion) -> Kept {
    let mut kept = Kept {
        ports: vec![false; service.spec.ports.len()],
        health_check: false,
    };
    if old.needs_cluster_ip() && service.needs_cluster_ip() {
        if service.spec.cluster_ip.is_empty() {
            service.spec.cluster_ip.clone_from(&old.spec.cluster_ip);
        }
        if service.spec.cluster_ips.is_empty() {
            service.spec.cluster_ips.clone_from(&old.spec.cluster_ips);
        }
    }
    let refills_node_ports =
        service.allocates_node_ports() || !version.clears_unallocated_node_ports();
    if old.needs_node_ports() && service.needs_node_ports() && refills_node_ports {
        let new_ports = service.node_ports();
        let used: Vec<i32> = old
            .node_ports()
            .into_iter()
            .filter(|p| new_ports.contains(p))
            .collect();
        // The old nodePort by port name; the last entry wins, as in upstream's map.
        let by_name = |name: &str| {
            old.spec
                .ports
                .iter()
                .rev()
                .find(|p| p.name == name)
                .map(|p| p.node_port)
        };
        for (i, port) in service.spec.ports.iter_mut().enumerate() {
            let old_value = by_name(&port.name).unwrap_or(0);
            if port.node_port == 0 && !used.contains(&old_value) {
                port.node_port = old_value;
                kept.ports[i] = old_value != 0;
            }
        }
    }
    if old.needs_health_check()
        && service.needs_health_check()
        && service.spec.health_check_node_port == 0
    {
        service.spec.health_check_node_port = old.spec.health_check_node_port;
        kept.health_check = true;
    }
    kept
}

/// Upstream `txnUpdateNodePorts` and `updateHealthCheckNodePort`.
fn allocate_on_update(
    ports: &mut PortAllocator,
    op: &mut Operation,
    service: &mut Service,
    old: &Service,
    kept: &Kept,
) -> Result<(), ApiError> {
    let drops_node_ports =
        [types::CLUSTER_IP, types::EXTERNAL_NAME].contains(&service.spec.type_.as_str());
    if old.needs_node_ports() && drops_node_ports {
        for port in old.node_ports() {
            op.release_later(port);
        }
    }
    if service.needs_node_ports() {
        update_node_ports(ports, op, service, old, kept)?;
    }
    match (old.needs_health_check(), service.needs_health_check()) {
        (false, true) => allocate_health_check(ports, op, service)?,
        (true, false) => op.release_later(old.spec.health_check_node_port),
        (true, true) if kept.health_check || service.spec.health_check_node_port_pos.is_none() => {
            op.health_check = Some(Provenance::Kept)
        }
        (true, true) => op.health_check = Some(Provenance::Explicit),
        (false, false) => {}
    }
    Ok(())
}

/// Upstream `updateNodePorts`: keep old values, allocate new ones (no sharing by port number here),
/// refuse a repeated (protocol, nodePort), release what is gone.
fn update_node_ports(
    ports: &mut PortAllocator,
    op: &mut Operation,
    service: &mut Service,
    old: &Service,
    kept: &Kept,
) -> Result<(), ApiError> {
    let old_ports = old.node_ports();
    let allocates = service.allocates_node_ports();
    let mut taken_here: Vec<i32> = Vec::new();
    let mut seen: Vec<(String, i32)> = Vec::new();
    for i in 0..service.spec.ports.len() {
        let node_port = service.spec.ports[i].node_port;
        if node_port == 0 && !allocates {
            continue;
        }
        let field = format!("spec.ports[{i}].nodePort");
        let assigned = if node_port != 0 {
            if !old_ports.contains(&node_port) && !taken_here.contains(&node_port) {
                op.allocate(ports, field, node_port)
                    .map_err(|e| invalid_node_port(service, i, node_port, e))?;
                taken_here.push(node_port);
            }
            // Kept: re-filled here, or not written in the manifest (`kubectl apply` carried the
            // live value over).
            let unwritten = service.spec.ports[i].node_port_pos.is_none();
            op.ports[i] = if kept.ports[i] || (unwritten && old_ports.contains(&node_port)) {
                Provenance::Kept
            } else {
                Provenance::Explicit
            };
            node_port
        } else {
            let pick = op
                .allocate_next(ports, field)
                .map_err(|e| ApiError::Internal {
                    message: format!("failed to allocate a nodePort: {e}"),
                })?;
            op.ports[i] = Provenance::Allocated(pick);
            service.spec.ports[i].node_port = i32::from(pick.port);
            i32::from(pick.port)
        };
        let (protocol, port) = (service.spec.ports[i].protocol.clone(), assigned);
        if seen.iter().any(|(p, n)| *p == protocol && *n == port) {
            let message = format!("duplicate nodePort: {{{protocol} {port}}}");
            op.failure = Some(Cause::Duplicate { protocol, port });
            return Err(ApiError::Unknown { message });
        }
        seen.push((protocol, port));
    }
    let new_ports = service.node_ports();
    for port in old_ports.into_iter().filter(|p| !new_ports.contains(p)) {
        op.release_later(port);
    }
    Ok(())
}

/// Upstream `normalizeClusterIPs`: `clusterIPs` follows `clusterIP` where a client wrote only the
/// singular field (on create, or `old` on update).
fn normalize_cluster_ips(service: &mut Service, old: Option<&Service>) {
    let spec = &mut service.spec;
    let Some(old) = old.map(|old| &old.spec) else {
        if !spec.cluster_ip.is_empty() && spec.cluster_ips.is_empty() {
            spec.cluster_ips = vec![spec.cluster_ip.clone()];
        }
        return;
    };
    // An old client that patched another field and sent no clusterIPs.
    if !old.cluster_ips.is_empty()
        && spec.cluster_ips.is_empty()
        && old.cluster_ip == spec.cluster_ip
    {
        spec.cluster_ips.clone_from(&old.cluster_ips);
    }
    if old.cluster_ip != spec.cluster_ip {
        if !old.cluster_ip.is_empty() && spec.cluster_ip.is_empty() {
            // Clearing the singular field clears the plural one, if it was left as it was.
            if old.cluster_ips == spec.cluster_ips {
                spec.cluster_ips.clear();
            }
        } else if old.cluster_ips == spec.cluster_ips {
            spec.cluster_ips = vec![spec.cluster_ip.clone()];
        }
    }
}

/// Upstream `dropDisabledFields`: a field whose feature gate is off is cleared.
fn drop_disabled_fields(service: &mut Service, version: KubeVersion) {
    if version.traffic_distribution() == TrafficDistribution::Dropped {
        service.spec.traffic_distribution = None;
    }
}

/// Upstream `dropTypeDependentFields`: on a change to a type without cluster IPs or node ports,
/// clear the fields of those the user did not change.
fn drop_type_dependent_fields(service: &mut Service, old: &Service) {
    if old.needs_cluster_ip()
        && !service.needs_cluster_ip()
        && old.spec.cluster_ip == service.spec.cluster_ip
        && old.spec.cluster_ips == service.spec.cluster_ips
    {
        service.spec.cluster_ip.clear();
        service.spec.cluster_ips.clear();
    }
    if old.needs_cluster_ip() && !service.needs_cluster_ip() {
        let spec = &mut service.spec;
        if spec.ip_families == old.spec.ip_families {
            spec.ip_families.clear();
        }
        if spec.ip_family_policy == old.spec.ip_family_policy {
            spec.ip_family_policy = None;
        }
    }
    if old.needs_node_ports() && !service.needs_node_ports() {
        let old_ports = old.node_ports();
        if service.node_ports().iter().all(|p| old_ports.contains(p)) {
            for port in &mut service.spec.ports {
                port.node_port = 0;
            }
        }
    }
    if old.needs_health_check()
        && !service.needs_health_check()
        && service.spec.health_check_node_port == old.spec.health_check_node_port
    {
        service.spec.health_check_node_port = 0;
    }
    if old.spec.type_ == types::LOAD_BALANCER
        && service.spec.type_ != types::LOAD_BALANCER
        && service.spec.allocate_load_balancer_node_ports
            == old.spec.allocate_load_balancer_node_ports
    {
        service.spec.allocate_load_balancer_node_ports = None;
    }
    if old.spec.type_ == types::LOAD_BALANCER
        && service.spec.type_ != types::LOAD_BALANCER
        && service.spec.load_balancer_class == old.spec.load_balancer_class
    {
        service.spec.load_balancer_class = None;
    }
    if old.externally_accessible()
        && !service.externally_accessible()
        && service.spec.external_traffic_policy == old.spec.external_traffic_policy
    {
        service.spec.external_traffic_policy.clear();
    }
}

/// Deletes `service` (upstream `releaseAllocatedResources`): releases its cluster IPs (each in
/// its family's allocator), its nodePorts and, if it needs one, its health-check port. Returns
/// the ports and the addresses released.
pub fn delete(al: &mut Allocators, service: &Service) -> (Vec<i32>, Vec<Ip>) {
    let mut released_ips = Vec::new();
    if service.needs_cluster_ip() && !service.is_headless() {
        for ip in service
            .spec
            .cluster_ips
            .iter()
            .filter_map(|ip| Ip::parse(ip))
        {
            if al.ips.for_ip(ip).is_some_and(|a| a.release(ip)) {
                released_ips.push(ip);
            }
        }
    }
    let ports = &mut al.ports;
    let mut released: Vec<i32> = service
        .node_ports()
        .into_iter()
        .filter(|&p| ports.release(i64::from(p)))
        .collect();
    let hc = service.spec.health_check_node_port;
    if service.needs_health_check() && hc > 0 && ports.release(i64::from(hc)) {
        released.push(hc);
    }
    (released, released_ips)
}
