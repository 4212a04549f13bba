//! What each port of the range shows: free (and how likely it is to be the next dynamic pick), or
//! held by which Service (its place in the list) and how. Built once per moment the engine
//! describes, read by the grid's painter, tooltip and highlight.

use crate::engine::MomentView;
use portband_allocator::PortRange;

/// Who holds a port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Owner {
    /// The Service's index in the cluster's list (sorted by namespace and name), which picks its
    /// colour: a Service added earlier in that order moves the colours of those after it.
    pub index: usize,
    /// Whether the manifest wrote this port (explicit) rather than the allocator choosing it.
    pub explicit: bool,
}

/// The owner of every port of the range, by offset from its first port, and the random starts
/// of the next dynamic allocation that reach each free port of the band it scans.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cells {
    owners: Vec<Option<Owner>>,
    starts: Vec<u32>,
    /// The band's size: every start.
    of: u32,
    /// The most starts any port has.
    most: u32,
}

impl Cells {
    /// The cells of a moment of `range`.
    pub fn of(moment: &MomentView, range: PortRange) -> Self {
        let owners = moment
            .holders
            .iter()
            .zip(&moment.explicit)
            .map(|(&index, &explicit)| {
                let index = usize::try_from(index).ok()?;
                Some(Owner { index, explicit })
            })
            .collect();
        let mut starts = vec![0; moment.holders.len()];
        let next = moment.next_pick.clone().unwrap_or_default();
        for (&port, &count) in next.ports.iter().zip(&next.starts) {
            if let Some(cell) = range
                .offset_of(i64::from(port))
                .and_then(|o| starts.get_mut(o as usize))
            {
                *cell = count;
            }
        }
        Cells {
            owners,
            most: next.starts.iter().copied().max().unwrap_or(0),
            of: next.of,
            starts,
        }
    }

    /// The random starts of the next dynamic allocation that reach the port at `offset`, and how
    /// many starts there are; `None` for a port it cannot land on.
    pub fn odds(&self, offset: usize) -> Option<(u32, u32)> {
        let starts = *self.starts.get(offset)?;
        (starts > 0).then_some((starts, self.of))
    }

    /// How strongly the port at `offset` is shaded as a likely next pick: 255 for the likeliest.
    pub fn shade(&self, offset: usize) -> u8 {
        let starts = self.starts.get(offset).copied().unwrap_or(0);
        (u64::from(starts) * 255 / u64::from(self.most.max(1))) as u8
    }

    /// The owner of the port at `offset`.
    pub fn owner(&self, offset: usize) -> Option<Owner> {
        self.owners.get(offset).copied().flatten()
    }

    /// The number of cells.
    pub fn count(&self) -> usize {
        self.owners.len()
    }
}

#[cfg(test)]
mod tests {
    use super::Cells;
    use crate::engine::local::{now, LocalEngine};
    use crate::engine::Engine;
    use portband_allocator::PortRange;

    #[test]
    fn free_ports_of_the_band_scanned_carry_the_next_picks_odds() {
        let engine = LocalEngine::default();
        let scenario = "apiVersion: portband/v1\nkind: Scenario\nrange: 30000-30099\nsteps:\n- apply: {apiVersion: v1, kind: Service, metadata: {name: s}, spec: {type: NodePort, ports: [{port: 80}]}}\n  repeat: 50\n";
        now(engine.open(scenario)).unwrap();
        let moment = now(engine.moment(50, 0..0, None)).unwrap();
        let cells = Cells::of(&moment, PortRange::parse_flag("30000-30099").unwrap());
        let held: Vec<usize> = (0..100).filter(|&i| cells.owner(i).is_some()).collect();
        assert_eq!(held.len(), 50);
        // The static band (the first 16 ports) is not scanned while the dynamic band has room.
        assert!((0..16).all(|i| cells.odds(i).is_none() && cells.shade(i) == 0));
        let odds: Vec<(u32, u32)> = (16..100).filter_map(|i| cells.odds(i)).collect();
        assert_eq!(
            odds.len(),
            84 - 50,
            "every free port of the dynamic band, and no held one"
        );
        assert!(held.iter().all(|&i| cells.odds(i).is_none()));
        assert_eq!(
            odds.iter().map(|(s, _)| s).sum::<u32>(),
            84,
            "the starts add up to the band"
        );
        assert!(odds.iter().all(|&(_, of)| of == 84));
        let likeliest = (16..100)
            .max_by_key(|&i| cells.odds(i).map_or(0, |o| o.0))
            .unwrap();
        assert_eq!(cells.shade(likeliest), 255);
    }
}
