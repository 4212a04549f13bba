//! A session: a history with the inputs it was given, and what a view asks of it, as the JSON
//! contract's objects. The JS module's `Cluster`, `Moment` and `Applying` are this module with
//! JavaScript around it; the web app's tests use it directly.

use crate::cluster::{Cluster, ClusterConfig, History, Source, Step, Stored};
use crate::cluster_ips::IpProvenance;
use crate::input::{read, read_sent, write_scenario, Entry, Note, ReadProgress, Reading};
use crate::key::ServiceKey;
use crate::outcome::{Cause, Held, Outcome, PortOutcome, Verdict};
use crate::registry::Allocation;
use crate::report::{
    band, bands_report, provenance_report, report, service_cidrs_report, step_report, summary,
};
use crate::status::ApiError;
use crate::yaml::InputError;
use portband_allocator::{Bands, ByScope, NextPick};
use portband_contract::Mode;
use portband_contract::{
    AddressCell, ApplyProgress, Band, Cause as CauseReport, Chance, Difference, Explanation,
    HeldPort, Holder, LastInput, LogLine, Metrics, Owner, PortUse, Refusal, Report, Scoped,
    Settings, StepReport, StoredService, Summary,
};
use std::rc::Rc;

/// A history and the inputs it came from.
#[derive(Clone, Debug)]
pub struct Session {
    history: History,
    /// What `apply` and `delete` were given, in order: what `scenario` writes.
    entries: Vec<Entry>,
    /// How many times it has changed: an [`Applying`] is finished only on the session it began
    /// on.
    changes: u64,
    /// The description of the scenario it was opened from.
    description: Option<String>,
    /// The scenario steps' notes, by the steps of the history they cover, in order.
    notes: Vec<Note>,
}

/// Why [`Session::finish`] refused an apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FinishError {
    /// Not every step has run.
    Unfinished,
    /// The session changed after the apply started.
    Changed,
}

impl std::fmt::Display for FinishError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            FinishError::Unfinished => {
                "this apply has not finished: run it until run() returns true"
            }
            FinishError::Changed => {
                "the cluster has changed since this apply started: start it again"
            }
        })
    }
}

/// The line of its input a step points at: its error's, or where the step starts.
fn line_of(outcome: &Outcome) -> u32 {
    outcome
        .error
        .as_ref()
        .and_then(|e| e.pos())
        .unwrap_or(outcome.source.pos)
        .line
}

/// `from..to`, cut to `len` and never backwards.
fn window(from: usize, to: usize, len: usize) -> std::ops::Range<usize> {
    let from = from.min(len);
    from..to.clamp(from, len)
}

impl Session {
    /// A session with no steps under `config`.
    pub fn new(config: ClusterConfig) -> Self {
        Session {
            history: History::new(config),
            entries: Vec::new(),
            changes: 0,
            description: None,
            notes: Vec::new(),
        }
    }

    /// A session with a scenario file's settings (over the defaults), its steps run; a
    /// manifest is taken as one input sent with `kubectl apply`.
    pub fn from_scenario(text: &str) -> Result<Self, InputError> {
        let input = read(text)?;
        let mut history = History::new(input.config_over(ClusterConfig::default()));
        for step in input.steps {
            history.push(step);
        }
        let entries = input
            .entries
            .unwrap_or_else(|| vec![Entry::Manifests(text.to_owned(), Mode::Apply, None)]);
        Ok(Session {
            history,
            entries,
            changes: 0,
            description: input.description,
            notes: input.notes,
        })
    }

    /// The description of the scenario it was opened from, if any.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// The ports used and free now.
    pub fn summary(&self) -> Summary {
        summary(self.now())
    }

    /// The history.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// How many steps have run.
    pub fn len(&self) -> usize {
        self.history.outcomes().len()
    }

