//! The v1 Service schema, one declaration per Go struct, and the walk that decodes a tree by it:
//! strict (unknown fields are errors) and typed (a value of the wrong JSON type is an error), with
//! the apiserver's texts and the position of the offending node.

use super::{cannot_handle, object_key, Object};
use crate::service::{
    ClientIpConfig, Service, ServicePort, ServiceSpec, SessionAffinityConfig, TargetPort,
};
use crate::yaml::resolve::{resolve, Resolved};
use crate::yaml::{Document, NodeId, Pos, Value};

/// The Go struct that holds a field, and the field's JSON path with and without list indices.
#[derive(Clone)]
struct Field {
    /// The Go struct the field belongs to, e.g. `ServicePort`.
    owner: &'static str,
    /// The path as Go's JSON decoder prints it: `spec.ports.port`.
    go_path: String,
    /// The path as strict decoding prints it: `spec.ports[0].port`.
    json_path: String,
}

impl Field {
    fn root() -> Self {
        Field {
            owner: "Service",
            go_path: String::new(),
            json_path: String::new(),
        }
    }

    fn child(&self, owner: &'static str, name: &str) -> Field {
        let join = |base: &str| {
            if base.is_empty() {
                name.to_owned()
            } else {
                format!("{base}.{name}")
            }
        };
        Field {
            owner,
            go_path: join(&self.go_path),
            json_path: join(&self.json_path),
        }
    }

    fn index(&self, i: usize) -> Field {
        Field {
            json_path: format!("{}[{i}]", self.json_path),
            ..self.clone()
        }
    }
}

/// How a field decodes into `T`, the Rust value of the struct that holds it.
type Decode<T> = fn(&mut Walk<'_>, NodeId, &Field, &mut T);

/// One Go struct of the v1 schema: its name, and every JSON field it has, each with how it
/// decodes for portband (`None`: accepted and not read, e.g. `selector`). A field not listed is
/// unknown to strict decoding. Each struct's field list is written here once.
struct Schema<T: 'static> {
    /// The struct's name in Go's JSON errors: `ServicePort`.
    owner: &'static str,
    /// Its type in Go's JSON errors: `v1.ServicePort`.
    go_type: &'static str,
    /// Its JSON fields.
    fields: &'static [(&'static str, Option<Decode<T>>)],
}

/// `v1.Service`.
const SERVICE: Schema<Service> = Schema {
    owner: "Service",
    go_type: "v1.Service",
    fields: &[
        ("apiVersion", None),
        ("kind", None),
        (
            "metadata",
            Some(|w, node, field, service| {
                w.object(node, field, &OBJECT_META, service);
            }),
        ),
        (
            "spec",
            Some(|w, node, field, service| {
                w.object(node, field, &SERVICE_SPEC, &mut service.spec);
            }),
        ),
        ("status", None),
    ],
};

/// `v1.ObjectMeta`: of a Service, its name and namespace are read.
const OBJECT_META: Schema<Service> = Schema {
    owner: "ObjectMeta",
    go_type: "v1.ObjectMeta",
    fields: &[
        (
            "name",
            Some(|w, node, field, service| {
                service.name = w.string(node, field, "string").unwrap_or_default()
            }),
        ),
        (
            "generateName",
            Some(|w, node, field, service| {
                service.generate_name = w.string(node, field, "string").unwrap_or_default()
            }),
        ),
        (
            "namespace",
            Some(|w, node, field, service| {
                service.namespace = w.string(node, field, "string").unwrap_or_default()
            }),
        ),
        ("selfLink", None),
        ("uid", None),
        ("resourceVersion", None),
        ("generation", None),
        ("creationTimestamp", None),
        ("deletionTimestamp", None),
        ("deletionGracePeriodSeconds", None),
        (
            "labels",
            Some(|w, node, field, service| {
                service.labels = w.string_map(node, field).unwrap_or_default()
            }),
        ),
        (
            "annotations",
            Some(|w, node, field, service| {
                service.annotations = w.string_map(node, field).unwrap_or_default()
            }),
        ),
        ("ownerReferences", None),
        ("finalizers", None),
        ("managedFields", None),
    ],
};

