//! What kubectl does before the apiserver sees an object: the command a step stands for
//! ([`Mode`]), and for `kubectl apply` the `last-applied-configuration` annotation and the
//! client-side three-way merge (`pkg/cmd/apply`, apimachinery's strategic merge patch).
//!
//! The merge works on the fields portband reads: a field counts as written when it is not empty
//! (as Go's `omitempty` writes it), and `spec.ports` entries merge by their `port` number, the
//! list's `patchMergeKey`. Every other list is replaced whole, every map merged key by key.

use crate::decode::{objects, Object};
use crate::service::{
    ClientIpConfig, Service, ServicePort, ServiceSpec, SessionAffinityConfig, TargetPort,
};
use crate::validation::sorted;
use crate::yaml::parse_stream;
use portband_allocator::gofmt::JsonQuoted;
use std::fmt::Write as _;

/// The annotation in which `kubectl apply` keeps the configuration it last applied.
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// The object `kubectl apply` sends: the manifest with its own JSON, as kubectl serialises it
/// (keys sorted, `annotations` always there, a final newline), in the annotation.
pub fn annotated(manifest: &Service) -> Service {
    let mut service = manifest.clone();
    service.annotations.retain(|(key, _)| key != LAST_APPLIED);
    let mut json = String::with_capacity(512);
    write_json(&service, &mut json);
    json.push('\n');
    service.annotations.push((LAST_APPLIED.to_owned(), json));
    service
}

/// The configuration a live Service was last applied with, read from its annotation; `None` when
/// it has none (it was created or replaced without `kubectl apply`) or the annotation is not a
/// Service.
fn last_applied(live: &Service) -> Option<Service> {
    let (_, json) = live
        .annotations
        .iter()
        .find(|(key, _)| key == LAST_APPLIED)?;
    let documents = parse_stream(json).ok()?;
    let found = objects(documents.first()?).ok()?.into_iter().next()?;
    match found.object {
        Object::Service(service) => Some(*service),
        _ => None,
    }
}

/// What `kubectl apply` leaves the apiserver to store when `modified` (an [`annotated`] manifest)
/// meets the `live` Service: every field the manifest writes; a field it wrote last time and no
/// longer writes, removed; any other field, as it is live (a default, an allocated port, another
/// writer's change).
pub fn merged(modified: &Service, live: &Service) -> Service {
    let original = last_applied(live);
    let original = original.as_ref();
    let Service {
        namespace,
        name,
        generate_name,
        labels,
        annotations,
        spec,
        pos,
    } = modified;
    Service {
        namespace: namespace.clone(),
        name: name.clone(),
        generate_name: pick(
            generate_name,
            original.map(|o| &o.generate_name),
            &live.generate_name,
        ),
        labels: merge_map(labels, original.map(|o| &o.labels[..]), &live.labels),
        annotations: merge_map(
            annotations,
            original.map(|o| &o.annotations[..]),
            &live.annotations,
        ),
        spec: merge_spec(spec, original.map(|o| &o.spec), &live.spec),
        pos: *pos,
    }
}

/// Whether a field is written, as Go's `omitempty` decides.
trait Written {
    fn written(&self) -> bool;
}

impl Written for String {
    fn written(&self) -> bool {
        !self.is_empty()
    }
}

impl Written for i32 {
    fn written(&self) -> bool {
        *self != 0
    }
}

impl<T> Written for Option<T> {
    fn written(&self) -> bool {
        self.is_some()
    }
}

impl<T> Written for Vec<T> {
    fn written(&self) -> bool {
        !self.is_empty()
    }
}

/// One field: the manifest's if it writes it; else removed if the last apply wrote it; else live.
fn pick<T: Written + Clone + Default>(modified: &T, original: Option<&T>, live: &T) -> T {
    if modified.written() {
        modified.clone()
    } else if original.is_some_and(Written::written) {
        T::default()
    } else {
        live.clone()
    }
}

/// A map merged key by key; a map the manifest no longer writes at all is removed whole.
fn merge_map(
    modified: &[(String, String)],
    original: Option<&[(String, String)]>,
    live: &[(String, String)],
) -> Vec<(String, String)> {
    if modified.is_empty() {
        return if original.is_some_and(|o| !o.is_empty()) {
            Vec::new()
        } else {
            live.to_vec()
        };
    }
    let has = |map: &[(String, String)], key: &str| map.iter().any(|(k, _)| k == key);
    let mut merged: Vec<(String, String)> = live
        .iter()
        .filter(|(key, _)| has(modified, key) || !original.is_some_and(|o| has(o, key)))
        .map(|(key, value)| {
            let value = modified
                .iter()
                .find(|(k, _)| k == key)
                .map_or(value, |(_, v)| v);
            (key.clone(), value.clone())
        })
        .collect();
    for (key, value) in modified {
        if !has(live, key) {
            merged.push((key.clone(), value.clone()));
        }
    }
    merged
}

