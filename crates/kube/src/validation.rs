//! `ValidateService` and `ValidateServiceUpdate` (`pkg/apis/core/validation/validation.go`), split
//! as upstream splits them and run in upstream's order (so that multi-cause messages list causes as
//! upstream does), with the texts of the release modelled.

mod ip;
mod names;

use crate::service::{types, Service, ServicePort, ServiceSpec, TargetPort};
use crate::status::{BadValue, ErrorType, FieldError};
use crate::version::{KubeVersion, TrafficDistribution};
use ip::special_errors;
use names::{
    dns1035_label_errors, dns1123_label_errors, dns1123_subdomain_errors, label_value_errors,
    port_name_errors, qualified_name_errors,
};
use portband_allocator::gofmt::{JsonQuoted, Quoted};
use portband_allocator::ip::{Cidr, Ip};
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
const IP_FAMILIES: &[&str] = &["IPv4", "IPv6"];
const IP_FAMILY_POLICIES: &[&str] = &["PreferDualStack", "RequireDualStack", "SingleStack"];
/// `MaxClientIPServiceAffinitySeconds`: a day.
const MAX_CLIENT_IP_TIMEOUT_SECONDS: i32 = 86400;
const IP_MESSAGE: &str = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";
const CIDR_MESSAGE: &str = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";
const ONLY_ON_LOAD_BALANCER: &str = "may only be used when `type` is 'LoadBalancer'";
const SOURCE_RANGES_ANNOTATION: &str = "service.beta.kubernetes.io/load-balancer-source-ranges";
const TOPOLOGY_MODE_ANNOTATION: &str = "service.kubernetes.io/topology-mode";
const TOPOLOGY_HINTS_ANNOTATION: &str = "service.kubernetes.io/topology-aware-hints";

pub(crate) fn invalid(field: impl Into<String>, value: BadValue, detail: &str) -> FieldError {
    FieldError::new(field, ErrorType::Invalid, value, detail)
}

fn forbidden(field: impl Into<String>, detail: &str) -> FieldError {
    FieldError::new(field, ErrorType::Forbidden, BadValue::None, detail)
}

fn required(field: impl Into<String>, detail: &str) -> FieldError {
    FieldError::new(field, ErrorType::Required, BadValue::None, detail)
}

/// `value`, when it is set and not one of `supported`, as upstream's NotSupported error.
fn unsupported(field: &str, value: Option<&str>, supported: &[&str]) -> Option<FieldError> {
    value
        .filter(|v| !supported.contains(v))
        .map(|v| FieldError::not_supported(field, v, supported))
}

