//! IP addresses and CIDRs as kube-apiserver reads them: `k8s.io/utils/net`'s `ParseIPSloppy` and
//! `ParseCIDRSloppy`, which keep the parser of Go before 1.17 (leading zeros in IPv4 octets
//! allowed, IPv4-mapped IPv6 addresses allowed), and printed as Go's `net.IP` and `net.IPNet`
//! print them. apimachinery's strict checks (canonical form, no leading zeros) apply only with
//! the `StrictIPCIDRValidation` gate, alpha and off from 1.33 on, so every modelled release parses
//! this way.

use std::fmt;
use std::net::Ipv6Addr;

/// An address, held as its 16 bytes read as one number (an IPv4 address in its IPv4-mapped
/// form, as Go holds it): the allocators work out offsets from it with no byte swaps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ip(u128);

const V4_IN_V6: [u8; 12] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];
/// Go's `big`: a decimal or hex run at or past it fails.
const BIG: u32 = 0xFF_FFFF;

impl Ip {
    /// Parses an address as `ParseIPSloppy` does: the dotted form when a `.` comes before any
    /// `:`, else the colon form.
    pub fn parse(s: &str) -> Option<Ip> {
        match s.bytes().find(|&c| c == b'.' || c == b':')? {
            b'.' => parse_v4(s).map(mapped),
            _ => parse_v6(s),
        }
    }

    /// Its IPv4 address, if it is one (written as IPv4 or IPv4-mapped), as Go's `To4`.
    pub fn v4(&self) -> Option<[u8; 4]> {
        let bytes = self.octets();
        (bytes[..12] == V4_IN_V6).then(|| [bytes[12], bytes[13], bytes[14], bytes[15]])
    }

    /// Whether Go's `netutils.IsIPv6` would say so: not an IPv4 address in any form.
    pub fn is_v6(&self) -> bool {
        // Not in ::ffff:0:0/96.
        self.0 >> 32 != 0xffff
    }

    /// The 16 bytes (an IPv4 address in its IPv4-mapped form).
    pub fn octets(&self) -> [u8; 16] {
        self.0.to_be_bytes()
    }

    fn from_octets(bytes: [u8; 16]) -> Ip {
        Ip(u128::from_be_bytes(bytes))
    }

    pub(crate) fn to_bits(self) -> u128 {
        self.0
    }

    pub(crate) fn from_bits(bits: u128) -> Ip {
        Ip(bits)
    }
}

impl fmt::Display for Ip {
    /// As Go's `net.IP.String`: dotted for an IPv4 address, else RFC 5952's colon form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.v4() {
            Some([a, b, c, d]) => write!(f, "{a}.{b}.{c}.{d}"),
            None => Ipv6Addr::from(self.0).fmt(f),
        }
    }
}

/// A network: an address with its host bits cleared and a prefix length, as `ParseCIDRSloppy`
/// returns it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Cidr {
    network: Ip,
    prefix: u8,
    /// 32 for a CIDR written in dotted form, 128 for the colon form (the length of Go's mask).
    bits: u8,
}

impl Cidr {
    /// Parses a CIDR as `ParseCIDRSloppy` does: an address, `/`, and a decimal prefix length
    /// within the address's bits (128 for any address not written in dotted form). The host bits
    /// are cleared: `10.96.0.5/12` is the network `10.96.0.0/12`.
    pub fn parse(s: &str) -> Option<Cidr> {
        let (addr, len) = s.split_once('/')?;
        let (ip, bits) = match parse_v4(addr) {
            Some(v4) => (mapped(v4), 32u8),
            None => (parse_v6(addr)?, 128),
        };
        let prefix = match digits(len.as_bytes(), 10) {
            Some((n, used)) if used == len.len() && n <= u32::from(bits) => n as u8,
            _ => return None,
        };
        let mut cidr = Cidr {
            network: ip,
            prefix,
            bits,
        };
        cidr.network = Ip::from_bits(ip.to_bits() & cidr.mask());
        Some(cidr)
    }

    /// The IPv4 network `a.b.c.d/prefix` (a prefix of at most 32, host bits clear).
    pub(crate) fn v4(octets: [u8; 4], prefix: u8) -> Cidr {
        let mut cidr = Cidr {
            network: mapped(octets),
            prefix: prefix.min(32),
            bits: 32,
        };
        cidr.network = Ip::from_bits(cidr.network.to_bits() & cidr.mask());
        cidr
    }

    /// The network address (host bits clear).
    pub fn network(&self) -> Ip {
        self.network
    }

    /// The prefix length.
    pub fn prefix(&self) -> u8 {
        self.prefix
    }