fn merge_spec(
    modified: &ServiceSpec,
    original: Option<&ServiceSpec>,
    live: &ServiceSpec,
) -> ServiceSpec {
    let ServiceSpec {
        type_,
        ports,
        cluster_ip,
        cluster_ips,
        selector,
        session_affinity,
        session_affinity_config,
        ip_families,
        ip_family_policy,
        load_balancer_source_ranges,
        traffic_distribution,
        traffic_distribution_pos,
        internal_traffic_policy,
        load_balancer_class,
        external_name,
        external_ips,
        external_traffic_policy,
        health_check_node_port,
        health_check_node_port_pos,
        allocate_load_balancer_node_ports,
    } = modified;
    macro_rules! field {
        ($name:ident) => {
            pick($name, original.map(|o| &o.$name), &live.$name)
        };
    }
    let selector = match selector {
        Some(map) if !map.is_empty() => Some(merge_map(
            map,
            original.and_then(|o| o.selector.as_deref()),
            live.selector.as_deref().unwrap_or_default(),
        )),
        _ => field!(selector),
    };
    ServiceSpec {
        type_: field!(type_),
        ports: merge_ports(ports, original.map(|o| &o.ports[..]), &live.ports),
        cluster_ip: field!(cluster_ip),
        cluster_ips: field!(cluster_ips),
        selector,
        session_affinity: field!(session_affinity),
        session_affinity_config: field!(session_affinity_config),
        ip_families: field!(ip_families),
        ip_family_policy: field!(ip_family_policy),
        load_balancer_source_ranges: field!(load_balancer_source_ranges),
        traffic_distribution: field!(traffic_distribution),
        traffic_distribution_pos: *traffic_distribution_pos,
        internal_traffic_policy: field!(internal_traffic_policy),
        load_balancer_class: field!(load_balancer_class),
        external_name: field!(external_name),
        external_ips: field!(external_ips),
        external_traffic_policy: field!(external_traffic_policy),
        health_check_node_port: field!(health_check_node_port),
        health_check_node_port_pos: *health_check_node_port_pos,
        allocate_load_balancer_node_ports: field!(allocate_load_balancer_node_ports),
    }
}

/// A field of a `spec.ports` entry other than its merge key.
#[derive(Clone, Copy)]
enum PortField {
    Name,
    Protocol,
    TargetPort,
    AppProtocol,
    NodePort,
}

impl PortField {
    const ALL: [PortField; 5] = [
        PortField::Name,
        PortField::Protocol,
        PortField::TargetPort,
        PortField::AppProtocol,
        PortField::NodePort,
    ];

    fn written(self, p: &ServicePort) -> bool {
        match self {
            PortField::Name => p.name.written(),
            PortField::Protocol => p.protocol.written(),
            PortField::TargetPort => p.target_port.written(),
            PortField::AppProtocol => p.app_protocol.written(),
            PortField::NodePort => p.node_port.written(),
        }
    }

    fn same(self, a: &ServicePort, b: &ServicePort) -> bool {
        match self {
            PortField::Name => a.name == b.name,
            PortField::Protocol => a.protocol == b.protocol,
            PortField::TargetPort => a.target_port == b.target_port,
            PortField::AppProtocol => a.app_protocol == b.app_protocol,
            PortField::NodePort => a.node_port == b.node_port,
        }
    }

    /// Sets the field of `to` to `from`'s, or clears it.
    fn assign(self, to: &mut ServicePort, from: Option<&ServicePort>) {
        let empty = ServicePort::default();
        let from = from.unwrap_or(&empty);
        match self {
            PortField::Name => to.name.clone_from(&from.name),
            PortField::Protocol => to.protocol.clone_from(&from.protocol),
            PortField::TargetPort => to.target_port.clone_from(&from.target_port),
            PortField::AppProtocol => to.app_protocol.clone_from(&from.app_protocol),
            PortField::NodePort => {
                to.node_port = from.node_port;
                to.node_port_pos = from.node_port_pos;
            }
        }
    }
}

