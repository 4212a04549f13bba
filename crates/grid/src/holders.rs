//! Who holds each port of a cluster's range.

use portband_kube::{Cluster, Held, Stored};

/// For every port of the cluster's range, by offset from its first port, what `view` makes of the
/// Service that holds it (the first to, should two): called with the Service's index in the
/// cluster's list (sorted by namespace and name, which picks its colour: a Service added earlier
/// in that order moves the colours of those after it), the Service, and the port with what uses
/// it.
pub fn holders<T>(
    cluster: &Cluster,
    mut view: impl FnMut(usize, &Stored, &Held) -> T,
) -> Vec<Option<T>> {
    let range = cluster.allocator().range();
    let mut holders: Vec<Option<T>> = (0..range.size()).map(|_| None).collect();
    for (index, stored) in cluster.services().iter().enumerate() {
        for held in stored.held() {
            if let Some(offset) = range.offset_of(i64::from(held.node_port)) {
                holders[offset as usize].get_or_insert_with(|| view(index, stored, &held));
            }
        }
    }
    holders
}
