//! IP addresses and CIDRs as the Service rules read them: `k8s.io/utils/net`'s `ParseIPSloppy`
//! and `ParseCIDRSloppy`, which keep the parser of Go before 1.17 (leading zeros in IPv4 octets
//! allowed, IPv4-mapped IPv6 addresses allowed). apimachinery's strict checks (canonical form,
//! no leading zeros) apply only with the `StrictIPCIDRValidation` gate, alpha and off from 1.33 on,
//! so every modelled release parses this way.

/// An address, held as 16 bytes (an IPv4 address in its IPv4-mapped form, as Go holds it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ip([u8; 16]);

const V4_IN_V6: [u8; 12] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];
/// Go's `big`: a decimal or hex run at or past it fails.
const BIG: u32 = 0xFF_FFFF;

impl Ip {
    /// Its IPv4 address, if it is one (written as IPv4 or IPv4-mapped), as Go's `To4`.
    fn v4(&self) -> Option<[u8; 4]> {
        (self.0[..12] == V4_IN_V6).then(|| [self.0[12], self.0[13], self.0[14], self.0[15]])
    }

    /// Whether Go's `netutils.IsIPv6` would say so: not an IPv4 address in any form.
    pub fn is_v6(&self) -> bool {
        self.v4().is_none()
    }

    /// Upstream `ValidateNonSpecialIP`'s objections: unspecified, loopback, link-local unicast and
    /// link-local multicast addresses (`written` is the value as the user wrote it).
    pub fn special_errors(&self, written: &str) -> Vec<String> {
        let b = &self.0;
        let mut messages = Vec::new();
        let (unspecified, loopback, link_local, link_local_multicast) = match self.v4() {
            Some(v4) => (
                v4 == [0; 4],
                v4[0] == 127,
                v4[0] == 169 && v4[1] == 254,
                v4[..3] == [224, 0, 0],
            ),
            None => (
                *b == [0; 16],
                *b == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
                b[0] == 0xfe && b[1] & 0xc0 == 0x80,
                b[0] == 0xff && b[1] & 0x0f == 0x02,
            ),
        };
        if unspecified {
            messages.push(format!("may not be unspecified ({written})"));
        }
        if loopback {
            messages.push("may not be in the loopback range (127.0.0.0/8, ::1/128)".to_owned());
        }
        if link_local {
            messages
                .push("may not be in the link-local range (169.254.0.0/16, fe80::/10)".to_owned());
        }
        if link_local_multicast {
            messages.push(
                "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)".to_owned(),
            );
        }
        messages
    }
}

/// `ParseIPSloppy`: the dotted form when a `.` comes before any `:`, else the colon form.
pub fn parse_ip(s: &str) -> Option<Ip> {
    match s.bytes().find(|&c| c == b'.' || c == b':')? {
        b'.' => parse_v4(s).map(mapped),
        _ => parse_v6(s),
    }
}

/// `ParseCIDRSloppy`: an address, `/`, and a decimal prefix length within the address's bits
/// (128 for any address not written in dotted form).
pub fn is_cidr(s: &str) -> bool {
    let Some((addr, len)) = s.split_once('/') else {
        return false;
    };
    let bits = if parse_v4(addr).is_some() {
        32
    } else if parse_v6(addr).is_some() {
        128
    } else {
        return false;
    };
    matches!(digits(len.as_bytes(), 10), Some((n, used)) if used == len.len() && n <= bits)
}

fn mapped(v4: [u8; 4]) -> Ip {
    let mut bytes = [0; 16];
    bytes[..12].copy_from_slice(&V4_IN_V6);
    bytes[12..].copy_from_slice(&v4);
    Ip(bytes)
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
            return Some(Ip(ip));
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
        _ if i == 16 => Some(Ip(ip)),
        None => None,
        Some(at) => {
            let gap = 16 - i;
            ip.copy_within(at..i, at + gap);
            ip[at..at + gap].fill(0);
            Some(Ip(ip))
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
            assert!(parse_ip(ok).is_some(), "{ok}");
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
            assert!(parse_ip(bad).is_none(), "{bad}");
        }
        assert_eq!(parse_ip("010.0.0.1"), parse_ip("10.0.0.1"));
        assert_eq!(parse_ip("::ffff:10.0.0.1"), parse_ip("10.0.0.1"));
        assert_eq!(
            parse_ip("1::"),
            parse_ip("1:0:0:0:0:0:0:0"),
            "an ellipsis at the end"
        );
        assert!(parse_ip("::ffff:1.2.3.4").is_some_and(|ip| !ip.is_v6()));
        assert!(parse_ip("fd00::1").is_some_and(|ip| ip.is_v6()));
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
            assert!(is_cidr(ok), "{ok}");
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
            assert!(!is_cidr(bad), "{bad}");
        }
    }

    #[test]
    fn special_addresses_are_named_as_upstream_names_them() {
        let errors = |s: &str| parse_ip(s).unwrap().special_errors(s);
        assert_eq!(errors("0.0.0.0"), ["may not be unspecified (0.0.0.0)"]);
        assert_eq!(errors("::"), ["may not be unspecified (::)"]);
        assert_eq!(
            errors("127.1.2.3"),
            ["may not be in the loopback range (127.0.0.0/8, ::1/128)"]
        );
        assert_eq!(
            errors("::ffff:127.0.0.1"),
            ["may not be in the loopback range (127.0.0.0/8, ::1/128)"]
        );
        assert_eq!(errors("::1").len(), 1);
        assert_eq!(errors("169.254.169.254").len(), 1);
        assert_eq!(errors("fe80::1").len(), 1);
        assert_eq!(errors("224.0.0.251").len(), 1);
        assert_eq!(errors("ff02::fb").len(), 1);
        assert!(errors("224.0.1.1").is_empty());
        assert!(errors("192.0.2.10").is_empty());
        assert!(errors("2001:db8::1").is_empty());
    }
}