    /// Whether no step has run.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Runs the steps of `text` (manifests sent as `mode` says, or a scenario's steps, its
    /// settings not taken) and returns them.
    pub fn apply(&mut self, text: &str, mode: Mode) -> Result<Vec<StepReport>, InputError> {
        let input = read_sent(text, mode)?;
        self.entries
            .push(Entry::Manifests(text.to_owned(), mode, None));
        self.changes += 1;
        self.add_notes(self.len(), input.notes);
        let bands = self.bands();
        Ok(input
            .steps
            .into_iter()
            .map(|step| step_report(self.history.push(step), &bands))
            .collect())
    }

    /// `kubectl delete service` of `key`.
    pub fn delete(&mut self, key: ServiceKey) -> StepReport {
        self.entries.push(Entry::Delete(key.clone(), None));
        self.changes += 1;
        let step = Step::Delete {
            key,
            source: Source::default(),
        };
        let bands = self.bands();
        step_report(self.history.push(step), &bands)
    }

    /// The bands of the cluster's node port range.
    fn bands(&self) -> Bands {
        self.history.cluster().bands()
    }

    /// Every step and the state after them.
    pub fn report(&self) -> Report {
        report(&self.history)
    }

    /// Steps `from..to` (from 0).
    pub fn steps(&self, from: usize, to: usize) -> Vec<StepReport> {
        let outcomes = self.history.outcomes();
        outcomes[window(from, to, outcomes.len())]
            .iter()
            .map(|o| step_report(o, &self.bands()))
            .collect()
    }

    /// Why each nodePort of step `step` is what it is, what else it did, why it was refused.
    pub fn explain(&self, step: usize) -> Option<Explanation> {
        let outcome = self.history.outcomes().get(step)?;
        Some(Explanation {
            ports: outcome
                .ports
                .iter()
                .map(|p| provenance_report(p.provenance, &self.bands()))
                .collect(),
            health_check_node_port: outcome
                .health_check
                .map(|h| provenance_report(h.provenance, &self.bands())),
            released: outcome.released.clone(),
            cause: outcome.cause.as_ref().and_then(cause_report),
            kind: outcome.kind.clone(),
            line: line_of(outcome),
        })
    }

    /// The refused steps among `from..to`.
    pub fn refusals(&self, from: usize, to: usize) -> Vec<Refusal> {
        let outcomes = self.history.outcomes();
        window(from, to, outcomes.len())
            .filter_map(|step| {
                let outcome = &outcomes[step];
                let error = outcome.error.as_ref()?;
                Some(Refusal {
                    step,
                    line: line_of(outcome),
                    message: error.to_string(),
                    taken: match outcome.cause {
                        Some(Cause::Taken { port, .. }) => Some(port),
                        _ => None,
                    },
                })
            })
            .collect()
    }

    /// The first refused step from `step` on (`forward`), or the last one before `step`.
    pub fn next_refusal(&self, step: usize, forward: bool) -> Option<usize> {
        let outcomes = self.history.outcomes();
        let refused = |&i: &usize| outcomes[i].error.is_some();
        let step = step.min(outcomes.len());
        if forward {
            (step..outcomes.len()).find(refused)
        } else {
            (0..step).rev().find(refused)
        }
    }

    /// The nodePorts each of steps `from..to` took from the allocator, in order.
    pub fn taken(&self, from: usize, to: usize) -> Vec<Vec<i32>> {
        let outcomes = self.history.outcomes();
        outcomes[window(from, to, outcomes.len())]
            .iter()
            .map(|o| o.allocations.iter().map(|a| a.port).collect())
            .collect()
    }

    /// The last of the steps from `from` on that reached a Service (objects of other kinds are
    /// skipped), if any.
    pub fn last_service_step(&self, from: usize) -> Option<usize> {
        let outcomes = self.history.outcomes();
        (from.min(outcomes.len())..outcomes.len())
            .rev()
            .find(|&i| outcomes[i].verdict != Verdict::Skipped)
    }

