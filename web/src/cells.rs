//! What each port of the range shows: free, or held by which Service and how. Built once per
//! moment the engine describes, read by the grid's painter, tooltip and highlight.

use crate::engine::MomentView;
use crate::view;

/// Who holds a port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    /// `namespace/name`.
    pub service: String,
    /// What uses it: `dns-tcp 53/TCP + dns-udp 53/UDP`, `health check`.
    pub what: String,
    /// Whether the manifest wrote this port (explicit) rather than the allocator choosing it.
    pub explicit: bool,
    /// The Service's index in the cluster's list (sorted by namespace and name), which picks its
    /// colour: a Service added earlier in that order moves the colours of those after it.
    pub index: usize,
}

/// The owner of every port of the range, by offset from its first port.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cells {
    owners: Vec<Option<Owner>>,
}

impl Cells {
    /// The cells of a moment's range.
    pub fn of(moment: &MomentView) -> Self {
        let owners: Vec<Owner> = moment
            .holdings
            .iter()
            .map(|h| Owner {
                service: h.service.clone(),
                what: view::uses(&h.port),
                explicit: h.port.explicit,
                index: h.index,
            })
            .collect();
        let owners = moment
            .holders
            .iter()
            .map(|&i| usize::try_from(i).ok().and_then(|i| owners.get(i).cloned()))
            .collect();
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
