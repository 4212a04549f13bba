//! From YAML trees to Kubernetes objects, as kubectl and the apiserver decode them.
//!
//! Plain scalars resolve as YAML 1.1 does ([`crate::yaml::resolve`]). A value of the wrong JSON
//! type fails the object with the apiserver's `json: cannot unmarshal …` text; fields the v1
//! schema does not have fail it with its strict-decoding text. Both carry the position of the
//! offending node.

use crate::service::{Service, ServicePort, ServiceSpec, TargetPort};
use crate::yaml::resolve::{resolve, Resolved};
use crate::yaml::{Document, InputError, NodeId, Pos, Value};

/// One object found in a manifest.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    /// The document it came from, from 1.
    pub document: usize,
    /// Where the object starts.
    pub pos: Pos,
    /// What it is.
    pub object: Object,
}

/// What an object in a manifest turned out to be.
#[derive(Clone, Debug, PartialEq)]
pub enum Object {
    /// A `v1` Service, decoded.
    Service(Service),
    /// Any other kind: not applied, reported as skipped.
    Other {
        /// `kind`.
        kind: String,
        /// `metadata.namespace/metadata.name`, as far as known.
        key: String,
    },
    /// A Service the apiserver would refuse to decode (400 Bad Request).
    Undecodable {
        /// `metadata.namespace/metadata.name`, as far as known.
        key: String,
        /// The apiserver's message.
        message: String,
        /// Where the offending value is.
        pos: Pos,
    },
}

/// The objects of a document: itself, or the items of a `List` (nested lists are flattened).
/// An empty document has none.
pub fn objects(doc: &Document) -> Result<Vec<Found>, InputError> {
    doc.root()
        .map_or(Ok(Vec::new()), |root| objects_at(doc, root))
}

/// The objects at `node` of a document, as [`objects`] finds them at its root.
pub fn objects_at(doc: &Document, node: NodeId) -> Result<Vec<Found>, InputError> {
    let mut found = Vec::new();
    let mut queue = vec![node];
    while let Some(node) = queue.pop() {
        let pos = doc.node(node).pos;
        let fail = |message: String| InputError {
            document: doc.number,
            pos,
            message,
        };
        let header = |key| doc.get(node, key).and_then(|v| doc.scalar_text(v));
        match &doc.node(node).value {
            Value::Map(_) => {}
            Value::Scalar(s) if s.plain && resolve(&s.text) == Resolved::Null => continue,
            other => {
                return Err(fail(format!(
                    "expected a Kubernetes object (a mapping with apiVersion and kind), found {}",
                    describe(other)
                )))
            }
        }
        let kind = header("kind").filter(|k| !k.is_empty());
        let api_version = header("apiVersion").filter(|v| !v.is_empty());
        let (Some(kind), Some(api_version)) = (kind, api_version) else {
            let missing = if kind.is_none() { "Kind" } else { "apiVersion" };
            return Err(fail(format!("Object '{missing}' is missing")));
        };
        if kind == "List" || (kind.ends_with("List") && doc.get(node, "items").is_some()) {
            if let Some(items) = doc.get(node, "items") {
                match &doc.node(items).value {
                    Value::Seq(items) => queue.extend(items.iter().rev()),
                    Value::Scalar(_) => {}
                    Value::Map(_) => {
                        return Err(fail(format!("the items of a {kind} must be a list")))
                    }
                }
            }
            continue;
        }
        let key = object_key(doc, node);
        let object = match (kind, api_version) {
            ("Service", "v1") => decode_service(doc, node),
            ("Service", version) => Object::Undecodable {
                message: format!("no matches for kind \"Service\" in version \"{version}\""),
                key,
                pos,
            },
            (kind, _) => Object::Other {
                kind: kind.to_owned(),
                key,
            },
        };
        found.push(Found {
            document: doc.number,
            pos,
            object,
        });
    }
    Ok(found)
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Scalar(_) => "a scalar",
        Value::Seq(_) => "a list",
        Value::Map(_) => "a mapping",
    }
}

/// `namespace/name` from an object's metadata, as far as it is readable.
fn object_key(doc: &Document, node: NodeId) -> String {
    let meta = doc.get(node, "metadata");
    let text = |key| {
        meta.and_then(|m| doc.get(m, key))
            .and_then(|v| doc.scalar_text(v))
            .unwrap_or("")
    };
    let namespace = match text("namespace") {
        "" => "default",
        ns => ns,
    };
    format!("{namespace}/{}", text("name"))
}

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

const SERVICE_FIELDS: &[&str] = &["apiVersion", "kind", "metadata", "spec", "status"];
const OBJECT_META_FIELDS: &[&str] = &[
    "name",
    "generateName",
    "namespace",
    "selfLink",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "labels",
    "annotations",
    "ownerReferences",
    "finalizers",
    "managedFields",
];
const SERVICE_SPEC_FIELDS: &[&str] = &[
    "ports",
    "selector",
    "clusterIP",
    "clusterIPs",
    "type",
    "externalIPs",
    "sessionAffinity",
    "loadBalancerIP",
    "loadBalancerSourceRanges",
    "externalName",
    "externalTrafficPolicy",
    "healthCheckNodePort",
    "publishNotReadyAddresses",
    "sessionAffinityConfig",
    "ipFamilies",
    "ipFamilyPolicy",
    "allocateLoadBalancerNodePorts",
    "loadBalancerClass",
    "internalTrafficPolicy",
    "trafficDistribution",
];
const SERVICE_PORT_FIELDS: &[&str] = &[
    "name",
    "protocol",
    "appProtocol",
    "port",
    "targetPort",
    "nodePort",
];

