//! The validation rules of `ValidateService` / `ValidateServiceUpdate` that touch node ports,
//! names and ports, in upstream's order (so that multi-cause messages list causes as upstream does).
//!
//! Rules about fields that node-port allocation never reads (selectors, session affinity, IP
//! families, source ranges, load balancer class, ExternalName targets) are not checked.

use crate::service::{types, Service, TargetPort};
use crate::status::{BadValue, ErrorType, FieldError};
use portband_allocator::gofmt::Quoted;

const DNS1035_MESSAGE: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', \
start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', \
regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const DNS1123_MESSAGE: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters \
or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for \
validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const PORT_NUMBER_MESSAGE: &str = "must be between 1 and 65535, inclusive";
const SERVICE_TYPES: &[&str] = &[
    types::CLUSTER_IP,
    types::EXTERNAL_NAME,
    types::LOAD_BALANCER,
    types::NODE_PORT,
];

/// Validation on create (`ValidateService`), after defaulting and allocation.
pub fn validate(service: &Service) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let spec = &service.spec;
    let invalid = |field: String, value: BadValue, detail: &str| {
        FieldError::new(field, ErrorType::Invalid, value, detail)
    };

    if service.name.is_empty() {
        errors.push(FieldError::new(
            "metadata.name",
            ErrorType::Required,
            BadValue::None,
            "name or generateName is required",
        ));
    } else {
        for message in label_errors(&service.name, is_dns1035_label, DNS1035_MESSAGE) {
            errors.push(invalid(
                "metadata.name".into(),
                BadValue::Str(service.name.clone()),
                &message,
            ));
        }
    }
    for message in label_errors(&service.namespace, is_dns1123_label, DNS1123_MESSAGE) {
        errors.push(invalid(
            "metadata.namespace".into(),
            BadValue::Str(service.namespace.clone()),
            &message,
        ));
    }

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
            "spec.clusterIPs[0]".into(),
            BadValue::Str("None".into()),
            &format!("may not be set to 'None' for {} services", spec.type_),
        ));
    }

    let mut names: Vec<&str> = Vec::new();
    for (i, port) in spec.ports.iter().enumerate() {
        let path = format!("spec.ports[{i}]");
        if spec.ports.len() > 1 && port.name.is_empty() {
            errors.push(
                FieldError::new(
                    format!("{path}.name"),
                    ErrorType::Required,
                    BadValue::None,
                    "",
                )
                .at(port.pos),
            );
        } else if !port.name.is_empty() {
            for message in label_errors(&port.name, is_dns1123_label, DNS1123_MESSAGE) {
                errors.push(
                    invalid(
                        format!("{path}.name"),
                        BadValue::Str(port.name.clone()),
                        &message,
                    )
                    .at(port.pos),
                );
            }
            if names.contains(&port.name.as_str()) {
                errors.push(
                    FieldError::new(
                        format!("{path}.name"),
                        ErrorType::Duplicate,
                        BadValue::Str(port.name.clone()),
                        "",
                    )
                    .at(port.pos),
                );
            } else {
                names.push(&port.name);
            }
        }
        if !(1..=65535).contains(&port.port) {
            errors.push(
                invalid(
                    format!("{path}.port"),
                    BadValue::Int(port.port.into()),
                    PORT_NUMBER_MESSAGE,
                )
                .at(port.pos),
            );
        }
        if !["SCTP", "TCP", "UDP"].contains(&port.protocol.as_str()) {
            errors.push(
                FieldError::not_supported(
                    format!("{path}.protocol"),
                    &port.protocol,
                    &["SCTP", "TCP", "UDP"],
                )
                .at(port.pos),
            );
        }
        match &port.target_port {
            Some(TargetPort::Number(n)) if !(1..=65535).contains(n) => errors.push(
                invalid(
                    format!("{path}.targetPort"),
                    BadValue::Int((*n).into()),
                    PORT_NUMBER_MESSAGE,
                )
                .at(port.pos),
            ),
            Some(TargetPort::Name(name)) => {
                for message in port_name_errors(name) {
                    errors.push(
                        invalid(
                            format!("{path}.targetPort"),
                            BadValue::Str(name.clone()),
                            message,
                        )
                        .at(port.pos),
                    );
                }
            }
            _ => {}
        }
    }

    if !SERVICE_TYPES.contains(&spec.type_.as_str()) {
        errors.push(FieldError::not_supported(
            "spec.type",
            &spec.type_,
            SERVICE_TYPES,
        ));
    }

    if spec.type_ == types::CLUSTER_IP {
        for (i, port) in spec
            .ports
            .iter()
            .enumerate()
            .filter(|(_, p)| p.node_port != 0)
        {
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

    let mut node_ports: Vec<(&str, i32)> = Vec::new();
    for (i, port) in spec
        .ports
        .iter()
        .enumerate()
        .filter(|(_, p)| p.node_port != 0)
    {
        let key = (port.protocol.as_str(), port.node_port);
        if node_ports.contains(&key) {
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
        node_ports.push(key);
    }

    let mut ports: Vec<(&str, i32)> = Vec::new();
    for (i, port) in spec.ports.iter().enumerate() {
        let key = (port.protocol.as_str(), port.port);
        if ports.contains(&key) {
            let literal = format!(
                "core.ServicePort{{Name:\"\", Protocol:{}, AppProtocol:(*string)(nil), Port:{}, \
                 TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:\"\"}}, NodePort:0}}",
                Quoted(&port.protocol),
                port.port
            );
            errors.push(
                FieldError::new(
                    format!("spec.ports[{i}]"),
                    ErrorType::Duplicate,
                    BadValue::Go(literal),
                    "",
                )
                .at(port.pos),
            );
        }
        ports.push(key);
    }

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

    errors.extend(external_traffic_policy_errors(service));
    errors
}

/// Validation on update (`ValidateServiceUpdate`): the health-check port may not change while it is
/// needed, then everything [`validate`] checks.
pub fn validate_update(service: &Service, old: &Service) -> Vec<FieldError> {
    let mut errors = Vec::new();
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
    errors.extend(validate(service));
    errors
}

fn external_traffic_policy_errors(service: &Service) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let spec = &service.spec;
    let policy = spec.external_traffic_policy.as_str();
    if !service.externally_accessible() {
        if !policy.is_empty() {
            errors.push(FieldError::new(
                "spec.externalTrafficPolicy",
                ErrorType::Invalid,
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
    } else if policy != "Cluster" && policy != "Local" {
        errors.push(FieldError::not_supported(
            "spec.externalTrafficPolicy",
            policy,
            &["Cluster", "Local"],
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

/// The messages of a DNS label check: too long, then the pattern.
fn label_errors(value: &str, pattern: fn(&str) -> bool, pattern_message: &str) -> Vec<String> {
    let mut messages = Vec::new();
    if value.len() > 63 {
        messages.push("must be no more than 63 characters".to_owned());
    }
    if !pattern(value) {
        messages.push(pattern_message.to_owned());
    }
    messages
}

/// `[a-z]([-a-z0-9]*[a-z0-9])?`
fn is_dns1035_label(value: &str) -> bool {
    value.starts_with(|c: char| c.is_ascii_lowercase()) && is_dns1123_label(value)
}

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`
fn is_dns1123_label(value: &str) -> bool {
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    value.starts_with(alnum)
        && value.ends_with(alnum)
        && value.chars().all(|c| alnum(c) || c == '-')
}

/// Upstream `IsValidPortName`, for named target ports.
fn port_name_errors(name: &str) -> Vec<&'static str> {
    let mut messages = Vec::new();
    if name.len() > 15 {
        messages.push("must be no more than 15 characters");
    }
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        messages.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    } else if !name.chars().any(|c| c.is_ascii_lowercase()) {
        messages.push("must contain at least one letter (a-z)");
    }
    if name.contains("--") {
        messages.push("must not contain consecutive hyphens");
    }
    if name.starts_with('-') || name.ends_with('-') {
        messages.push("must not begin or end with a hyphen");
    }
    messages
}
