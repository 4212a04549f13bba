//! The allocator's upstream metrics (`kube_apiserver_nodeport_allocator_*`).

use std::fmt;

/// How a port was requested: the `scope` label of the allocation counters.
///
/// Not the same as the band a port lies in: an explicit request (`Static`) may name a port in
/// either band, and a dynamic allocation falls back to the static band when the dynamic one is full.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// An explicit port (`Allocate(port)`): a nodePort or healthCheckNodePort the user wrote.
    Static,
    /// A port chosen by the allocator (`AllocateNext`).
    Dynamic,
}

impl Scope {
    /// `"static"` or `"dynamic"`, the label value upstream uses.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Static => "static",
            Scope::Dynamic => "dynamic",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A counter split by [`Scope`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ByScope {
    /// The count for `scope="static"`.
    pub static_scope: u64,
    /// The count for `scope="dynamic"`.
    pub dynamic_scope: u64,
}

impl ByScope {
    /// The count for one scope.
    pub fn get(&self, scope: Scope) -> u64 {
        match scope {
            Scope::Static => self.static_scope,
            Scope::Dynamic => self.dynamic_scope,
        }
    }

    /// Both scopes added up.
    pub fn total(&self) -> u64 {
        self.static_scope + self.dynamic_scope
    }

    pub(crate) fn bump(&mut self, scope: Scope) {
        match scope {
            Scope::Static => self.static_scope += 1,
            Scope::Dynamic => self.dynamic_scope += 1,
        }
    }
}

/// The four metrics kube-apiserver exports for its NodePort allocator, updated as upstream updates them:
/// the gauges read 0 until the first successful operation, then Used/Free after each one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Metrics {
    /// `kube_apiserver_nodeport_allocator_allocated_ports` (gauge).
    pub allocated_ports: u32,
    /// `kube_apiserver_nodeport_allocator_available_ports` (gauge).
    pub available_ports: u32,
    /// `kube_apiserver_nodeport_allocator_allocation_total{scope}` (counter).
    pub allocation_total: ByScope,
    /// `kube_apiserver_nodeport_allocator_allocation_errors_total{scope}` (counter).
    pub allocation_errors_total: ByScope,
}

/// What an allocator keeps for its metrics: the counters, and what the gauges read.
///
/// Upstream sets the gauges to the allocator's counts after each successful allocation and each
/// release, so they read 0 until the first and the counts from then on, except after a restore,
/// which changes the counts and leaves the gauges as they were. That is kept as a state rather
/// than as two numbers written on every pick.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Counters<N> {
    pub allocation_total: ByScope,
    pub allocation_errors_total: ByScope,
    gauges: Gauges<N>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Gauges<N> {
    /// Never set: they read 0.
    #[default]
    Unset,
    /// Set since the last change of the counts: they read the counts.
    Live,
    /// Set before a restore changed the counts: they read these.
    Held { used: N, free: N },
}

impl<N: Copy + Default> Counters<N> {
    /// An allocation in `scope` succeeded or failed.
    pub fn record(&mut self, scope: Scope, ok: bool) {
        if ok {
            self.allocation_total.bump(scope);
            self.gauges = Gauges::Live;
        } else {
            self.allocation_errors_total.bump(scope);
        }
    }

    /// A release, taken or not.
    pub fn released(&mut self) {
        self.gauges = Gauges::Live;
    }

    /// A restore is about to change the counts, now `used` and `free`.
    pub fn restoring(&mut self, used: N, free: N) {
        if matches!(self.gauges, Gauges::Live) {
            self.gauges = Gauges::Held { used, free };
        }
    }

    /// The gauges (allocated, available) of an allocator whose counts are `used` and `free`.
    pub fn gauges(&self, used: N, free: N) -> (N, N) {
        match self.gauges {
            Gauges::Unset => (N::default(), N::default()),
            Gauges::Live => (used, free),
            Gauges::Held { used, free } => (used, free),
        }
    }
}
