//! The validation rules of `ValidateService` / `ValidateServiceUpdate`
//! (`pkg/apis/core/validation/validation.go`) that touch node ports, names and ports, split as
//! upstream splits them and run in upstream's order (so that multi-cause messages list causes as
//! upstream does).
//!
//! Rules about fields that node-port allocation never reads (selectors, session affinity, IP
//! families, source ranges, load balancer class, ExternalName targets) are not checked.

mod names;

use crate::service::{types, Service, ServicePort, ServiceSpec, TargetPort};
use crate::status::{BadValue, ErrorType, FieldError};
use crate::version::KubeVersion;
use names::{
    dns1035_label_errors, dns1123_label_errors, dns1123_subdomain_errors, label_value_errors,
    port_name_errors, qualified_name_errors,
};
use portband_allocator::gofmt::{JsonQuoted, Quoted};
use std::cmp::Ordering;

const PORT_NUMBER_MESSAGE: &str = "must be between 1 and 65535, inclusive";
const SERVICE_TYPES: &[&str] = &[
    types::CLUSTER_IP,
    types::EXTERNAL_NAME,
    types::LOAD_BALANCER,
    types::NODE_PORT,
];
const PROTOCOLS: &[&str] = &["SCTP", "TCP", "UDP"];
const SESSION_AFFINITIES: &[&str] = &["ClientIP", "None"];
const TRAFFIC_POLICIES: &[&str] = &["Cluster", "Local"];

fn invalid(field: impl Into<String>, value: BadValue, detail: &str) -> FieldError {
    FieldError::new(field, ErrorType::Invalid, value, detail)
}

/// Validation on create (`ValidateService`), after defaulting and allocation, with the messages of
/// `version`.
pub fn validate(service: &Service, version: KubeVersion) -> Vec<FieldError> {
    let spec = &service.spec;
    let mut errors = validate_object_meta(service, version);
    if spec.ports.is_empty() && !service.is_headless() && spec.type_ != types::EXTERNAL_NAME {
        errors.push(FieldError::new(
            "spec.ports",
            ErrorType::Required,
            BadValue::None,
            "",
        ));
    }
    if service.needs_node_ports() && service.is_headless() {
        errors.push(invalid(
            "spec.clusterIPs[0]",
            BadValue::Str("None".into()),
            &format!("may not be set to 'None' for {} services", spec.type_),
        ));
    }
    if spec.type_ == types::EXTERNAL_NAME {
        errors.extend(external_name_errors(spec));
    }
    let mut names = Vec::new();
    for (i, port) in spec.ports.iter().enumerate() {
        errors.extend(validate_service_port(
            port,
            i,
            spec.ports.len() > 1,
            &mut names,
            version,
        ));
    }
    if let Some(selector) = &spec.selector {
        errors.extend(label_errors("spec.selector", selector, version));
    }
    if !SESSION_AFFINITIES.contains(&spec.session_affinity.as_str()) {
        errors.push(FieldError::not_supported(
            "spec.sessionAffinity",
            &spec.session_affinity,
            SESSION_AFFINITIES,
        ));
    }
    if !SERVICE_TYPES.contains(&spec.type_.as_str()) {
        errors.push(FieldError::not_supported(
            "spec.type",
            &spec.type_,
            SERVICE_TYPES,
        ));
    }
    errors.extend(node_port_errors(spec));
    errors.extend(duplicate_port_errors(spec, version));
    errors.extend(allocate_load_balancer_node_ports_errors(spec));
    errors.extend(load_balancer_class_errors(service, None, version));
    errors.extend(validate_service_external_traffic_policy(service));
    if let Some(policy) = spec
        .internal_traffic_policy
        .as_deref()
        .filter(|p| !TRAFFIC_POLICIES.contains(p))
    {
        errors.push(FieldError::not_supported(
            "spec.internalTrafficPolicy",
            policy,
            TRAFFIC_POLICIES,
        ));
    }
    errors
}