/// `v1.ServiceSpec`.
const SERVICE_SPEC: Schema<ServiceSpec> = Schema {
    owner: "ServiceSpec",
    go_type: "v1.ServiceSpec",
    fields: &[
        (
            "ports",
            Some(|w, node, field, spec| {
                spec.ports = w
                    .list(node, field, "[]v1.ServicePort")
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| {
                        let mut port = ServicePort {
                            pos: Some(w.doc.node(item).pos),
                            ..ServicePort::default()
                        };
                        w.object(item, &field.index(i), &SERVICE_PORT, &mut port);
                        port
                    })
                    .collect()
            }),
        ),
        (
            "selector",
            Some(|w, node, field, spec| spec.selector = w.string_map(node, field)),
        ),
        (
            "clusterIP",
            Some(|w, node, field, spec| {
                spec.cluster_ip = w.string(node, field, "string").unwrap_or_default()
            }),
        ),
        (
            "clusterIPs",
            Some(|w, node, field, spec| spec.cluster_ips = w.strings(node, field, "string")),
        ),
        (
            "type",
            Some(|w, node, field, spec| {
                spec.type_ = w.string(node, field, "v1.ServiceType").unwrap_or_default()
            }),
        ),
        (
            "externalIPs",
            Some(|w, node, field, spec| spec.external_ips = w.strings(node, field, "string")),
        ),
        (
            "sessionAffinity",
            Some(|w, node, field, spec| {
                spec.session_affinity = w
                    .string(node, field, "v1.ServiceAffinity")
                    .unwrap_or_default()
            }),
        ),
        (
            "loadBalancerIP",
            Some(|w, node, field, _| {
                w.string(node, field, "string");
            }),
        ),
        (
            "loadBalancerSourceRanges",
            Some(|w, node, field, spec| {
                spec.load_balancer_source_ranges = w.strings(node, field, "string")
            }),
        ),
        (
            "externalName",
            Some(|w, node, field, spec| {
                spec.external_name = w.string(node, field, "string").unwrap_or_default()
            }),
        ),
        (
            "externalTrafficPolicy",
            Some(|w, node, field, spec| {
                spec.external_traffic_policy = w
                    .string(node, field, "v1.ServiceExternalTrafficPolicy")
                    .unwrap_or_default()
            }),
        ),
        (
            "healthCheckNodePort",
            Some(|w, node, field, spec| {
                spec.health_check_node_port = w.int32(node, field).unwrap_or_default();
                spec.health_check_node_port_pos = Some(w.doc.node(node).pos);
            }),
        ),
        (
            "publishNotReadyAddresses",
            Some(|w, node, field, _| {
                w.boolean(node, field);
            }),
        ),
        (
            "sessionAffinityConfig",
            Some(|w, node, field, spec| {
                let mut config = SessionAffinityConfig::default();
                if w.object(node, field, &SESSION_AFFINITY_CONFIG, &mut config) {
                    spec.session_affinity_config = Some(config);
                }
            }),
        ),
        (
            "ipFamilies",
            Some(|w, node, field, spec| spec.ip_families = w.strings(node, field, "v1.IPFamily")),
        ),
        (
            "ipFamilyPolicy",
            Some(|w, node, field, spec| {
                spec.ip_family_policy = w.string(node, field, "v1.IPFamilyPolicy")
            }),
        ),
        (
            "allocateLoadBalancerNodePorts",
            Some(|w, node, field, spec| {
                spec.allocate_load_balancer_node_ports = w.boolean(node, field)
            }),
        ),
        (
            "loadBalancerClass",
            Some(|w, node, field, spec| spec.load_balancer_class = w.string(node, field, "string")),
        ),
        (
            "internalTrafficPolicy",
            Some(|w, node, field, spec| {
                spec.internal_traffic_policy =
                    w.string(node, field, "v1.ServiceInternalTrafficPolicy")
            }),
        ),
        (
            "trafficDistribution",
            Some(|w, node, field, spec| {
                spec.traffic_distribution = w.string(node, field, "string");
                spec.traffic_distribution_pos = Some(w.doc.node(node).pos);
            }),
        ),
    ],
};

/// `v1.SessionAffinityConfig`.
const SESSION_AFFINITY_CONFIG: Schema<SessionAffinityConfig> = Schema {
    owner: "SessionAffinityConfig",
    go_type: "v1.SessionAffinityConfig",
    fields: &[(
        "clientIP",
        Some(|w, node, field, config| {
            let mut client_ip = ClientIpConfig::default();
            if w.object(node, field, &CLIENT_IP_CONFIG, &mut client_ip) {
                config.client_ip = Some(client_ip);
            }
        }),
    )],
};

