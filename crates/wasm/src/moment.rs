//! `Moment`: the state of a [`Cluster`](crate::Cluster) after some of its steps, as a view shows
//! it: who holds each port (the grid), the Services stored, the ports used, the metrics.

use crate::error::plain_error;
use crate::to_js;
use portband_kube::{band_report, Holders, MAX_ADDRESS_CELLS};
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

    /// Service `service`'s index in the list (`namespace/name`, or `name` in default), or -1
    /// when it was not stored (or is not a Service's name).
    #[wasm_bindgen(js_name = indexOf)]
    pub fn index_of(&self, service: &str) -> i32 {
        service
            .parse()
            .ok()
            .and_then(|key| self.moment.index_of(&key))
            .map_or(-1, |i| i32::try_from(i).unwrap_or(i32::MAX))
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

    /// Who held each port of the range, for a grid: `services[i]` is the index in the Service
    /// list (see `services`) of the Service holding the range's `i`-th port, or -1 where it was
    /// free; `explicit[i]` is 1 where a manifest wrote that port.
    #[wasm_bindgen(unchecked_return_type = "Holders")]
    pub fn holders(&self) -> JsValue {
        holders_object(&self.moment.holders())
    }

    /// Who held the addresses of service CIDR `cidr` (0: the primary) in a window, for a grid:
    /// `cells` cells of `span` addresses each from offset `from` (offset 0 is the range's first
    /// usable address; BigInts, as an IPv6 range's offsets pass 2^53). `services[i]` is the index
    /// in the Service list of the first Service holding an address of cell `i`, or -1;
    /// `explicit[i]` is 1 where a manifest wrote that address.
    #[wasm_bindgen(unchecked_return_type = "Holders")]
    pub fn addresses(
        &self,
        cidr: usize,
        from: u64,
        span: u64,
        cells: usize,
    ) -> Result<JsValue, JsValue> {
        let holders = self
            .moment
            .address_holders(cidr, from, span, cells)
            .ok_or_else(|| {
                plain_error(&format!(
                    "no service CIDR {cidr}, or more than {MAX_ADDRESS_CELLS} cells"
                ))
            })?;
        Ok(holders_object(&holders))
    }

    /// The addresses at offsets `from..from + count` of service CIDR `cidr`: the first and last,
    /// their band, how many are taken and who holds the first of them; `null` past the range.
    #[wasm_bindgen(js_name = addressCell, unchecked_return_type = "AddressCell | null")]
    pub fn address_cell(&self, cidr: usize, from: u64, count: u64) -> JsValue {
        to_js(&self.moment.address_cell(cidr, from, count))
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

/// `holders` as the JavaScript object `Holders`: the indices as an `Int32Array`, the written
/// flags as a `Uint8Array`.
fn holders_object(holders: &Holders) -> JsValue {
    let explicit: Vec<u8> = holders.explicit.iter().map(|&e| u8::from(e)).collect();
    let object = js_sys::Object::new();
    // Setting properties on a fresh object cannot fail.
    let _ = js_sys::Reflect::set(
        &object,
        &"services".into(),
        &js_sys::Int32Array::from(holders.services.as_slice()),
    );
    let _ = js_sys::Reflect::set(
        &object,
        &"explicit".into(),
        &js_sys::Uint8Array::from(explicit.as_slice()),
    );
    object.into()
}