/// Validation on update (`ValidateServiceUpdate`): the health-check port may not change while it is
/// needed, then everything [`validate`] checks.
pub fn validate_update(service: &Service, old: &Service, version: KubeVersion) -> Vec<FieldError> {
    let mut errors = cluster_ips_update_errors(service, old, version);
    errors.extend(load_balancer_class_errors(service, Some(old), version));
    if old.needs_health_check()
        && service.needs_health_check()
        && service.spec.health_check_node_port != old.spec.health_check_node_port
    {
        errors.push(
            FieldError::new(
                "spec.healthCheckNodePort",
                ErrorType::Forbidden,
                BadValue::None,
                "field is immutable",
            )
            .at(service.spec.health_check_node_port_pos),
        );
    }
    errors.extend(validate(service, version));
    errors
}

/// `ValidateObjectMeta` with `ValidateServiceName`: the name a DNS-1035 label, the namespace a
/// DNS-1123 label.
fn validate_object_meta(service: &Service, version: KubeVersion) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if service.name.is_empty() {
        errors.push(FieldError::new(
            "metadata.name",
            ErrorType::Required,
            BadValue::None,
            "name or generateName is required",
        ));
    } else {
        for message in dns1035_label_errors(&service.name) {
            errors.push(invalid(
                "metadata.name",
                BadValue::Str(service.name.clone()),
                &message,
            ));
        }
    }
    for message in dns1123_label_errors(&service.namespace) {
        errors.push(invalid(
            "metadata.namespace",
            BadValue::Str(service.namespace.clone()),
            &message,
        ));
    }
    errors.extend(label_errors("metadata.labels", &service.labels, version));
    errors.extend(annotation_errors(&service.annotations, version));
    errors
}

/// Upstream `ValidateLabels`: each key a qualified name, each value a label value. Upstream walks
/// a Go map, in an order that changes from run to run; portband reports the keys in sorted order.
fn label_errors(path: &str, labels: &[(String, String)], version: KubeVersion) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (key, value) in sorted(labels) {
        for message in qualified_name_errors(key, version.says_label_key()) {
            errors.push(invalid(path, BadValue::Str(key.to_owned()), &message));
        }
        for message in label_value_errors(value) {
            errors.push(invalid(path, BadValue::Str(value.to_owned()), &message));
        }
    }
    errors
}

/// A map's entries by key.
fn sorted(map: &[(String, String)]) -> Vec<(&str, &str)> {
    let mut entries: Vec<(&str, &str)> =
        map.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    entries.sort_unstable();
    entries
}

/// Upstream `ValidateAnnotations`: each key a qualified name whatever its case, and 256 KiB in
/// all, keys and values (keys in sorted order, as for labels).
fn annotation_errors(annotations: &[(String, String)], version: KubeVersion) -> Vec<FieldError> {
    const MOST_BYTES: usize = 256 << 10;
    let mut errors = Vec::new();
    for (key, _) in sorted(annotations) {
        let lower = key.to_ascii_lowercase();
        for message in qualified_name_errors(&lower, version.says_label_key()) {
            errors.push(invalid(
                "metadata.annotations",
                BadValue::Str(key.to_owned()),
                &message,
            ));
        }
    }
    let size: usize = annotations.iter().map(|(k, v)| k.len() + v.len()).sum();
    if size > MOST_BYTES {
        errors.push(FieldError::new(
            "metadata.annotations",
            ErrorType::TooLong,
            BadValue::None,
            version.too_long(MOST_BYTES),
        ));
    }
    errors
}