/// Walks a Service's tree, keeping the first type error and every unknown field.
struct Walk<'d> {
    doc: &'d Document,
    type_error: Option<(String, Pos)>,
    unknown: Vec<(String, Pos)>,
}

fn decode_service(doc: &Document, root: NodeId) -> Object {
    let mut walk = Walk {
        doc,
        type_error: None,
        unknown: Vec::new(),
    };
    let service = walk.service(root);
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
            message: format!("Service in version \"v1\" cannot be handled as a Service: {message}"),
            pos,
        },
        None => Object::Service(service),
    }
}

impl<'d> Walk<'d> {
    fn service(&mut self, root: NodeId) -> Service {
        let field = Field::root();
        let mut service = Service {
            namespace: String::new(),
            name: String::new(),
            spec: ServiceSpec::default(),
            pos: self.doc.node(root).pos,
        };
        for (key, value) in self.fields(root, &field, "v1.Service", SERVICE_FIELDS) {
            match key {
                "metadata" => {
                    self.metadata(value, &field.child("Service", "metadata"), &mut service)
                }
                "spec" => service.spec = self.spec(value, &field.child("Service", "spec")),
                _ => {}
            }
        }
        if service.namespace.is_empty() {
            service.namespace = "default".to_owned();
        }
        service
    }

    fn metadata(&mut self, node: NodeId, field: &Field, service: &mut Service) {
        for (key, value) in self.fields(node, field, "v1.ObjectMeta", OBJECT_META_FIELDS) {
            let child = field.child("ObjectMeta", key);
            match key {
                "name" => service.name = self.string(value, &child, "string").unwrap_or_default(),
                "namespace" => {
                    service.namespace = self.string(value, &child, "string").unwrap_or_default()
                }
                _ => {}
            }
        }
    }

    fn spec(&mut self, node: NodeId, field: &Field) -> ServiceSpec {
        let mut spec = ServiceSpec::default();
        for (key, value) in self.fields(node, field, "v1.ServiceSpec", SERVICE_SPEC_FIELDS) {
            let child = field.child("ServiceSpec", key);
            match key {
                "type" => {
                    spec.type_ = self
                        .string(value, &child, "v1.ServiceType")
                        .unwrap_or_default()
                }
                "ports" => {
                    spec.ports = self
                        .list(value, &child, "[]v1.ServicePort")
                        .into_iter()
                        .enumerate()
                        .map(|(i, port)| self.port(port, &child.index(i)))
                        .collect()
                }
                "clusterIP" => {
                    spec.cluster_ip = self.string(value, &child, "string").unwrap_or_default()
                }
                "clusterIPs" => spec.cluster_ips = self.strings(value, &child),
                "externalIPs" => spec.external_ips = self.strings(value, &child),
                "externalTrafficPolicy" => {
                    spec.external_traffic_policy = self
                        .string(value, &child, "v1.ServiceExternalTrafficPolicy")
                        .unwrap_or_default()
                }
                "healthCheckNodePort" => {
                    spec.health_check_node_port = self.int32(value, &child).unwrap_or_default();
                    spec.health_check_node_port_pos = Some(self.doc.node(value).pos);
                }
                "allocateLoadBalancerNodePorts" => {
                    spec.allocate_load_balancer_node_ports = self.boolean(value, &child)
                }
                _ => {}
            }
        }
        spec
    }

    fn port(&mut self, node: NodeId, field: &Field) -> ServicePort {
        let mut port = ServicePort {
            pos: Some(self.doc.node(node).pos),
            ..ServicePort::default()
        };
        for (key, value) in self.fields(node, field, "v1.ServicePort", SERVICE_PORT_FIELDS) {
            let child = field.child("ServicePort", key);
            match key {
                "name" => port.name = self.string(value, &child, "string").unwrap_or_default(),
                "protocol" => {
                    port.protocol = self
                        .string(value, &child, "v1.Protocol")
                        .unwrap_or_default()
                }
                "port" => port.port = self.int32(value, &child).unwrap_or_default(),
                "nodePort" => {
                    port.node_port = self.int32(value, &child).unwrap_or_default();
                    port.node_port_pos = Some(self.doc.node(value).pos);
                }
                "targetPort" => port.target_port = self.target_port(value, &child),
                _ => {}
            }
        }
        port
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

    /// A mapping's entries with string keys, noting unknown ones; nothing for null or a type error.
    fn fields(
        &mut self,
        node: NodeId,
        field: &Field,
        go_type: &str,
        known: &[&str],
    ) -> Vec<(&'d str, NodeId)> {
        let doc = self.doc;
        let entries = match &doc.node(node).value {
            Value::Map(entries) => entries,
            _ => {
                let (kind, _) = self.json_kind(node);
                if kind != "null" {
                    self.mismatch(node, kind, field, go_type);
                }
                return Vec::new();
            }
        };
        let mut out = Vec::with_capacity(entries.len());
        for &(key, value) in entries {
            let Some(name) = doc.scalar_text(key) else {
                self.mismatch(key, "object", field, go_type);
                continue;
            };
            if known.contains(&name) {
                out.push((name, value));
            } else {
                let path = if field.json_path.is_empty() {
                    name.to_owned()
                } else {
                    format!("{}.{name}", field.json_path)
                };
                self.unknown.push((path, doc.node(key).pos));
            }
        }
        out
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

    fn strings(&mut self, node: NodeId, field: &Field) -> Vec<String> {
        self.list(node, field, "[]string")
            .into_iter()
            .filter_map(|item| self.string(item, field, "string"))
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