/// Validation on create (`ValidateService`), after defaulting and allocation, with the messages of
/// `version`.
pub fn validate(service: &Service, version: KubeVersion) -> Vec<FieldError> {
    let spec = &service.spec;
    let mut errors = validate_object_meta(service, version);
    errors.extend(topology_annotation_errors(service));
    if spec.ports.is_empty() && !service.is_headless() && spec.type_ != types::EXTERNAL_NAME {
        errors.push(required("spec.ports", ""));
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
    errors.extend(session_affinity_errors(spec));
    errors.extend(cluster_ips_errors(service, version));
    errors.extend(external_ip_errors(spec));
    if !SERVICE_TYPES.contains(&spec.type_.as_str()) {
        errors.push(FieldError::not_supported(
            "spec.type",
            &spec.type_,
            SERVICE_TYPES,
        ));
    }
    errors.extend(node_port_errors(spec));
    errors.extend(duplicate_port_errors(spec, version));
    errors.extend(source_range_errors(service));
    errors.extend(allocate_load_balancer_node_ports_errors(spec));
    errors.extend(load_balancer_class_errors(service, None, version));
    errors.extend(validate_service_external_traffic_policy(service));
    errors.extend(unsupported(
        "spec.internalTrafficPolicy",
        spec.internal_traffic_policy.as_deref(),
        TRAFFIC_POLICIES,
    ));
    errors.extend(traffic_distribution_errors(spec, version));
    errors
}

/// Validation on update (`ValidateServiceUpdate`): the health-check port may not change while it is
/// needed, then everything [`validate`] checks.
pub fn validate_update(service: &Service, old: &Service, version: KubeVersion) -> Vec<FieldError> {
    let mut errors = cluster_ips_update_errors(service, old, version);
    errors.extend(ip_families_update_errors(service, old, version));
    errors.extend(load_balancer_class_errors(service, Some(old), version));
    if old.needs_health_check()
        && service.needs_health_check()
        && service.spec.health_check_node_port != old.spec.health_check_node_port
    {
        errors.push(
            forbidden("spec.healthCheckNodePort", "field is immutable")
                .at(service.spec.health_check_node_port_pos),
        );
    }
    errors.extend(validate(service, version));
    errors
}

/// `ValidateObjectMeta` with `ValidateServiceName`: the name (and a `generateName` prefix) a
/// DNS-1035 label, the namespace a DNS-1123 label, labels and annotations.
fn validate_object_meta(service: &Service, version: KubeVersion) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if !service.generate_name.is_empty() {
        // Upstream checks a prefix with a trailing dash read as a letter.
        let prefix = match service.generate_name.strip_suffix('-') {
            Some(head) if !head.is_empty() => format!("{head}a"),
            _ => service.generate_name.clone(),
        };
        for message in dns1035_label_errors(&prefix) {
            errors.push(invalid(
                "metadata.generateName",
                BadValue::Str(service.generate_name.clone()),
                &message,
            ));
        }
    }
    if service.name.is_empty() {
        errors.push(required(
            "metadata.name",
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
pub(crate) fn sorted(map: &[(String, String)]) -> Vec<(&str, &str)> {
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
        errors.push(required(format!("{path}.name"), ""));
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
            errors.push(invalid(
                "spec.loadBalancerClass",
                optional_string(class, version),
                "may not change once set",
            ));
        }
    }
    match class {
        Some(class) if is_lb(service) => {
            errors.extend(qualified_name("spec.loadBalancerClass", class, version))
        }
        Some(_) => errors.push(forbidden(
            "spec.loadBalancerClass",
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
                forbidden(
                    format!("spec.ports[{i}].nodePort"),
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

/// An ExternalName Service: no cluster IPs or IP families, and a DNS name, which may end in a dot.
fn external_name_errors(spec: &ServiceSpec) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let not_here = |field: &str| forbidden(field, "may not be set for ExternalName services");
    if !spec.cluster_ips.is_empty() {
        errors.push(not_here("spec.clusterIPs"));
    }
    if !spec.ip_families.is_empty() {
        errors.push(not_here("spec.ipFamilies"));
    }
    if spec.ip_family_policy.is_some() {
        errors.push(not_here("spec.ipFamilyPolicy"));
    }
    let name = spec
        .external_name
        .strip_suffix('.')
        .unwrap_or(&spec.external_name);
    if name.is_empty() {
        errors.push(required("spec.externalName", ""));
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

/// Upstream `validateUpgradeDowngradeClusterIPs`: an update may add or release (with
/// `ipFamilyPolicy: SingleStack`) a secondary cluster IP but not change one, except to or from
/// ExternalName and from one headless Service to another.
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
            if new.len() == 1 {
                errors.extend(single_stack_errors(service, "clusterIP", version));
            }
        }
        Ordering::Greater if primary_changed => errors.push(error(0, "may not change once set")),
        Ordering::Greater => {}
    }
    errors
}

/// A list of strings as `version` prints a field error's value: Go syntax before 1.34
/// (`[]string{"a", "b"}`, `[]string(nil)` for none), JSON from 1.34 (`["a","b"]`, `null`).
pub(crate) fn string_list(values: &[String], version: KubeVersion) -> BadValue {
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
        errors.push(forbidden(
            "spec.allocateLoadBalancerNodePorts",
            "may only be used when `type` is 'LoadBalancer'",
        ));
    }
    if spec.type_ == types::LOAD_BALANCER && spec.allocate_load_balancer_node_ports.is_none() {
        // Upstream's path really lacks the `spec.` prefix.
        errors.push(required("allocateLoadBalancerNodePorts", ""));
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
        errors.push(required("spec.externalTrafficPolicy", ""));
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

/// A value Go holds behind a pointer (`*string`), as `version` prints it: to 1.33 the string it
/// points at, quoted, and nil as the quoted string `"null"`; from 1.34 as JSON (`null` bare).
pub(crate) fn optional_string(value: Option<&str>, version: KubeVersion) -> BadValue {
    match (value, version.prints_values_as_json()) {
        (Some(value), true) => BadValue::Printed(JsonQuoted(value).to_string()),
        (None, true) => BadValue::Printed("null".to_owned()),
        (value, false) => BadValue::Str(value.unwrap_or("null").to_owned()),
    }
}

/// Releasing a secondary address or family needs `ipFamilyPolicy: SingleStack`.
fn single_stack_errors(service: &Service, what: &str, version: KubeVersion) -> Vec<FieldError> {
    let policy = service.spec.ip_family_policy.as_deref();
    if policy == Some("SingleStack") {
        return Vec::new();
    }
    vec![invalid(
        "spec.ipFamilyPolicy",
        optional_string(policy, version),
        &format!("must be set to 'SingleStack' when releasing the secondary {what}"),
    )]
}

/// Upstream `validateUpgradeDowngradeIPFamilies`: the primary family may not change; releasing
/// the secondary one needs `ipFamilyPolicy: SingleStack`. Headless Services, and changes to or
/// from headless or ExternalName, are free.
fn ip_families_update_errors(
    service: &Service,
    old: &Service,
    version: KubeVersion,
) -> Vec<FieldError> {
    if !service.needs_cluster_ip() || !old.needs_cluster_ip() {
        return Vec::new();
    }
    if service.is_headless() || old.is_headless() {
        return Vec::new();
    }
    let (new, was) = (&service.spec.ip_families, &old.spec.ip_families);
    // Upstream prints the families in one message and the cluster IPs in the other two.
    let changed = |value: BadValue| invalid("spec.ipFamilies[0]", value, "may not change once set");
    let mut errors = Vec::new();
    match new.len().cmp(&was.len()) {
        Ordering::Equal => {
            for (i, family) in was.iter().enumerate() {
                if *family != new[i] {
                    errors.push(changed(string_list(new, version)));
                }
            }
        }
        Ordering::Less => {
            if service.spec.cluster_ips.is_empty() {
                errors.push(invalid(
                    "spec.ipFamilies[0]",
                    string_list(new, version),
                    "primary ipFamily can not be unset",
                ));
            }
            if !new.is_empty() && new[0] != was[0] {
                errors.push(changed(string_list(&service.spec.cluster_ips, version)));
            }
            if new.len() == 1 {
                errors.extend(single_stack_errors(service, "ipFamily", version));
            }
        }
        Ordering::Greater => {
            if !was.is_empty() && new[0] != was[0] {
                errors.push(changed(string_list(&service.spec.cluster_ips, version)));
            }
        }
    }
    errors
}

/// The family of a cluster IP (`Some(true)` for IPv6), `None` when it is no address.
fn cluster_ip_is_v6(ip: &str) -> Option<bool> {
    Ip::parse(ip).map(|ip| ip.is_v6())
}

/// Upstream `ValidateServiceClusterIPsRelatedFields`: `clusterIPs` in step with `clusterIP`,
/// supported and distinct `ipFamilies`, a supported `ipFamilyPolicy`, addresses that parse
/// (`None` only alone), at most one per family, each of the family `ipFamilies` gives it. The
/// apiserver runs it before allocating anything, and again with the rest of validation.
pub fn cluster_ips_errors(service: &Service, version: KubeVersion) -> Vec<FieldError> {
    let spec = &service.spec;
    if spec.type_ == types::EXTERNAL_NAME {
        return Vec::new();
    }
    let ips = &spec.cluster_ips;
    let list = || string_list(ips, version);
    let mut errors = Vec::new();
    if !spec.cluster_ip.is_empty() {
        if ips.is_empty() {
            errors.push(required("spec.clusterIPs", ""));
        } else if ips[0] != spec.cluster_ip {
            errors.push(invalid(
                "spec.clusterIPs",
                list(),
                "first value must match `clusterIP`",
            ));
        }
    } else if !ips.is_empty() {
        errors.push(invalid(
            "spec.clusterIPs",
            list(),
            "must be empty when `clusterIP` is not specified",
        ));
    }
    let mut seen: Vec<&str> = Vec::new();
    for (i, family) in spec.ip_families.iter().enumerate() {
        let path = format!("spec.ipFamilies[{i}]");
        if !IP_FAMILIES.contains(&family.as_str()) {
            errors.push(FieldError::not_supported(&path, family, IP_FAMILIES));
        }
        if seen.contains(&family.as_str()) {
            errors.push(FieldError::new(
                path,
                ErrorType::Duplicate,
                BadValue::Str(family.clone()),
                "",
            ));
        }
        seen.push(family);
    }
    errors.extend(unsupported(
        "spec.ipFamilyPolicy",
        spec.ip_family_policy.as_deref(),
        IP_FAMILY_POLICIES,
    ));
    let mut unusable = false;
    for (i, ip) in ips.iter().enumerate() {
        if i == 0 && ip == "None" {
            if ips.len() > 1 {
                unusable = true;
                errors.push(invalid(
                    "spec.clusterIPs",
                    list(),
                    "'None' must be the first and only value",
                ));
            }
            continue;
        }
        if cluster_ip_is_v6(ip).is_none() {
            unusable = true;
            errors.push(invalid(
                format!("spec.clusterIPs[{i}]"),
                BadValue::Str(ip.clone()),
                IP_MESSAGE,
            ));
        }
    }
    if ips.len() > 2 {
        errors.push(invalid(
            "spec.clusterIPs",
            list(),
            "may only hold up to 2 values",
        ));
    }
    if unusable {
        return errors;
    }
    let families: Vec<bool> = ips.iter().filter_map(|ip| cluster_ip_is_v6(ip)).collect();
    if ips.len() > 1 && !(families.contains(&true) && families.contains(&false)) {
        errors.push(invalid(
            "spec.clusterIPs",
            list(),
            "may specify no more than one IP for each IP family",
        ));
    }
    if !service.is_headless() {
        for (i, (ip, family)) in ips.iter().zip(&spec.ip_families).enumerate() {
            let is_v6 = cluster_ip_is_v6(ip) == Some(true);
            let expected = match family.as_str() {
                "IPv4" if is_v6 => "IPv4",
                "IPv6" if !is_v6 => "IPv6",
                _ => continue,
            };
            errors.push(invalid(
                format!("spec.clusterIPs[{i}]"),
                BadValue::Str(ip.clone()),
                &format!("expected an {expected} value as indicated by `ipFamilies[{i}]`"),
            ));
        }
    }
    errors
}

/// `sessionAffinity` required and supported; with `ClientIP` a timeout of 1 to 86400 seconds
/// (upstream `validateClientIPAffinityConfig`), with `None` no config at all.
fn session_affinity_errors(spec: &ServiceSpec) -> Vec<FieldError> {
    const PATH: &str = "spec.sessionAffinityConfig";
    let affinity = spec.session_affinity.as_str();
    let mut errors = Vec::new();
    if !SESSION_AFFINITIES.contains(&affinity) {
        errors.push(FieldError::not_supported(
            "spec.sessionAffinity",
            affinity,
            SESSION_AFFINITIES,
        ));
    }
    let config = spec.session_affinity_config.as_ref();
    match affinity {
        "ClientIP" => {
            let missing = |path: &str| required(path, "when session affinity type is ClientIP");
            let Some(config) = config else {
                errors.push(missing(PATH));
                return errors;
            };
            let Some(client_ip) = &config.client_ip else {
                errors.push(missing(&format!("{PATH}.clientIP")));
                return errors;
            };
            match client_ip.timeout_seconds {
                None => errors.push(missing(&format!("{PATH}.clientIP.timeoutSeconds"))),
                Some(t) if !(1..=MAX_CLIENT_IP_TIMEOUT_SECONDS).contains(&t) => {
                    errors.push(invalid(
                        format!("{PATH}.clientIP.timeoutSeconds"),
                        BadValue::Int(t.into()),
                        &format!(
                            "must be greater than 0 and less than {MAX_CLIENT_IP_TIMEOUT_SECONDS}"
                        ),
                    ))
                }
                Some(_) => {}
            }
        }
        "None" if config.is_some() => errors.push(forbidden(
            PATH,
            "must not be set when session affinity is None",
        )),
        _ => {}
    }
    errors
}

/// Each of `externalIPs` an address, and not an unspecified, loopback or link-local one (upstream
/// `ValidateNonSpecialIP`).
fn external_ip_errors(spec: &ServiceSpec) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (i, written) in spec.external_ips.iter().enumerate() {
        let path = format!("spec.externalIPs[{i}]");
        let messages = match Ip::parse(written) {
            Some(ip) => special_errors(ip, written),
            None => vec![IP_MESSAGE.to_owned()],
        };
        for message in messages {
            errors.push(invalid(&path, BadValue::Str(written.clone()), &message));
        }
    }
    errors
}

/// `loadBalancerSourceRanges` (or, without it, the older annotation): only on a LoadBalancer, and
/// each a CIDR (spaces around it allowed). Upstream's path really is capitalised.
fn source_range_errors(service: &Service) -> Vec<FieldError> {
    let on_lb = service.spec.type_ == types::LOAD_BALANCER;
    let only_on_lb = |path: &str| forbidden(path, ONLY_ON_LOAD_BALANCER);
    let not_cidr = |path: String, value: &str| {
        Cidr::parse(value)
            .is_none()
            .then(|| invalid(path, BadValue::Str(value.to_owned()), CIDR_MESSAGE))
    };
    let mut errors = Vec::new();
    let ranges = &service.spec.load_balancer_source_ranges;
    if !ranges.is_empty() {
        const PATH: &str = "spec.LoadBalancerSourceRanges";
        if !on_lb {
            errors.push(only_on_lb(PATH));
        }
        for (i, value) in ranges.iter().enumerate() {
            errors.extend(not_cidr(format!("{PATH}[{i}]"), value.trim()));
        }
    } else if let Some((_, value)) = service
        .annotations
        .iter()
        .find(|(key, _)| key == SOURCE_RANGES_ANNOTATION)
    {
        let path = format!("metadata.annotations[{SOURCE_RANGES_ANNOTATION}]");
        if !on_lb {
            errors.push(only_on_lb(&path));
        }
        let value = value.trim();
        if !value.is_empty() {
            for cidr in value.split(',') {
                errors.extend(not_cidr(path.clone(), cidr.trim()));
            }
        }
    }
    errors
}

/// The topology-mode annotation must agree with the older topology-aware-hints one where both
/// are written.
fn topology_annotation_errors(service: &Service) -> Vec<FieldError> {
    let annotation = |key: &str| {
        service
            .annotations
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    match (
        annotation(TOPOLOGY_MODE_ANNOTATION),
        annotation(TOPOLOGY_HINTS_ANNOTATION),
    ) {
        (Some(mode), Some(hints)) if mode != hints => vec![invalid(
            format!("metadata.annotations[{TOPOLOGY_MODE_ANNOTATION}]"),
            BadValue::Str(mode.to_owned()),
            &format!("must match annotations[{TOPOLOGY_HINTS_ANNOTATION}] when both are specified"),
        )],
        _ => Vec::new(),
    }
}

/// `trafficDistribution`: one of the values `version` supports (before 1.31 the field never gets
/// here: it is unknown, or dropped).
fn traffic_distribution_errors(spec: &ServiceSpec, version: KubeVersion) -> Vec<FieldError> {
    match (&spec.traffic_distribution, version.traffic_distribution()) {
        (Some(value), TrafficDistribution::Values(supported))
            if !supported.contains(&value.as_str()) =>
        {
            vec![
                FieldError::not_supported("spec.trafficDistribution", value, supported)
                    .at(spec.traffic_distribution_pos),
            ]
        }
        _ => Vec::new(),
    }
}