/// `validateServicePort`: the entry's name (required when there are several, a unique DNS-1123
/// label; `names` collects those seen), port number, protocol and target port.
fn validate_service_port<'a>(
    port: &'a ServicePort,
    index: usize,
    requires_name: bool,
    names: &mut Vec<&'a str>,
    version: KubeVersion,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let path = format!("spec.ports[{index}]");
    if requires_name && port.name.is_empty() {
        errors.push(FieldError::new(
            format!("{path}.name"),
            ErrorType::Required,
            BadValue::None,
            "",
        ));
    } else if !port.name.is_empty() {
        for message in dns1123_label_errors(&port.name) {
            errors.push(invalid(
                format!("{path}.name"),
                BadValue::Str(port.name.clone()),
                &message,
            ));
        }
        if names.contains(&port.name.as_str()) {
            errors.push(FieldError::new(
                format!("{path}.name"),
                ErrorType::Duplicate,
                BadValue::Str(port.name.clone()),
                "",
            ));
        } else {
            names.push(&port.name);
        }
    }
    if !(1..=65535).contains(&port.port) {
        errors.push(invalid(
            format!("{path}.port"),
            BadValue::Int(port.port.into()),
            PORT_NUMBER_MESSAGE,
        ));
    }
    if !PROTOCOLS.contains(&port.protocol.as_str()) {
        errors.push(FieldError::not_supported(
            format!("{path}.protocol"),
            &port.protocol,
            PROTOCOLS,
        ));
    }
    match &port.target_port {
        Some(TargetPort::Number(n)) if !(1..=65535).contains(n) => errors.push(invalid(
            format!("{path}.targetPort"),
            BadValue::Int((*n).into()),
            PORT_NUMBER_MESSAGE,
        )),
        Some(TargetPort::Name(name)) => {
            for message in port_name_errors(name) {
                errors.push(invalid(
                    format!("{path}.targetPort"),
                    BadValue::Str(name.clone()),
                    message,
                ));
            }
        }
        _ => {}
    }
    if let Some(app_protocol) = &port.app_protocol {
        errors.extend(qualified_name(
            &format!("{path}.appProtocol"),
            app_protocol,
            version,
        ));
    }
    errors.into_iter().map(|e| e.at(port.pos)).collect()
}

/// Upstream `ValidateQualifiedName`: one error per way `value` is not a qualified name.
fn qualified_name(path: &str, value: &str, version: KubeVersion) -> Vec<FieldError> {
    qualified_name_errors(value, version.says_label_key())
        .into_iter()
        .map(|message| invalid(path, BadValue::Str(value.to_owned()), &message))
        .collect()
}

/// Upstream `validateLoadBalancerClassField`: a LoadBalancer's class may not change once set and is
/// a qualified name; no other type may have one.
fn load_balancer_class_errors(
    service: &Service,
    old: Option<&Service>,
    version: KubeVersion,
) -> Vec<FieldError> {
    let class = service.spec.load_balancer_class.as_deref();
    let mut errors = Vec::new();
    let is_lb = |s: &Service| s.spec.type_ == types::LOAD_BALANCER;
    if let Some(old) = old.filter(|old| is_lb(old) && is_lb(service)) {
        if old.spec.load_balancer_class.as_deref() != class {
            let value = class.map_or(BadValue::Printed("null".into()), |c| {
                BadValue::Str(c.into())
            });
            errors.push(invalid(
                "spec.loadBalancerClass",
                value,
                "may not change once set",
            ));
        }
    }
    match class {
        Some(class) if is_lb(service) => {
            errors.extend(qualified_name("spec.loadBalancerClass", class, version))
        }
        Some(_) => errors.push(FieldError::new(
            "spec.loadBalancerClass",
            ErrorType::Forbidden,
            BadValue::None,
            "may only be used when `type` is 'LoadBalancer'",
        )),
        None => {}
    }
    errors
}

/// No nodePort on a ClusterIP Service, and no (protocol, nodePort) twice.
fn node_port_errors(spec: &ServiceSpec) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let with_node_ports = || {
        spec.ports
            .iter()
            .enumerate()
            .filter(|(_, p)| p.node_port != 0)
    };
    if spec.type_ == types::CLUSTER_IP {
        for (i, port) in with_node_ports() {
            errors.push(
                FieldError::new(
                    format!("spec.ports[{i}].nodePort"),
                    ErrorType::Forbidden,
                    BadValue::None,
                    "may not be used when `type` is 'ClusterIP'",
                )
                .at(port.node_port_pos),
            );
        }
    }
    let mut seen: Vec<(&str, i32)> = Vec::new();
    for (i, port) in with_node_ports() {
        let key = (port.protocol.as_str(), port.node_port);
        if seen.contains(&key) {
            errors.push(
                FieldError::new(
                    format!("spec.ports[{i}].nodePort"),
                    ErrorType::Duplicate,
                    BadValue::Int(port.node_port.into()),
                    "",
                )
                .at(port.node_port_pos),
            );
        }
        seen.push(key);
    }
    errors
}

