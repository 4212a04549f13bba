//! `Moment`: the state of a [`Cluster`](crate::Cluster) after some of its steps, as a view shows
//! it: who holds each port (the grid), the Services stored, the ports used, the metrics.

use crate::to_js;
use portband_kube::band_report;
use wasm_bindgen::prelude::*;

/// The state after the first `step` steps of a cluster's history.
#[wasm_bindgen]
pub struct Moment {
    moment: portband_kube::Moment,
}

impl Moment {
    /// The JavaScript object of `moment`.
    pub(crate) fn new(moment: portband_kube::Moment) -> Self {
        Moment { moment }
    }
}

#[wasm_bindgen]
impl Moment {
    /// How many steps had run at this moment.
    #[wasm_bindgen(getter)]
    pub fn step(&self) -> usize {
        self.moment.step()
    }

    /// How many Services were stored.
    #[wasm_bindgen(getter, js_name = serviceCount)]
    pub fn service_count(&self) -> usize {
        self.moment.service_count()
    }

    /// The stored Services `from..to` (in the cluster's order: by namespace, then name, in
    /// natural order), each with the nodePorts it holds.
    #[wasm_bindgen(unchecked_return_type = "StoredService[]")]
    pub fn services(&self, from: usize, to: usize) -> JsValue {
        to_js(&self.moment.services(from, to))
    }

    /// Whether Service `service` (`namespace/name`, or `name` in default) was stored.
    pub fn has(&self, service: &str) -> bool {
        service.parse().is_ok_and(|key| self.moment.has(&key))
    }

    /// The allocator's four upstream metrics (`kube_apiserver_nodeport_allocator_*`).
    #[wasm_bindgen(unchecked_return_type = "Metrics")]
    pub fn metrics(&self) -> JsValue {
        to_js(&self.moment.metrics())
    }

    /// The ports used and free, in all and per band: as `report().summary`.
    #[wasm_bindgen(unchecked_return_type = "Summary")]
    pub fn summary(&self) -> JsValue {
        to_js(&self.moment.summary())
    }

    /// The Service port (or health check) that held nodePort `port`, or `null`.
    #[wasm_bindgen(unchecked_return_type = "Owner | null")]
    pub fn owner(&self, port: i32) -> JsValue {
        to_js(&self.moment.owner(port))
    }

    /// Who held each port of the range, for a grid: each port held once (its Service, that
    /// Service's index in the list, its uses), and `ports[i]`, the index in `holdings` of the
    /// range's `i`-th port, or -1 where it was free.
    #[wasm_bindgen(unchecked_return_type = "Holders")]
    pub fn holders(&self) -> JsValue {
        let (holdings, ports) = self.moment.holders();
        let object = js_sys::Object::new();
        // Setting properties on a fresh object cannot fail.
        let _ = js_sys::Reflect::set(&object, &"holdings".into(), &to_js(&holdings));
        let _ = js_sys::Reflect::set(
            &object,
            &"ports".into(),
            &js_sys::Int32Array::from(ports.as_slice()),
        );
        object.into()
    }

    /// Where the next dynamic allocation can land, and how likely each free port is; `null` when
    /// the range is full.
    #[wasm_bindgen(js_name = nextPick, unchecked_return_type = "NextPick | null")]
    pub fn next_pick(&self) -> JsValue {
        let Some(next) = self.moment.next_pick() else {
            return JsValue::NULL;
        };
        let (ports, starts): (Vec<i32>, Vec<u32>) = next
            .starts
            .iter()
            .map(|&(port, starts)| (i32::from(port), starts))
            .unzip();
        let object = js_sys::Object::new();
        // Setting properties on a fresh object cannot fail.
        let _ = js_sys::Reflect::set(
            &object,
            &"span".into(),
            &to_js(&band_report(Some(next.span))),
        );
        let _ = js_sys::Reflect::set(
            &object,
            &"ports".into(),
            &js_sys::Int32Array::from(ports.as_slice()),
        );
        let _ = js_sys::Reflect::set(
            &object,
            &"starts".into(),
            &js_sys::Uint32Array::from(starts.as_slice()),
        );
        object.into()
    }

    /// The chance each port the last step allocated dynamically had, in the order they were
    /// taken.
    #[wasm_bindgen(unchecked_return_type = "Chance[]")]
    pub fn chances(&self) -> JsValue {
        to_js(&self.moment.chances())
    }
}
