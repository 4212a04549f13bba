//! The allocator benchmark's workloads as plain wasm exports, for `run.mjs` beside it to time in V8.
//!
//! Build: `cargo build --release -p portband-allocator-wasm-bench --target wasm32-unknown-unknown`.
// Exporting unmangled symbols is the only "unsafe" thing here; there is no unsafe block.
#![allow(unsafe_code)]

use portband_allocator::{Config, PortAllocator, PortRange};
use std::cell::RefCell;

thread_local! {
    /// The allocator a churn run works on, and the ports it holds.
    static CHURN: RefCell<Option<(PortAllocator, Vec<u16>, u64)>> = const { RefCell::new(None) };
}

fn allocator(first: u32, last: u32) -> PortAllocator {
    let range = PortRange::new(first as u16, last - first + 1).expect("a valid range");
    PortAllocator::new(range, Config::default())
}

/// Fills `first..=last` with AllocateNext from empty; returns the number of ports handed out.
#[no_mangle]
pub extern "C" fn fill(first: u32, last: u32) -> u32 {
    let mut ports = allocator(first, last);
    let mut count = 0;
    while ports.allocate_next().is_ok() {
        count += 1;
    }
    count
}

/// Prepares a churn run: `first..=last` filled to 95 %.
#[no_mangle]
pub extern "C" fn churn_setup(first: u32, last: u32) {
    let mut ports = allocator(first, last);
    let target = ports.range().size() * 95 / 100;
    let taken = (0..target)
        .map(|_| ports.allocate_next().unwrap().port)
        .collect();
    CHURN.with(|c| *c.borrow_mut() = Some((ports, taken, 0x2545_F491_4F6C_DD1D)));
}

/// Runs `steps` churn steps (release a random taken port, then AllocateNext); returns a checksum.
#[no_mangle]
pub extern "C" fn churn(steps: u32) -> u32 {
    CHURN.with(|c| {
        let mut guard = c.borrow_mut();
        let (ports, taken, state) = guard.as_mut().expect("churn_setup first");
        let mut checksum = 0u32;
        for _ in 0..steps {
            *state ^= *state << 13;
            *state ^= *state >> 7;
            *state ^= *state << 17;
            let victim = (*state % taken.len() as u64) as usize;
            ports.release(i64::from(taken[victim]));
            taken[victim] = ports.allocate_next().unwrap().port;
            checksum = checksum.wrapping_add(u32::from(taken[victim]));
        }
        checksum
    })
}