/// `v1.ClientIPConfig`.
const CLIENT_IP_CONFIG: Schema<ClientIpConfig> = Schema {
    owner: "ClientIPConfig",
    go_type: "v1.ClientIPConfig",
    fields: &[(
        "timeoutSeconds",
        Some(|w, node, field, client_ip| client_ip.timeout_seconds = w.int32(node, field)),
    )],
};

/// `v1.ServicePort`.
const SERVICE_PORT: Schema<ServicePort> = Schema {
    owner: "ServicePort",
    go_type: "v1.ServicePort",
    fields: &[
        (
            "name",
            Some(|w, node, field, port| {
                port.name = w.string(node, field, "string").unwrap_or_default()
            }),
        ),
        (
            "protocol",
            Some(|w, node, field, port| {
                port.protocol = w.string(node, field, "v1.Protocol").unwrap_or_default()
            }),
        ),
        (
            "appProtocol",
            Some(|w, node, field, port| port.app_protocol = w.string(node, field, "string")),
        ),
        (
            "port",
            Some(|w, node, field, port| port.port = w.int32(node, field).unwrap_or_default()),
        ),
        (
            "targetPort",
            Some(|w, node, field, port| port.target_port = w.target_port(node, field)),
        ),
        (
            "nodePort",
            Some(|w, node, field, port| {
                port.node_port = w.int32(node, field).unwrap_or_default();
                port.node_port_pos = Some(w.doc.node(node).pos);
            }),
        ),
    ],
};

/// Walks a Service's tree, keeping the first type error and every unknown field.
struct Walk<'d> {
    doc: &'d Document,
    type_error: Option<(String, Pos)>,
    unknown: Vec<(String, Pos)>,
}

/// Decodes the Service at `root`, or says why the apiserver would refuse it.
pub fn decode_service(doc: &Document, root: NodeId) -> Object {
    let mut walk = Walk {
        doc,
        type_error: None,
        unknown: Vec::new(),
    };
    let mut service = Service {
        pos: doc.node(root).pos,
        ..Service::default()
    };
    walk.object(root, &Field::root(), &SERVICE, &mut service);
    if service.namespace.is_empty() {
        service.namespace = "default".to_owned();
    }
    let key = object_key(doc, root);
    let failure = match (walk.type_error, walk.unknown.first()) {
        (Some((message, pos)), _) => Some((format!("json: {message}"), pos)),
        (None, Some(&(_, pos))) => {
            let fields: Vec<String> = walk
                .unknown
                .iter()
                .map(|(path, _)| format!("unknown field \"{path}\""))
                .collect();
            Some((format!("strict decoding error: {}", fields.join(", ")), pos))
        }
        (None, None) => None,
    };
    match failure {
        Some((message, pos)) => Object::Undecodable {
            key,
            message: cannot_handle(&message),
            pos,
        },
        None => Object::Service(Box::new(service)),
    }
}