    /// The number of host bits: 32 or 128 less the prefix length (Go's `Mask.Size`).
    pub fn host_bits(&self) -> u32 {
        u32::from(self.bits - self.prefix)
    }

    /// The length of Go's mask: 32 for a CIDR written in dotted form, 128 for the colon form.
    pub fn mask_bits(&self) -> u32 {
        u32::from(self.bits)
    }

    /// Whether it is an IPv6 network (`netutils.IsIPv6CIDR`: its address is not IPv4).
    pub fn is_v6(&self) -> bool {
        self.network.is_v6()
    }

    /// Whether `ip` lies in the network (Go's `IPNet.Contains`).
    pub fn contains(&self, ip: Ip) -> bool {
        ip.is_v6() == self.is_v6() && ip.to_bits() & self.mask() == self.network.to_bits()
    }

    /// The address `offset` places after the network address, if it is still in the network.
    pub fn address_at(&self, offset: u128) -> Option<Ip> {
        let ip = Ip::from_bits(self.network.to_bits().checked_add(offset)?);
        self.contains(ip).then_some(ip)
    }

    /// The address `offset` places after the network address, which the caller knows is in it.
    pub(crate) fn nth(&self, offset: u128) -> Ip {
        Ip::from_bits(self.network.to_bits().wrapping_add(offset))
    }

    /// How far `ip` lies after the network address, if it is in the network.
    pub fn offset_of(&self, ip: Ip) -> Option<u128> {
        self.contains(ip)
            .then(|| ip.to_bits() - self.network.to_bits())
    }

    /// The mask over the 16-byte form: a dotted CIDR's prefix counts from the IPv4 part.
    fn mask(&self) -> u128 {
        let ones = u32::from(128 - self.bits + self.prefix);
        u128::MAX.checked_shl(128 - ones).unwrap_or(0)
    }
}