/// No (protocol, port) twice. The value is upstream's key, an internal `core.ServicePort` with
/// only the protocol and port set, printed as `version` prints it: a Go struct literal (`%#v`)
/// before 1.34, JSON from 1.34 (the internal type has no JSON tags, so the keys are its Go field
/// names, in order; an `IntOrString` is its number).
fn duplicate_port_errors(spec: &ServiceSpec, version: KubeVersion) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut seen: Vec<(&str, i32)> = Vec::new();
    for (i, port) in spec.ports.iter().enumerate() {
        let key = (port.protocol.as_str(), port.port);
        if seen.contains(&key) {
            let value = if version.prints_values_as_json() {
                format!(
                    "{{\"Name\":\"\",\"Protocol\":{},\"AppProtocol\":null,\"Port\":{},\"TargetPort\":0,\"NodePort\":0}}",
                    JsonQuoted(&port.protocol),
                    port.port
                )
            } else {
                format!(
                    "core.ServicePort{{Name:\"\", Protocol:{}, AppProtocol:(*string)(nil), Port:{}, \
                     TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:\"\"}}, NodePort:0}}",
                    Quoted(&port.protocol),
                    port.port
                )
            };
            errors.push(
                FieldError::new(
                    format!("spec.ports[{i}]"),
                    ErrorType::Duplicate,
                    BadValue::Printed(value),
                    "",
                )
                .at(port.pos),
            );
        }
        seen.push(key);
    }
    errors
}

/// An ExternalName Service: no cluster IPs, and a DNS name, which may end in a dot (IP families
/// are not modelled).
fn external_name_errors(spec: &ServiceSpec) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if !spec.cluster_ips.is_empty() {
        errors.push(FieldError::new(
            "spec.clusterIPs",
            ErrorType::Forbidden,
            BadValue::None,
            "may not be set for ExternalName services",
        ));
    }
    let name = spec
        .external_name
        .strip_suffix('.')
        .unwrap_or(&spec.external_name);
    if name.is_empty() {
        errors.push(FieldError::new(
            "spec.externalName",
            ErrorType::Required,
            BadValue::None,
            "",
        ));
    } else {
        for message in dns1123_subdomain_errors(name) {
            errors.push(invalid(
                "spec.externalName",
                BadValue::Str(name.to_owned()),
                &message,
            ));
        }
    }
    errors
}

/// Upstream `validateUpgradeDowngradeClusterIPs`: an update may add or release a secondary cluster
/// IP but not change one, except to or from ExternalName and from one headless Service to another.
/// (Releasing the secondary address also needs `ipFamilyPolicy: SingleStack` upstream; portband
/// does not model dual stack.)
fn cluster_ips_update_errors(
    service: &Service,
    old: &Service,
    version: KubeVersion,
) -> Vec<FieldError> {
    if !service.needs_cluster_ip() || !old.needs_cluster_ip() {
        return Vec::new();
    }
    if service.is_headless() && old.is_headless() {
        return Vec::new();
    }
    let (new, was) = (&service.spec.cluster_ips, &old.spec.cluster_ips);
    let error = |i: usize, detail: &str| {
        invalid(
            format!("spec.clusterIPs[{i}]"),
            string_list(new, version),
            detail,
        )
    };
    let primary_changed = !was.is_empty() && !new.is_empty() && new[0] != was[0];
    let mut errors = Vec::new();
    match new.len().cmp(&was.len()) {
        Ordering::Equal => {
            for (i, ip) in was.iter().enumerate() {
                if *ip != new[i] {
                    errors.push(error(i, "may not change once set"));
                }
            }
        }
        Ordering::Less => {
            if new.is_empty() {
                errors.push(error(0, "primary clusterIP can not be unset"));
            }
            if primary_changed {
                errors.push(error(0, "may not change once set"));
            }
        }
        Ordering::Greater if primary_changed => errors.push(error(0, "may not change once set")),
        Ordering::Greater => {}
    }
    errors
}

