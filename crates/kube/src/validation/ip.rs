//! The rule on special addresses (upstream `ValidateNonSpecialIP`); addresses themselves are read
//! by `portband_allocator::ip`, as Go's forgiving parser reads them.

use portband_allocator::ip::Ip;

/// Upstream `ValidateNonSpecialIP`'s objections: unspecified, loopback, link-local unicast and
/// link-local multicast addresses (`written` is the value as the user wrote it).
pub fn special_errors(ip: Ip, written: &str) -> Vec<String> {
    let b = ip.octets();
    let mut messages = Vec::new();
    let (unspecified, loopback, link_local, link_local_multicast) = match ip.v4() {
        Some(v4) => (
            v4 == [0; 4],
            v4[0] == 127,
            v4[0] == 169 && v4[1] == 254,
            v4[..3] == [224, 0, 0],
        ),
        None => (
            b == [0; 16],
            b == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
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
        messages.push("may not be in the link-local range (169.254.0.0/16, fe80::/10)".to_owned());
    }
    if link_local_multicast {
        messages.push(
            "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)".to_owned(),
        );
    }
    messages
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_addresses_are_named_as_upstream_names_them() {
        let errors = |s: &str| special_errors(Ip::parse(s).unwrap(), s);
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