impl fmt::Display for Cidr {
    /// As Go's `IPNet.String`: `10.96.0.0/12`, `fd00:10:96::/108`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

fn mapped(v4: [u8; 4]) -> Ip {
    let mut bytes = [0; 16];
    bytes[..12].copy_from_slice(&V4_IN_V6);
    bytes[12..].copy_from_slice(&v4);
    Ip::from_octets(bytes)
}

/// Go's `dtoi`/`xtoi`: the leading digits of `s` in `radix`, and how many there were; `None` when
/// there are none or the number reaches [`BIG`].
fn digits(s: &[u8], radix: u32) -> Option<(u32, usize)> {
    let mut n = 0u32;
    let mut used = 0;
    for &c in s {
        let Some(d) = char::from(c).to_digit(radix) else {
            break;
        };
        n = n * radix + d;
        if n >= BIG {
            return None;
        }
        used += 1;
    }
    (used > 0).then_some((n, used))
}

/// Four decimal octets of any number of digits, each at most 255.
fn parse_v4(s: &str) -> Option<[u8; 4]> {
    let mut rest = s.as_bytes();
    let mut out = [0u8; 4];
    for (i, octet) in out.iter_mut().enumerate() {
        if i > 0 {
            rest = rest.strip_prefix(b".")?;
        }
        let (n, used) = digits(rest, 10)?;
        *octet = u8::try_from(n).ok()?;
        rest = &rest[used..];
    }
    rest.is_empty().then_some(out)
}

/// Groups of hex digits (each at most `ffff`), one `::`, an IPv4 address in the last 32 bits.
fn parse_v6(s: &str) -> Option<Ip> {
    let mut ip = [0u8; 16];
    let mut rest = s.as_bytes();
    let mut ellipsis = None;
    if let Some(after) = rest.strip_prefix(b"::") {
        ellipsis = Some(0);
        rest = after;
        if rest.is_empty() {
            return Some(Ip::from_octets(ip));
        }
    }
    let mut i = 0;
    while i < 16 {
        let (n, used) = digits(rest, 16)?;
        if n > 0xFFFF {
            return None;
        }
        if rest.get(used) == Some(&b'.') {
            if (ellipsis.is_none() && i != 12) || i + 4 > 16 {
                return None;
            }
            let v4 = parse_v4(std::str::from_utf8(rest).ok()?)?;
            ip[i..i + 4].copy_from_slice(&v4);
            rest = &[];
            i += 4;
            break;
        }
        ip[i] = (n >> 8) as u8;
        ip[i + 1] = n as u8;
        i += 2;
        rest = &rest[used..];
        if rest.is_empty() {
            break;
        }
        if rest[0] != b':' || rest.len() == 1 {
            return None;
        }
        rest = &rest[1..];
        if rest[0] == b':' {
            if ellipsis.is_some() {
                return None;
            }
            ellipsis = Some(i);
            rest = &rest[1..];
            if rest.is_empty() {
                break;
            }
        }
    }
    if !rest.is_empty() {
        return None;
    }
    match ellipsis {
        _ if i == 16 && ellipsis.is_some() => None,
        _ if i == 16 => Some(Ip::from_octets(ip)),
        None => None,
        Some(at) => {
            let gap = 16 - i;
            ip.copy_within(at..i, at + gap);
            ip[at..at + gap].fill(0);
            Some(Ip::from_octets(ip))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_parse_as_go_before_1_17_parsed_them() {
        for ok in [
            "10.96.0.10",
            "010.096.000.010",
            "1.2.3.0004",
            "::",
            "::1",
            "fe80::abc",
            "FE80:0:0:0:0:0:0:0abc",
            "2001:db8::ffff",
            "::ffff:1.2.3.4",
            "1:2:3:4:5:6:1.2.3.4",
            "1::1.2.3.4",
            "0001:2:3:4:5:6:7:8",
        ] {
            assert!(Ip::parse(ok).is_some(), "{ok}");
        }
        for bad in [
            "",
            "10.96.0",
            "10.96.0.256",
            "10.96.0.10.",
            "10.96.0.10/32",
            " 10.96.0.10",
            "1:2:3:4:5:6:7:8:9",
            "1::2::3",
            "1:2:3:4:5:6:7:8::",
            "12345::",
            "1:2:3:4:1.2.3.4",
            "abc",
            "fe80::1%eth0",
        ] {
            assert!(Ip::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(Ip::parse("010.0.0.1"), Ip::parse("10.0.0.1"));
        assert_eq!(Ip::parse("::ffff:10.0.0.1"), Ip::parse("10.0.0.1"));
        assert_eq!(
            Ip::parse("1::"),
            Ip::parse("1:0:0:0:0:0:0:0"),
            "an ellipsis at the end"
        );
        assert!(Ip::parse("::ffff:1.2.3.4").is_some_and(|ip| !ip.is_v6()));
        assert!(Ip::parse("fd00::1").is_some_and(|ip| ip.is_v6()));
    }

    #[test]
    fn cidrs_take_a_prefix_length_within_their_family() {
        for ok in [
            "10.0.0.0/8",
            "10.0.0.1/8",
            "0.0.0.0/0",
            "10.0.0.0/032",
            "fd00::/108",
            "::ffff:1.2.3.4/128",
        ] {
            assert!(Cidr::parse(ok).is_some(), "{ok}");
        }
        for bad in [
            "10.0.0.0",
            "10.0.0.0/33",
            "10.0.0.0/",
            "10.0.0.0/-1",
            "10.0.0.0/8 ",
            "fd00::/129",
            "/8",
        ] {
            assert!(Cidr::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn addresses_print_as_go_prints_them() {
        for (written, printed) in [
            ("010.096.000.010", "10.96.0.10"),
            ("::ffff:10.0.0.1", "10.0.0.1"),
            ("FD00:0:0:0:0:0:0:A", "fd00::a"),
            ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
            ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),
            ("1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"),
            ("::", "::"),
        ] {
            assert_eq!(
                Ip::parse(written).unwrap().to_string(),
                printed,
                "{written}"
            );
        }
    }

    #[test]
    fn cidrs_clear_their_host_bits_and_know_their_addresses() {
        let cidr = Cidr::parse("10.96.0.5/12").unwrap();
        assert_eq!(cidr.to_string(), "10.96.0.0/12");
        assert_eq!(cidr.host_bits(), 20);
        assert!(!cidr.is_v6());
        assert!(cidr.contains(Ip::parse("10.111.255.255").unwrap()));
        assert!(!cidr.contains(Ip::parse("10.112.0.0").unwrap()));
        assert!(!cidr.contains(Ip::parse("fd00::1").unwrap()));
        assert_eq!(cidr.address_at(10).unwrap().to_string(), "10.96.0.10");
        assert_eq!(cidr.address_at(1 << 20), None);
        assert_eq!(cidr.offset_of(Ip::parse("10.96.1.0").unwrap()), Some(256));
        assert_eq!(cidr.offset_of(Ip::parse("fd00::1").unwrap()), None);

        let v6 = Cidr::parse("FD00:10:96::1/108").unwrap();
        assert_eq!(v6.to_string(), "fd00:10:96::/108");
        assert!(v6.is_v6() && v6.host_bits() == 20);
        assert!(!v6.contains(Ip::parse("10.96.0.1").unwrap()));
        assert_eq!(v6.address_at(0xa).unwrap().to_string(), "fd00:10:96::a");
        assert_eq!(Cidr::parse("0.0.0.0/0").unwrap().host_bits(), 32);
        assert_eq!(Cidr::parse("::/0").unwrap().host_bits(), 128);
    }
}