    /// Steps `from..to` in the words a log shows them with (kubectl reads standard input).
    pub fn log(&self, from: usize, to: usize) -> Vec<LogLine> {
        let outcomes = self.history.outcomes();
        window(from, to, outcomes.len())
            .map(|i| (i, &outcomes[i]))
            .map(|(i, o)| LogLine {
                step: step_report(o, &self.bands()),
                port_lines: o.port_lines(),
                kubectl_error: o.kubectl_error("STDIN"),
                code: o.error.as_ref().and_then(ApiError::code),
                reason: o.error.as_ref().map(|e| e.reason().to_owned()),
                kind: o.kind.clone(),
                cause: o.cause.as_ref().and_then(cause_report),
                held: o.held().iter().map(|h| held_port_of(&o.ports, h)).collect(),
                note: self.note(i).map(str::to_owned),
            })
            .collect()
    }

    /// The steps whose outcome differs in `other`, the same inputs run under other settings
    /// ([`Session::with_settings`]): another verdict (created here, refused there) or another
    /// refusal. A dynamic nodePort that lands elsewhere is not another outcome.
    pub fn differences(&self, other: &Session) -> Vec<Difference> {
        let (ours, theirs) = (self.history.outcomes(), other.history.outcomes());
        let line = |session: &Session, step: usize| session.log(step, step + 1).pop();
        ours.iter()
            .zip(theirs)
            .enumerate()
            .filter(|(_, (a, b))| a.verdict != b.verdict || a.error != b.error)
            .filter_map(|(step, _)| {
                Some(Difference {
                    step,
                    here: line(self, step)?,
                    there: line(other, step)?,
                })
            })
            .collect()
    }

    /// The state after the first `step` steps (all of them from `len` on).
    pub fn at(&self, step: usize) -> Moment {
        let step = step.min(self.len());
        Moment {
            state: self.history.state_at(step),
            step,
            last: step
                .checked_sub(1)
                .map(|i| &self.history.outcomes()[i])
                .filter(|o| o.error.is_none())
                .map(|o| (o.allocations.clone(), o.released.clone()))
                .unwrap_or_default(),
        }
    }

    /// The state now.
    pub fn now(&self) -> &Cluster {
        self.history.cluster()
    }

    /// Every input, as a scenario file with the settings: [`Session::from_scenario`] gives the
    /// session back.
    pub fn scenario(&self) -> String {
        write_scenario(&self.history.cluster().config(), &self.entries)
    }

    /// The same inputs run under `config`.
    pub fn with_settings(&self, config: ClusterConfig) -> Session {
        let mut history = History::new(config);
        for step in self.history.steps() {
            history.push(step.clone());
        }
        Session {
            history,
            entries: self.entries.clone(),
            changes: 0,
            description: self.description.clone(),
            notes: self.notes.clone(),
        }
    }

    /// The settings and the bands they make.
    pub fn settings(&self) -> Settings {
        let cluster = self.history.cluster();
        let config = cluster.config();
        Settings {
            range: config.range.to_string(),
            seed: config.seed,
            static_subrange: config.static_subrange,
            kubernetes_version: config.version.to_string(),
            service_cidrs: service_cidrs_report(cluster),
            bands: bands_report(&cluster.bands()),
        }
    }

    /// The last text applied (or the scenario the session came from), and its mode.
    pub fn last_input(&self) -> Option<LastInput> {
        self.entries.iter().rev().find_map(|entry| match entry {
            Entry::Manifests(text, mode, _) => Some(LastInput {
                text: text.clone(),
                mode: mode.as_str().to_owned(),
            }),
            Entry::Delete(..) => None,
        })
    }

    /// An apply of `text` (as [`Session::apply`]) to run a slice at a time on a copy; with
    /// `take_settings`, a scenario's settings replace the session's.
    pub fn start(&self, text: &str, mode: Mode, take_settings: bool) -> Applying {
        let text: Rc<str> = Rc::from(text);
        Applying {
            stage: Stage::Reading(Reading::new(text.clone(), mode)),
            text,
            mode,
            take_settings,
            history: self.history.clone(),
            start: self.changes,
            description: None,
            notes: Vec::new(),
            settings_taken: false,
        }
    }