/// One element of the patch kubectl computes for `spec.ports`.
struct Element<'a> {
    /// The merge key.
    port: i32,
    /// `$patch: delete`: the apiserver removes every entry with this `port`.
    delete: bool,
    /// Fields to set, from `from`.
    set: Vec<PortField>,
    /// Fields to clear (`null` in the patch).
    clear: Vec<PortField>,
    /// The manifest's entry the set fields come from.
    from: Option<&'a ServicePort>,
}

/// For each entry of `list`, the entry of `other` the strategic merge patch's diff pairs it
/// with. The diff sorts both lists by their merge key with a comparison that calls equal keys
/// "less" (`sort.StringsAreSorted` on the pair), which reverses each run of equal keys; then it
/// walks them side by side. So the last entries with a port number pair up, then the ones before.
fn paired<'a>(list: &[ServicePort], other: &'a [ServicePort]) -> Vec<Option<&'a ServicePort>> {
    let count = |l: &[ServicePort], port: i32| l.iter().filter(|e| e.port == port).count();
    let occurrence =
        |l: &[ServicePort], i: usize| l[..i].iter().filter(|e| e.port == l[i].port).count();
    (0..list.len())
        .map(|i| {
            let port = list[i].port;
            let (ours, theirs) = (count(list, port), count(other, port));
            let j = (occurrence(list, i) + theirs).checked_sub(ours)?;
            other.iter().filter(|e| e.port == port).nth(j)
        })
        .collect()
}

/// `spec.ports` as kubectl apply leaves it, entry by entry as upstream's strategic merge patch
/// works (apimachinery `strategicpatch/patch.go`): kubectl diffs the manifest against the live
/// list (changes and additions) and against the last applied one (deletions), pairing entries as
/// [`paired`] says; the apiserver removes every entry a `$patch: delete` names, merges each other
/// element into the *first* entry with its `port` (or appends it), and orders the list as the
/// manifest does, other live entries kept where they were. Two entries with one port number and
/// two protocols can so collapse into one: a known defect of kubectl apply
/// (kubernetes/kubernetes#39188, #59482, #105610).
fn merge_ports(
    modified: &[ServicePort],
    original: Option<&[ServicePort]>,
    live: &[ServicePort],
) -> Vec<ServicePort> {
    let original = original.unwrap_or_default();
    if modified.is_empty() {
        return if original.is_empty() {
            live.to_vec()
        } else {
            Vec::new()
        };
    }
    // Deletions: what the last apply wrote and the manifest no longer does.
    let mut patch: Vec<Element> = Vec::new();
    for (before, now) in original.iter().zip(paired(original, modified)) {
        let clear: Vec<PortField> = match now {
            None => Vec::new(),
            Some(now) => PortField::ALL
                .into_iter()
                .filter(|f| f.written(before) && !f.written(now))
                .collect(),
        };
        if now.is_none() || !clear.is_empty() {
            patch.push(Element {
                port: before.port,
                delete: now.is_none(),
                set: Vec::new(),
                clear,
                from: None,
            });
        }
    }
    // Changes and additions, merged into the deletion element of their port if there is one, in
    // the order the diff makes them: by port as the manifest first names it, and within a port
    // number from the last entry back.
    let pairs = paired(modified, live);
    let order = ports_in_order(modified).into_iter().flat_map(|port| {
        (0..modified.len())
            .rev()
            .filter(move |&i| modified[i].port == port)
    });
    for (entry, current) in order.map(|i| (&modified[i], pairs[i])) {
        let set: Vec<PortField> = PortField::ALL
            .into_iter()
            .filter(|f| f.written(entry) && current.is_none_or(|c| !f.same(entry, c)))
            .collect();
        if current.is_some() && set.is_empty() {
            continue;
        }
        match patch.iter_mut().find(|e| e.port == entry.port) {
            Some(element) => {
                element.set.extend(set);
                element.from = Some(entry);
            }
            None => patch.push(Element {
                port: entry.port,
                delete: false,
                set,
                clear: Vec::new(),
                from: Some(entry),
            }),
        }
    }
    // The apiserver's side. Live entries come from an earlier manifest: their positions mean
    // nothing in this one.
    let mut merged: Vec<ServicePort> = live
        .iter()
        .map(|entry| ServicePort {
            pos: None,
            node_port_pos: None,
            ..entry.clone()
        })
        .collect();
    for element in patch.iter().filter(|e| e.delete) {
        merged.retain(|entry| entry.port != element.port);
    }
    for element in patch.iter().filter(|e| !e.delete) {
        let at = match merged.iter().position(|e| e.port == element.port) {
            Some(at) => at,
            None => {
                merged.push(ServicePort {
                    port: element.port,
                    ..ServicePort::default()
                });
                merged.len() - 1
            }
        };
        let target = &mut merged[at];
        for field in &element.set {
            field.assign(target, element.from);
        }
        for field in &element.clear {
            field.assign(target, None);
        }
        if let Some(from) = element.from {
            target.pos = from.pos;
        }
    }
    in_manifest_order(merged, modified, live)
}

