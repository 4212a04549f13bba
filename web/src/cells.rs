//! What each port of the range shows: free, or held by which Service and how. Built once per
//! state, read by the grid's painter, tooltip and highlight.

use portband_kube::Cluster;

/// Who holds a port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    /// `namespace/name`.
    pub service: String,
    /// What holds it: `http 80/TCP` (the port's name, number and protocol) or `healthCheckNodePort`.
    pub what: String,
    /// Whether the manifest wrote this port (explicit) rather than the allocator choosing it.
    pub explicit: bool,
    /// The Service's index in the cluster's (sorted) list, to give it a stable colour.
    pub index: usize,
}

/// The owner of every port of the range, by offset from its first port.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cells {
    owners: Vec<Option<Owner>>,
}

impl Cells {
    /// The cells of a cluster's range.
    pub fn of(cluster: &Cluster) -> Self {
        let range = cluster.allocator().range();
        let mut owners = vec![None; range.size() as usize];
        for (index, service) in cluster.services().iter().enumerate() {
            let mut place = |port: i32, what: String, explicit: bool| {
                if let Some(offset) = range.offset_of(i64::from(port)) {
                    owners[offset as usize].get_or_insert(Owner {
                        service: service.key(),
                        what,
                        explicit,
                        index,
                    });
                }
            };
            for port in service.spec.ports.iter().filter(|p| p.node_port != 0) {
                // Ports that share a nodePort (same port number) count as explicit if any wrote it.
                let explicit = service
                    .spec
                    .ports
                    .iter()
                    .any(|p| p.node_port == port.node_port && p.node_port_pos.is_some());
                let name = if port.name.is_empty() {
                    String::new()
                } else {
                    format!("{} ", port.name)
                };
                place(
                    port.node_port,
                    format!("{name}{}/{}", port.port, port.protocol),
                    explicit,
                );
            }
            if service.needs_health_check() && service.spec.health_check_node_port != 0 {
                place(
                    service.spec.health_check_node_port,
                    "healthCheckNodePort".to_owned(),
                    service.spec.health_check_node_port_pos.is_some(),
                );
            }
        }
        Cells { owners }
    }

    /// The owner of the port at `offset`.
    pub fn owner(&self, offset: usize) -> Option<&Owner> {
        self.owners.get(offset).and_then(Option::as_ref)
    }

    /// The number of cells.
    pub fn len(&self) -> usize {
        self.owners.len()
    }
}