    /// Takes the steps of a finished [`Applying`]; how many it added.
    pub fn finish(&mut self, applying: Applying) -> Result<usize, FinishError> {
        if !applying.finished() {
            return Err(FinishError::Unfinished);
        }
        if applying.start != self.changes {
            return Err(FinishError::Changed);
        }
        // The new steps come after the old ones (which a scenario's settings ran again in place).
        let first = self.len();
        let added = applying.history.outcomes().len() - first;
        self.history = applying.history;
        self.entries.push(Entry::Manifests(
            applying.text.to_string(),
            applying.mode,
            None,
        ));
        self.changes += 1;
        self.add_notes(first, applying.notes);
        Ok(added)
    }

    /// Adds the notes of an input whose steps were added from step `first` on.
    fn add_notes(&mut self, first: usize, notes: Vec<Note>) {
        self.notes.extend(notes.into_iter().map(|n| Note {
            steps: n.steps.start + first..n.steps.end + first,
            text: n.text,
        }));
    }

    /// The note of step `step` (from 0), if a scenario gave its step one.
    pub fn note(&self, step: usize) -> Option<&str> {
        let i = self.notes.partition_point(|n| n.steps.end <= step);
        self.notes
            .get(i)
            .filter(|n| n.steps.contains(&step))
            .map(|n| n.text.as_str())
    }
}

/// Why a step was refused, where more can be said than its message.
fn cause_report(cause: &Cause) -> Option<CauseReport> {
    Some(match cause {
        Cause::Taken {
            field,
            port,
            holder,
        } => CauseReport::Taken {
            field: field.clone(),
            port: *port,
            holder: holder.as_ref().map(|h| Holder {
                service: h.service.clone(),
                field: h.field.clone(),
            }),
        },
        Cause::OutOfRange { field, port } => CauseReport::OutOfRange {
            field: field.clone(),
            port: *port,
        },
        Cause::Full { field } => CauseReport::Full {
            field: field.clone(),
        },
        Cause::Duplicate { protocol, port } => CauseReport::Duplicate {
            protocol: protocol.clone(),
            port: *port,
        },
        _ => return None,
    })
}

/// The state of a session after some of its steps.
#[derive(Clone, Debug)]
pub struct Moment {
    state: Cluster,
    step: usize,
    /// What its last step took from the allocator and gave back (nothing for a refused one,
    /// whose ports went back).
    last: (Vec<Allocation>, Vec<i32>),
}

/// The owner of `held`, a nodePort of `stored`: its first use, or the health check.
fn owner(stored: &Stored, held: &Held) -> Owner {
    let service = stored.service.key();
    let band = held.band.map(band);
    match held.ports.first().map(|&i| &stored.ports[i]) {
        Some(p) => Owner {
            service,
            name: p.name.clone(),
            port: p.port,
            protocol: p.protocol.clone(),
            band,
            health_check: held.health_check,
        },
        None => Owner {
            service,
            name: String::new(),
            port: 0,
            protocol: "TCP".to_owned(),
            band,
            health_check: true,
        },
    }
}

/// Who holds nodePort `port` in `state`.
pub fn owner_of(state: &Cluster, port: i32) -> Option<Owner> {
    state.services().iter().find_map(|stored| {
        let held = stored.held().into_iter().find(|h| h.node_port == port)?;
        Some(owner(stored, &held))
    })
}

impl Moment {
    /// How many steps had run.
    pub fn step(&self) -> usize {
        self.step
    }

    /// The cluster at this moment.
    pub fn state(&self) -> &Cluster {
        &self.state
    }

    /// How many Services were stored.
    pub fn service_count(&self) -> usize {
        self.state.services().len()
    }