/// The port numbers of `list`, each once, in the order they first appear.
fn ports_in_order(list: &[ServicePort]) -> Vec<i32> {
    let mut ports = Vec::new();
    for entry in list {
        if !ports.contains(&entry.port) {
            ports.push(entry.port);
        }
    }
    ports
}

/// `$setElementOrder`: the entries whose port the manifest names, in its order; each other entry
/// goes in before the first of those that came after it in the live list.
fn in_manifest_order(
    merged: Vec<ServicePort>,
    modified: &[ServicePort],
    live: &[ServicePort],
) -> Vec<ServicePort> {
    let in_live = |port: i32| live.iter().position(|l| l.port == port);
    let ports = ports_in_order(modified);
    let (named, others): (Vec<ServicePort>, Vec<ServicePort>) =
        merged.into_iter().partition(|e| ports.contains(&e.port));
    let named: Vec<ServicePort> = ports
        .iter()
        .flat_map(|port| named.iter().filter(move |e| e.port == *port).cloned())
        .collect();
    let mut ordered = Vec::with_capacity(named.len() + others.len());
    let mut named = named.into_iter().peekable();
    for other in others {
        while let Some(next) = named.peek() {
            match (in_live(other.port), in_live(next.port)) {
                (Some(o), Some(n)) if o < n => break,
                _ => ordered.extend(named.next()),
            }
        }
        ordered.push(other);
    }
    ordered.extend(named);
    ordered
}

/// A JSON object being written, as Go's encoder writes a decoded manifest: compact, keys sorted
/// (fields are given in key order; a map's entries are sorted), empty values left out as
/// `omitempty` leaves them.
struct JsonObject<'o> {
    out: &'o mut String,
    last: Option<&'static str>,
}

impl<'o> JsonObject<'o> {
    fn open(out: &'o mut String) -> Self {
        out.push('{');
        JsonObject { out, last: None }
    }

    /// Starts the field `key`.
    fn key(&mut self, key: &'static str) -> &mut String {
        debug_assert!(
            self.last.is_none_or(|last| last < key),
            "{key} out of order"
        );
        if self.last.is_some() {
            self.out.push(',');
        }
        self.last = Some(key);
        JsonQuoted(key).push_to(self.out);
        self.out.push(':');
        self.out
    }

    fn str(&mut self, key: &'static str, value: &str) {
        if !value.is_empty() {
            JsonQuoted(value).push_to(self.key(key));
        }
    }

    fn some_str(&mut self, key: &'static str, value: Option<&String>) {
        if let Some(value) = value {
            JsonQuoted(value).push_to(self.key(key));
        }
    }

    fn int(&mut self, key: &'static str, value: i32) {
        if value != 0 {
            let _ = write!(self.key(key), "{value}");
        }
    }

    fn strs(&mut self, key: &'static str, values: &[String]) {
        if !values.is_empty() {
            let out = self.key(key);
            out.push('[');
            for (i, value) in values.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                JsonQuoted(value).push_to(out);
            }
            out.push(']');
        }
    }

    fn map(&mut self, key: &'static str, entries: &[(String, String)]) {
        let mut map = JsonObject::open(self.key(key));
        for (k, v) in sorted(entries) {
            if map.last.is_some() {
                map.out.push(',');
            }
            map.last = Some("");
            JsonQuoted(k).push_to(map.out);
            map.out.push(':');
            JsonQuoted(v).push_to(map.out);
        }
        map.close();
    }

    /// A nested object under `key`.
    fn object(&mut self, key: &'static str) -> JsonObject<'_> {
        JsonObject::open(self.key(key))
    }

    fn close(self) {
        self.out.push('}');
    }
}

