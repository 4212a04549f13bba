//! `Moment`: the state of a [`Cluster`](crate::Cluster) after some of its steps, as a view shows
//! it: who holds each port (the grid), the Services stored and the ports used.

use crate::to_js;
use portband_allocator::{BandKind, ByScope};
use portband_kube::{Cluster as State, Held, PortOutcome, Stored, Summary};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The state after the first `step` steps of a cluster's history.
#[wasm_bindgen]
pub struct Moment {
    state: State,
    step: usize,
}

/// Who holds a nodePort (`owner`, `holders`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Owner {
    service: String,
    name: String,
    port: i32,
    protocol: String,
    band: Option<&'static str>,
    health_check: bool,
}

/// A stored Service and the nodePorts it holds (`services`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct StoredService {
    service: String,
    #[serde(rename = "type")]
    type_: String,
    node_ports: Vec<HeldPort>,
}

/// One nodePort a Service holds, with every use of it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HeldPort {
    node_port: i32,
    band: Option<&'static str>,
    /// The `spec.ports` entries that use it: `{name, port, protocol}`.
    uses: Vec<PortUse>,
    health_check: bool,
    explicit: bool,
}

/// The allocator's metrics (`metrics`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MetricsReport {
    allocated_ports: u32,
    available_ports: u32,
    allocation_total: Scoped,
    allocation_errors_total: Scoped,
}

/// A counter by scope.
#[derive(Serialize)]
struct Scoped {
    #[serde(rename = "static")]
    static_scope: u64,
    dynamic: u64,
}

#[derive(Serialize)]
struct PortUse {
    name: String,
    port: i32,
    protocol: String,
}

fn band(kind: Option<BandKind>) -> Option<&'static str> {
    kind.map(BandKind::as_str)
}

/// The owner of `held`, a nodePort of `stored`: its first use, or the health check.
fn owner(stored: &Stored, held: &Held) -> Owner {
    let service = stored.service.key();
    match held.ports.first().map(|&i| &stored.ports[i]) {
        Some(p) => Owner {
            service,
            name: p.name.clone(),
            port: p.port,
            protocol: p.protocol.clone(),
            band: band(held.band),
            health_check: held.health_check,
        },
        None => Owner {
            service,
            name: String::new(),
            port: 0,
            protocol: "TCP".to_owned(),
            band: band(held.band),
            health_check: true,
        },
    }
}

fn port_use(port: &PortOutcome) -> PortUse {
    PortUse {
        name: port.name.clone(),
        port: port.port,
        protocol: port.protocol.clone(),
    }
}

impl Moment {
    /// The moment `state` is, after `step` steps.
    pub(crate) fn new(state: State, step: usize) -> Self {
        Moment { state, step }
    }

    /// The owner of nodePort `port`, as a JavaScript value (`null` for none).
    pub(crate) fn owner_of(state: &State, port: i32) -> JsValue {
        let owner = state.services().iter().find_map(|stored| {
            let held = stored.held().into_iter().find(|h| h.node_port == port)?;
            Some(owner(stored, &held))
        });
        owner.map_or(JsValue::NULL, |o| to_js(&o))
    }
}

#[wasm_bindgen]
impl Moment {
    /// How many steps had run at this moment.
    #[wasm_bindgen(getter)]
    pub fn step(&self) -> usize {
        self.step
    }

    /// How many Services were stored.
    #[wasm_bindgen(getter, js_name = serviceCount)]
    pub fn service_count(&self) -> usize {
        self.state.services().len()
    }

    /// The stored Services `from..to` (in the cluster's order: by namespace, then name, in
    /// natural order), each with the nodePorts it holds.
    #[wasm_bindgen(unchecked_return_type = "StoredService[]")]
    pub fn services(&self, from: usize, to: usize) -> JsValue {
        let services = self.state.services();
        let (from, to) = (from.min(services.len()), to.min(services.len()));
        let list: Vec<StoredService> = services[from..to.max(from)]
            .iter()
            .map(|stored| StoredService {
                service: stored.service.key(),
                type_: stored.service.spec.type_.clone(),
                node_ports: stored
                    .held()
                    .into_iter()
                    .map(|held| HeldPort {
                        node_port: held.node_port,
                        band: band(held.band),
                        uses: held
                            .ports
                            .iter()
                            .map(|&i| port_use(&stored.ports[i]))
                            .collect(),
                        health_check: held.health_check,
                        explicit: held.explicit,
                    })
                    .collect(),
            })
            .collect();
        to_js(&list)
    }

    /// Whether Service `service` (`namespace/name`, or `name` in default) was stored.
    pub fn has(&self, service: &str) -> bool {
        service
            .parse()
            .is_ok_and(|key| self.state.service(&key).is_some())
    }

    /// The allocator's four upstream metrics (`kube_apiserver_nodeport_allocator_*`).
    #[wasm_bindgen(unchecked_return_type = "Metrics")]
    pub fn metrics(&self) -> JsValue {
        let m = self.state.allocator().metrics();
        let by_scope = |s: ByScope| Scoped {
            static_scope: s.static_scope,
            dynamic: s.dynamic_scope,
        };
        to_js(&MetricsReport {
            allocated_ports: m.allocated_ports,
            available_ports: m.available_ports,
            allocation_total: by_scope(m.allocation_total),
            allocation_errors_total: by_scope(m.allocation_errors_total),
        })
    }

    /// The ports used and free, in all and per band: as `report().summary`.
    #[wasm_bindgen(unchecked_return_type = "Summary")]
    pub fn summary(&self) -> JsValue {
        to_js(&Summary::of(&self.state))
    }

    /// The Service port (or health check) that held nodePort `port`, or `null`.
    #[wasm_bindgen(unchecked_return_type = "Owner | null")]
    pub fn owner(&self, port: i32) -> JsValue {
        Moment::owner_of(&self.state, port)
    }

    /// Who held each port of the range, for a grid: `ports[i]` is the index in `owners` of the
    /// holder of the range's `i`-th port, or -1 where it was free.
    #[wasm_bindgen(unchecked_return_type = "Holders")]
    pub fn holders(&self) -> JsValue {
        let mut owners = Vec::new();
        let ports: Vec<i32> = portband_grid::holders(&self.state, |_, stored, held| {
            owners.push(owner(stored, held));
            i32::try_from(owners.len() - 1).unwrap_or(i32::MAX)
        })
        .into_iter()
        .map(|holder| holder.unwrap_or(-1))
        .collect();
        let object = js_sys::Object::new();
        // Setting properties on a fresh object cannot fail.
        let _ = js_sys::Reflect::set(&object, &"owners".into(), &to_js(&owners));
        let _ = js_sys::Reflect::set(
            &object,
            &"ports".into(),
            &js_sys::Int32Array::from(ports.as_slice()),
        );
        object.into()
    }
}