    /// Where the next dynamic allocation can land, and each free port's chance; `None` when the
    /// range is full.
    pub fn next_pick(&self) -> Option<NextPick> {
        self.state.allocator().next_pick()
    }

    /// The chance each port its last step allocated dynamically had, in the order they were
    /// taken (a refused step keeps none). The state just before a pick is worked out from this
    /// one: less what the step took from that pick on, plus what it gave back (after its
    /// allocations).
    pub fn chances(&self) -> Vec<Chance> {
        let (allocations, released) = &self.last;
        let allocator = self.state.allocator();
        let taken_before = |t: usize, port: i32| {
            (allocator.has(i64::from(port)) || released.contains(&port))
                && !allocations[t..].iter().any(|a| a.port == port)
        };
        allocations
            .iter()
            .enumerate()
            .filter_map(|(t, allocation)| {
                let pick = allocation.pick?;
                let span = allocator.bands().get(pick.band)?;
                let (first, size) = (i32::from(span.first), span.size());
                let offset = i32::from(pick.port) - first;
                // The taken run just before the port, wrapping inside the band scanned.
                let run = (1..size)
                    .take_while(|&k| {
                        taken_before(t, first + (offset - k as i32).rem_euclid(size as i32))
                    })
                    .count() as u32;
                Some(Chance {
                    port: allocation.port,
                    starts: run + 1,
                    of: size,
                })
            })
            .collect()
    }

    /// Service `key`'s index in the list, if it was stored.
    pub fn index_of(&self, key: &ServiceKey) -> Option<usize> {
        self.state.index_of(key)
    }

    /// The stored Services `from..to`, each with the nodePorts it holds.
    pub fn services(&self, from: usize, to: usize) -> Vec<StoredService> {
        let services = self.state.services();
        services[window(from, to, services.len())]
            .iter()
            .map(|stored| StoredService {
                service: stored.service.key(),
                type_: stored.service.spec.type_.clone(),
                node_ports: stored
                    .held()
                    .iter()
                    .map(|held| held_port(stored, held))
                    .collect(),
            })
            .collect()
    }

    /// Used and free ports.
    pub fn summary(&self) -> Summary {
        summary(&self.state)
    }

    /// The allocator's metrics.
    pub fn metrics(&self) -> Metrics {
        let m = self.state.allocator().metrics();
        let scoped = |s: ByScope| Scoped {
            static_scope: s.static_scope,
            dynamic: s.dynamic_scope,
        };
        Metrics {
            allocated_ports: m.allocated_ports,
            available_ports: m.available_ports,
            allocation_total: scoped(m.allocation_total),
            allocation_errors_total: scoped(m.allocation_errors_total),
        }
    }

    /// Who held nodePort `port`.
    pub fn owner(&self, port: i32) -> Option<Owner> {
        owner_of(&self.state, port)
    }

    /// Who held each port of the range, for a grid: for each port from the first, the index in
    /// the Service list of the Service holding it (-1 where free), and whether a manifest wrote it.
    pub fn holders(&self) -> Holders {
        let held = self
            .state
            .holders(|index, _, held| (i32::try_from(index).unwrap_or(i32::MAX), held.explicit));
        Holders {
            services: held.iter().map(|h| h.map_or(-1, |h| h.0)).collect(),
            explicit: held.iter().map(|h| h.is_some_and(|h| h.1)).collect(),
        }
    }
}