/// Writes the JSON kubectl writes into the annotation for a manifest's Service, from the fields
/// portband reads (a field it does not read, such as `publishNotReadyAddresses`, is left out).
fn write_json(service: &Service, out: &mut String) {
    let spec = &service.spec;
    let mut root = JsonObject::open(out);
    JsonQuoted("v1").push_to(root.key("apiVersion"));
    JsonQuoted("Service").push_to(root.key("kind"));
    let mut metadata = root.object("metadata");
    metadata.map("annotations", &service.annotations);
    metadata.str("generateName", &service.generate_name);
    if !service.labels.is_empty() {
        metadata.map("labels", &service.labels);
    }
    metadata.str("name", &service.name);
    metadata.str("namespace", &service.namespace);
    metadata.close();
    let mut fields = root.object("spec");
    if let Some(allocate) = spec.allocate_load_balancer_node_ports {
        fields
            .key("allocateLoadBalancerNodePorts")
            .push_str(if allocate { "true" } else { "false" });
    }
    fields.str("clusterIP", &spec.cluster_ip);
    fields.strs("clusterIPs", &spec.cluster_ips);
    fields.strs("externalIPs", &spec.external_ips);
    fields.str("externalName", &spec.external_name);
    fields.str("externalTrafficPolicy", &spec.external_traffic_policy);
    fields.int("healthCheckNodePort", spec.health_check_node_port);
    fields.some_str(
        "internalTrafficPolicy",
        spec.internal_traffic_policy.as_ref(),
    );
    fields.strs("ipFamilies", &spec.ip_families);
    fields.some_str("ipFamilyPolicy", spec.ip_family_policy.as_ref());
    fields.some_str("loadBalancerClass", spec.load_balancer_class.as_ref());
    fields.strs(
        "loadBalancerSourceRanges",
        &spec.load_balancer_source_ranges,
    );
    if !spec.ports.is_empty() {
        let out = fields.key("ports");
        out.push('[');
        for (i, port) in spec.ports.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let mut entry = JsonObject::open(out);
            entry.some_str("appProtocol", port.app_protocol.as_ref());
            entry.str("name", &port.name);
            entry.int("nodePort", port.node_port);
            let _ = write!(entry.key("port"), "{}", port.port);
            entry.str("protocol", &port.protocol);
            match &port.target_port {
                Some(TargetPort::Number(n)) => {
                    let _ = write!(entry.key("targetPort"), "{n}");
                }
                Some(TargetPort::Name(name)) => JsonQuoted(name).push_to(entry.key("targetPort")),
                None => {}
            }
            entry.close();
        }
        out.push(']');
    }
    if let Some(selector) = &spec.selector {
        fields.map("selector", selector);
    }
    fields.str("sessionAffinity", &spec.session_affinity);
    if let Some(SessionAffinityConfig { client_ip }) = &spec.session_affinity_config {
        let mut config = fields.object("sessionAffinityConfig");
        if let Some(ClientIpConfig { timeout_seconds }) = client_ip {
            let mut client_ip = config.object("clientIP");
            if let Some(t) = timeout_seconds {
                let _ = write!(client_ip.key("timeoutSeconds"), "{t}");
            }
            client_ip.close();
        }
        config.close();
    }
    fields.some_str("trafficDistribution", spec.traffic_distribution.as_ref());
    fields.str("type", &spec.type_);
    fields.close();
    root.close();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::read;

    fn service(text: &str) -> Service {
        match &read(text).unwrap().steps[0] {
            crate::cluster::Step::Object {
                object: Object::Service(service),
                ..
            } => (**service).clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_annotation_is_the_manifest_as_kubectl_writes_it() {
        let web = annotated(&service(
            "apiVersion: v1\nkind: Service\nmetadata: {name: web, labels: {b: '2', a: '1'}}\nspec:\n  type: NodePort\n  selector: {app: web}\n  ports: [{name: http, port: 80, targetPort: 8080}]\n",
        ));
        let (key, json) = web.annotations.last().unwrap();
        assert_eq!(key, LAST_APPLIED);
        assert_eq!(
            json,
            "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"annotations\":{},\"labels\":{\"a\":\"1\",\"b\":\"2\"},\"name\":\"web\",\"namespace\":\"default\"},\"spec\":{\"ports\":[{\"name\":\"http\",\"port\":80,\"targetPort\":8080}],\"selector\":{\"app\":\"web\"},\"type\":\"NodePort\"}}\n"
        );
        let again = last_applied(&web).unwrap();
        assert_eq!(
            again.spec.ports[0].target_port,
            Some(TargetPort::Number(8080))
        );
        assert_eq!(
            annotated(&again).annotations,
            web.annotations,
            "it reads back"
        );
    }
}
