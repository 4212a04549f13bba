//! Counts of addresses, which pass 2^53 in an IPv6 service CIDR of the IPAddress allocator (up to
//! 2^64 − 1 addresses): written as plain numbers while JavaScript's numbers hold them exactly, and
//! as 128-bit integers past that, which JSON prints as they are and the JS module gives as BigInts
//! (its numbers would round them, and its JSON-compatible serializer refuses them).

use serde::Serializer;

/// The largest integer a JavaScript number holds exactly, 2^53 − 1.
const MAX_SAFE: u64 = (1 << 53) - 1;

/// Serializes a count (a port count, or an address count of any size): a number up to 2^53 − 1,
/// a 128-bit integer past it.
pub(crate) fn serialize<N: Copy + Into<u64>, S: Serializer>(
    count: &N,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let count: u64 = (*count).into();
    if count <= MAX_SAFE {
        serializer.serialize_u64(count)
    } else {
        serializer.serialize_u128(u128::from(count))
    }
}

/// As [`serialize`], for a count that may be absent.
pub(crate) fn serialize_option<S: Serializer>(
    count: &Option<u64>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match count {
        Some(count) => serialize(count, serializer),
        None => serializer.serialize_none(),
    }
}