impl Moment {
    /// Who held the addresses of a window of service CIDR `cidr` (0: the primary), for a grid:
    /// `cells` cells of `span` addresses each from offset `from` (offset 0 is the range's first
    /// usable address), each with the index in the Service list of the Service holding its
    /// lowest taken address (-1 where none is held), and whether a manifest wrote that address.
    /// `None` for a CIDR the cluster lacks, or more than [`MAX_ADDRESS_CELLS`] cells.
    pub fn address_holders(
        &self,
        cidr: usize,
        from: u64,
        span: u64,
        cells: usize,
    ) -> Option<Holders> {
        let allocator = self.state.cluster_ips().allocators().get(cidr)?;
        if cells > MAX_ADDRESS_CELLS {
            return None;
        }
        let span = span.max(1);
        // (cell, offset, Service index, written) of each held address in the window.
        let mut held: Vec<(usize, u64, i32, bool)> = Vec::new();
        for (index, stored) in self.state.services().iter().enumerate() {
            for address in &stored.cluster_ips {
                let Some(offset) = allocator.offset_of(address.ip) else {
                    continue;
                };
                let Some(cell) = offset.checked_sub(from).map(|d| d / span) else {
                    continue;
                };
                if let Some(cell) = usize::try_from(cell).ok().filter(|&c| c < cells) {
                    let index = i32::try_from(index).unwrap_or(i32::MAX);
                    let written = address.provenance == IpProvenance::Explicit;
                    held.push((cell, offset, index, written));
                }
            }
        }
        // Highest address first, so that each cell ends with its lowest.
        held.sort_unstable_by_key(|&(_, offset, _, _)| std::cmp::Reverse(offset));
        let mut holders = Holders {
            services: vec![-1; cells],
            explicit: vec![false; cells],
        };
        for (cell, _, index, written) in held {
            holders.services[cell] = index;
            holders.explicit[cell] = written;
        }
        Some(holders)
    }

    /// The cell of `count` addresses of service CIDR `cidr` from offset `from`: its first and last
    /// address, band, how many are taken and who holds the first of them. `None` for a CIDR the
    /// cluster lacks or an offset past its addresses.
    pub fn address_cell(&self, cidr: usize, from: u64, count: u64) -> Option<AddressCell> {
        let allocator = self.state.cluster_ips().allocators().get(cidr)?;
        let size = allocator.size();
        if from >= size {
            return None;
        }
        let end = from.saturating_add(count.max(1)).min(size);
        let split = allocator.bands().static_band.map_or(0, |b| b.size);
        let band = if end <= split {
            Some(Band::Static)
        } else if from >= split {
            Some(Band::Dynamic)
        } else {
            None
        };
        let first_held = self
            .state
            .services()
            .iter()
            .flat_map(|stored| stored.cluster_ips.iter().map(move |held| (stored, held)))
            .filter_map(|(stored, held)| {
                let offset = allocator.offset_of(held.ip)?;
                (from..end)
                    .contains(&offset)
                    .then_some((offset, stored, held))
            })
            .min_by_key(|(offset, _, _)| *offset);
        let pick = first_held.and_then(|(_, _, held)| match held.provenance {
            IpProvenance::Allocated(pick) => Some(pick),
            _ => None,
        });
        Some(AddressCell {
            first: allocator.address_at(from).to_string(),
            last: allocator.address_at(end - 1).to_string(),
            size: end - from,
            band,
            taken: allocator.taken_in(from, end),
            service: first_held.map(|(_, stored, _)| stored.service.key()),
            explicit: first_held
                .is_some_and(|(_, _, held)| held.provenance == IpProvenance::Explicit),
            scan_start: pick.map(|p| p.scan_start.to_string()),
            passed: pick.map(|p| p.skipped),
        })
    }
}

/// The most cells [`Moment::address_holders`] gives at once (a grid of 2048 × 2048).
pub const MAX_ADDRESS_CELLS: usize = 1 << 22;

/// Who held each port of a range (see [`Moment::holders`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Holders {
    /// For each port, its Service's index in the list, or -1.
    pub services: Vec<i32>,
    /// For each port, whether a manifest wrote it rather than the allocator choosing it.
    pub explicit: Vec<bool>,
}

/// A nodePort of `stored`, with its uses.
fn held_port(stored: &Stored, held: &Held) -> HeldPort {
    held_port_of(&stored.ports, held)
}

