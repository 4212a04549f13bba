//! kube-apiserver's NodePort allocator with the KEP-3668 static/dynamic band split.
//!
//! A faithful model of `pkg/registry/core/service/portallocator` and the allocation bitmap under it:
//! port ranges as `--service-node-port-range` reads them, the band formula, explicit and dynamic
//! allocation with upstream's error texts, metrics and snapshots. It has no dependencies and
//! builds for native targets and `wasm32-unknown-unknown` alike.
//!
//! ```
//! use portband_allocator::{BandKind, Config, PortAllocator, PortRange};
//!
//! let range = PortRange::parse("30000-32767").unwrap();
//! let mut ports = PortAllocator::new(range, Config { seed: 7, ..Config::default() });
//! let pick = ports.allocate_next().unwrap();
//! assert_eq!(pick.band, BandKind::Dynamic);
//! assert!(pick.port >= 30086);
//! assert_eq!(
//!     ports.allocate(i64::from(pick.port)).unwrap_err().to_string(),
//!     "provided port is already allocated"
//! );
//! ```

mod allocator;
mod banded;
mod bands;
mod bitmap;
pub mod gofmt;
pub mod ip;
mod ip_allocator;
pub mod lab;
mod metrics;
mod range;
mod rng;
mod service_cidrs;
#[cfg(test)]
mod upstream_bitmap_tests;

pub use allocator::{
    AllocError, BandUsage, Config, Full, NextPick, Pick, PortAllocator, RestoreError, Snapshot,
};
pub use bands::{
    static_band_size, Band, BandKind, Bands, STATIC_BAND_MAX, STATIC_BAND_MIN, STATIC_BAND_STEP,
    STATIC_BAND_THRESHOLD,
};
pub use ip_allocator::{
    ip_static_band_size, IpAllocError, IpAllocator, IpAllocatorKind, IpBand, IpBands, IpMetrics,
    IpPick,
};
pub use metrics::{ByScope, Metrics, Scope};
pub use range::{AtoiError, PortRange, RangeError, DEFAULT_RANGE};
pub use rng::Rng;
pub use service_cidrs::{
    ServiceCidrError, ServiceCidrs, APISERVER_DEFAULT_SERVICE_CIDR, DEFAULT_SERVICE_CIDR,
};