/// A list of strings as `version` prints a field error's value: Go syntax before 1.34
/// (`[]string{"a", "b"}`, `[]string(nil)` for none), JSON from 1.34 (`["a","b"]`, `null`).
fn string_list(values: &[String], version: KubeVersion) -> BadValue {
    let printed = match (version.prints_values_as_json(), values.is_empty()) {
        (true, true) => "null".to_owned(),
        (true, false) => {
            let items: Vec<String> = values.iter().map(|v| JsonQuoted(v).to_string()).collect();
            format!("[{}]", items.join(","))
        }
        (false, true) => "[]string(nil)".to_owned(),
        (false, false) => {
            let items: Vec<String> = values.iter().map(|v| Quoted(v).to_string()).collect();
            format!("[]string{{{}}}", items.join(", "))
        }
    };
    BadValue::Printed(printed)
}

/// `allocateLoadBalancerNodePorts`: only on a LoadBalancer, and required there.
fn allocate_load_balancer_node_ports_errors(spec: &ServiceSpec) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if spec.allocate_load_balancer_node_ports.is_some() && spec.type_ != types::LOAD_BALANCER {
        errors.push(FieldError::new(
            "spec.allocateLoadBalancerNodePorts",
            ErrorType::Forbidden,
            BadValue::None,
            "may only be used when `type` is 'LoadBalancer'",
        ));
    }
    if spec.type_ == types::LOAD_BALANCER && spec.allocate_load_balancer_node_ports.is_none() {
        // Upstream's path really lacks the `spec.` prefix.
        errors.push(FieldError::new(
            "allocateLoadBalancerNodePorts",
            ErrorType::Required,
            BadValue::None,
            "",
        ));
    }
    errors
}

/// `validateServiceExternalTrafficPolicy`: the policy only on externally accessible Services and
/// required there; the health-check port only (and always) where a health check is needed.
fn validate_service_external_traffic_policy(service: &Service) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let spec = &service.spec;
    let policy = spec.external_traffic_policy.as_str();
    if !service.externally_accessible() {
        if !policy.is_empty() {
            errors.push(invalid(
                "spec.externalTrafficPolicy",
                BadValue::Str(policy.to_owned()),
                "may only be set for externally-accessible services",
            ));
        }
    } else if policy.is_empty() {
        errors.push(FieldError::new(
            "spec.externalTrafficPolicy",
            ErrorType::Required,
            BadValue::None,
            "",
        ));
    } else if !TRAFFIC_POLICIES.contains(&policy) {
        errors.push(FieldError::not_supported(
            "spec.externalTrafficPolicy",
            policy,
            TRAFFIC_POLICIES,
        ));
    }

    let hc = spec.health_check_node_port;
    let hc_error = |kind, value, detail: &str| {
        FieldError::new("spec.healthCheckNodePort", kind, value, detail)
            .at(spec.health_check_node_port_pos)
    };
    if !service.needs_health_check() {
        if hc != 0 {
            errors.push(hc_error(
                ErrorType::Invalid,
                BadValue::Int(hc.into()),
                "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
            ));
        }
    } else if hc == 0 {
        errors.push(hc_error(ErrorType::Required, BadValue::None, ""));
    } else if !(1..=65535).contains(&hc) {
        errors.push(hc_error(
            ErrorType::Invalid,
            BadValue::Int(hc.into()),
            PORT_NUMBER_MESSAGE,
        ));
    }
    errors
}