/// A nodePort held by entries of `ports`, with its uses.
fn held_port_of(ports: &[PortOutcome], held: &Held) -> HeldPort {
    HeldPort {
        node_port: held.node_port,
        band: held.band.map(band),
        uses: held
            .ports
            .iter()
            .map(|&i| {
                let p = &ports[i];
                PortUse {
                    name: p.name.clone(),
                    port: p.port,
                    protocol: p.protocol.clone(),
                }
            })
            .collect(),
        health_check: held.health_check,
        explicit: held.explicit,
    }
}

/// What one step costs, in units of [`Applying::run`]'s budget (a YAML event read or decoded
/// is one).
const STEP_COST: u32 = 6;

/// An apply under way, a slice at a time, on a copy of its session's history.
pub struct Applying {
    /// The text, kept for the entry it becomes.
    text: Rc<str>,
    mode: Mode,
    take_settings: bool,
    history: History,
    /// The session's changes at the start.
    start: u64,
    stage: Stage,
    description: Option<String>,
    /// The notes of the input's steps, once read.
    notes: Vec<Note>,
    settings_taken: bool,
}

enum Stage {
    Reading(Reading),
    Running {
        steps: std::vec::IntoIter<Step>,
        total: usize,
    },
    /// The text could not be used: this error, again on every call.
    Failed(InputError),
}

impl Applying {
    /// Does up to `budget` units of work (a YAML event read or decoded is one, a step run six)
    /// and returns whether every step has run; the text's error if it cannot be used.
    pub fn run(&mut self, budget: u32) -> Result<bool, InputError> {
        let mut budget = budget.max(1);
        while budget > 0 {
            match &mut self.stage {
                Stage::Failed(error) => return Err(error.clone()),
                Stage::Reading(reading) => {
                    let events = budget.min(4_096);
                    budget -= events;
                    let Some(input) = reading.advance(events as usize) else {
                        continue;
                    };
                    let input = match input {
                        Ok(input) => input,
                        Err(error) => {
                            self.stage = Stage::Failed(error.clone());
                            return Err(error);
                        }
                    };
                    let current = self.history.cluster().config();
                    let config = input.config_over(current);
                    if self.take_settings && config != current {
                        let mut history = History::new(config);
                        for step in self.history.steps() {
                            history.push(step.clone());
                        }
                        self.history = history;
                        self.settings_taken = true;
                    }
                    self.description = input.description;
                    self.notes = input.notes;
                    self.stage = Stage::Running {
                        total: input.steps.len(),
                        steps: input.steps.into_iter(),
                    };
                }
                Stage::Running { steps, .. } => {
                    if steps.len() == 0 {
                        return Ok(true);
                    }
                    let count = (budget / STEP_COST).max(1) as usize;
                    budget = budget.saturating_sub(count as u32 * STEP_COST);
                    for step in steps.by_ref().take(count) {
                        self.history.push(step);
                    }
                }
            }
        }
        Ok(self.finished())
    }

    /// Whether every step has run.
    pub fn finished(&self) -> bool {
        matches!(&self.stage, Stage::Running { steps, .. } if steps.len() == 0)
    }

    /// How far it is.
    pub fn progress(&self) -> ApplyProgress {
        let (phase, done, total) = match &self.stage {
            Stage::Reading(reading) => match reading.progress() {
                ReadProgress::Parsing(done, total) => ("parsing", done, total),
                ReadProgress::Decoding(done, total) => ("decoding", done, total),
            },
            Stage::Running { steps, total } => ("running", total - steps.len(), *total),
            Stage::Failed(_) => ("failed", 0, 0),
        };
        ApplyProgress {
            phase: phase.to_owned(),
            done,
            total,
        }
    }

    /// A scenario's description, once the text is read.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// Whether a scenario's settings replaced the session's.
    pub fn settings_taken(&self) -> bool {
        self.settings_taken
    }
}