impl Walk<'_> {
    /// Decodes the mapping at `node` as the struct `schema` declares, into `into`: each known
    /// field by its decoder, each unknown one noted; null decodes to nothing, and anything but a
    /// mapping is a type error. Says whether there was a mapping (Go's pointer is then set).
    fn object<T>(&mut self, node: NodeId, field: &Field, schema: &Schema<T>, into: &mut T) -> bool {
        let doc = self.doc;
        let entries = match &doc.node(node).value {
            Value::Map(entries) => entries,
            _ => {
                let (kind, _) = self.json_kind(node);
                if kind != "null" {
                    self.mismatch(node, kind, field, schema.go_type);
                }
                return false;
            }
        };
        for &(key, value) in entries {
            let Some(name) = doc.scalar_text(key) else {
                self.mismatch(key, "object", field, schema.go_type);
                continue;
            };
            match schema.fields.iter().find(|(known, _)| *known == name) {
                Some((_, Some(decode))) => {
                    decode(self, value, &field.child(schema.owner, name), into)
                }
                Some((_, None)) => {}
                None => {
                    let path = if field.json_path.is_empty() {
                        name.to_owned()
                    } else {
                        format!("{}.{name}", field.json_path)
                    };
                    self.unknown.push((path, doc.node(key).pos));
                }
            }
        }
        true
    }

    /// The JSON type a node becomes: `string`, `number`, `bool`, `array`, `object` or `null`.
    fn json_kind(&self, node: NodeId) -> (&'static str, Option<Resolved>) {
        match &self.doc.node(node).value {
            Value::Seq(_) => ("array", None),
            Value::Map(_) => ("object", None),
            Value::Scalar(s) => {
                let resolved = match s.tag.as_deref() {
                    Some("str") => Resolved::Str,
                    Some("null") => Resolved::Null,
                    _ if !s.plain => Resolved::Str,
                    _ => resolve(&s.text),
                };
                let kind = match resolved {
                    Resolved::Null => "null",
                    Resolved::Bool(_) => "bool",
                    Resolved::Int(_) | Resolved::Float(_) => "number",
                    Resolved::Str => "string",
                };
                (kind, Some(resolved))
            }
        }
    }

    fn mismatch(&mut self, node: NodeId, what: &str, field: &Field, go_type: &str) {
        if self.type_error.is_none() {
            let message = if field.go_path.is_empty() {
                format!("cannot unmarshal {what} into Go value of type {go_type}")
            } else {
                format!(
                    "cannot unmarshal {what} into Go struct field {}.{} of type {go_type}",
                    field.owner, field.go_path
                )
            };
            self.type_error = Some((message, self.doc.node(node).pos));
        }
    }

    fn list(&mut self, node: NodeId, field: &Field, go_type: &str) -> Vec<NodeId> {
        match &self.doc.node(node).value {
            Value::Seq(items) => items.clone(),
            _ => {
                let (kind, _) = self.json_kind(node);
                if kind != "null" {
                    self.mismatch(node, kind, field, go_type);
                }
                Vec::new()
            }
        }
    }

    fn string(&mut self, node: NodeId, field: &Field, go_type: &str) -> Option<String> {
        match self.json_kind(node) {
            ("string", _) => self.doc.scalar_text(node).map(str::to_owned),
            ("null", _) => None,
            (kind, _) => {
                self.mismatch(node, kind, field, go_type);
                None
            }
        }
    }

    /// A `map[string]string` (labels, annotations, a selector): `None` for null; a null value is
    /// the empty string, as Go decodes it.
    fn string_map(&mut self, node: NodeId, field: &Field) -> Option<Vec<(String, String)>> {
        let doc = self.doc;
        let Value::Map(entries) = &doc.node(node).value else {
            let (kind, _) = self.json_kind(node);
            if kind != "null" {
                self.mismatch(node, kind, field, "map[string]string");
            }
            return None;
        };
        let mut map = Vec::with_capacity(entries.len());
        for &(key, value) in entries {
            let Some(key) = doc.scalar_text(key) else {
                self.mismatch(key, "object", field, "map[string]string");
                continue;
            };
            let value = self.string(value, field, "string").unwrap_or_default();
            map.push((key.to_owned(), value));
        }
        Some(map)
    }

    /// A list of strings whose Go type is `item_type` (`string`, `v1.IPFamily`).
    fn strings(&mut self, node: NodeId, field: &Field, item_type: &str) -> Vec<String> {
        self.list(node, field, &format!("[]{item_type}"))
            .into_iter()
            .filter_map(|item| self.string(item, field, item_type))
            .collect()
    }

    fn int32(&mut self, node: NodeId, field: &Field) -> Option<i32> {
        match self.json_kind(node) {
            (_, Some(Resolved::Int(v))) => match i32::try_from(v) {
                Ok(v) => Some(v),
                Err(_) => {
                    self.mismatch(node, &format!("number {v}"), field, "int32");
                    None
                }
            },
            (_, Some(Resolved::Float(Some(v)))) if i32::try_from(v).is_ok() => {
                i32::try_from(v).ok()
            }
            (_, Some(Resolved::Float(_))) => {
                let text = self.doc.scalar_text(node).unwrap_or_default().to_owned();
                self.mismatch(node, &format!("number {text}"), field, "int32");
                None
            }
            ("null", _) => None,
            (kind, _) => {
                self.mismatch(node, kind, field, "int32");
                None
            }
        }
    }

    fn boolean(&mut self, node: NodeId, field: &Field) -> Option<bool> {
        match self.json_kind(node) {
            (_, Some(Resolved::Bool(b))) => Some(b),
            ("null", _) => None,
            (kind, _) => {
                self.mismatch(node, kind, field, "bool");
                None
            }
        }
    }

    fn target_port(&mut self, node: NodeId, field: &Field) -> Option<TargetPort> {
        match self.json_kind(node) {
            ("string", _) => self
                .doc
                .scalar_text(node)
                .map(|s| TargetPort::Name(s.to_owned())),
            ("number", _) => self.int32(node, field).map(TargetPort::Number),
            ("null", _) => None,
            (kind, _) => {
                self.mismatch(node, kind, field, "intstr.IntOrString");
                None
            }
        }
    }
}
