//! From YAML trees to Kubernetes objects, as kubectl and the apiserver decode them: this module
//! finds the objects of a document (flattening `List`s); [`schema`] decodes a v1 Service.
//!
//! Plain scalars resolve as YAML 1.1 does ([`crate::yaml::resolve`]). A value of the wrong JSON
//! type fails the object with the apiserver's `json: cannot unmarshal …` text; fields the v1
//! schema does not have fail it with its strict-decoding text. Both carry the position of the
//! offending node.

mod schema;

use crate::key::ServiceKey;
use crate::service::Service;
use crate::version::{KubeVersion, TrafficDistribution};
use crate::yaml::resolve::{resolve, Resolved};
use crate::yaml::{Document, InputError, NodeId, Pos, Value};
use schema::decode_service;

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
    /// A `v1` Service, decoded (boxed: the other kinds are small).
    Service(Box<Service>),
    /// Any other kind: not applied, reported as skipped.
    Other {
        /// `kind`.
        kind: String,
        /// `metadata.namespace/metadata.name` as far as known, or the name alone for a built-in
        /// cluster-scoped kind.
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

/// The apiserver's message for a Service it cannot decode, for `reason`.
fn cannot_handle(reason: &str) -> String {
    format!("Service in version \"v1\" cannot be handled as a Service: {reason}")
}

/// A field of `service` that `version`'s API does not have yet, which strict decoding refuses:
/// the apiserver's message and where the field is written.
pub fn unknown_in(service: &Service, version: KubeVersion) -> Option<(String, Pos)> {
    let pos = service.spec.traffic_distribution_pos?;
    (version.traffic_distribution() == TrafficDistribution::Unknown).then(|| {
        (
            cannot_handle("strict decoding error: unknown field \"spec.trafficDistribution\""),
            pos,
        )
    })
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
        let key = if CLUSTER_SCOPED.contains(&kind) {
            object_name(doc, node).to_owned()
        } else {
            object_key(doc, node)
        };
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

/// The built-in kinds that live in no namespace (kubectl learns them from the API's discovery;
/// portband knows the built-in ones): they are named by their name alone.
const CLUSTER_SCOPED: &[&str] = &[
    "APIService",
    "CSIDriver",
    "CSINode",
    "CertificateSigningRequest",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "FlowSchema",
    "IngressClass",
    "MutatingWebhookConfiguration",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PriorityClass",
    "PriorityLevelConfiguration",
    "RuntimeClass",
    "StorageClass",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
    "VolumeAttachment",
];

/// A field of an object's metadata, as far as it is readable.
fn metadata_text<'d>(doc: &'d Document, node: NodeId, key: &str) -> &'d str {
    doc.get(node, "metadata")
        .and_then(|m| doc.get(m, key))
        .and_then(|v| doc.scalar_text(v))
        .unwrap_or("")
}

/// An object's `metadata.name`, as far as it is readable.
fn object_name(doc: &Document, node: NodeId) -> &str {
    metadata_text(doc, node, "name")
}

/// `namespace/name` from an object's metadata, as far as it is readable.
fn object_key(doc: &Document, node: NodeId) -> String {
    let namespace = metadata_text(doc, node, "namespace");
    ServiceKey::new(namespace, object_name(doc, node)).to_string()
}
