//! YAML 1.1 resolution of plain scalars, as `sigs.k8s.io/yaml` (go-yaml v2's `resolve.go`) does
//! it on the way to JSON: `yes` and `on` are booleans, `0x50`, `0o17` and `010` are numbers, `080`
//! is the float 80.

/// The JSON value a plain scalar becomes.
#[derive(Clone, Debug, PartialEq)]
pub enum Resolved {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float; its value when that is a whole number that fits an i64.
    Float(Option<i64>),
    /// Anything else: a string.
    Str,
}

/// YAML 1.1 resolution of a plain scalar, as `sigs.k8s.io/yaml` does it.
pub fn resolve(text: &str) -> Resolved {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Resolved::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Resolved::Bool(false)
        }
        _ => {}
    }
    // Only a scalar that starts like a number can be one (go-yaml's hint table).
    if !text.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | '.')) {
        return Resolved::Str;
    }
    let plain: String = text.chars().filter(|&c| c != '_').collect();
    let (negative, digits) = match plain.as_bytes().first() {
        Some(b'-') => (true, &plain[1..]),
        Some(b'+') => (false, &plain[1..]),
        _ => (false, plain.as_str()),
    };
    // Go's `strconv.ParseInt(s, 0, 64)`: a sign, then a prefix of either case, then digits alone
    // (`0x+50` is not a number).
    let radix = |prefix: char, radix| {
        let rest = digits.strip_prefix('0')?;
        let rest = rest
            .strip_prefix(prefix)
            .or_else(|| rest.strip_prefix(prefix.to_ascii_uppercase()))?;
        let valid = !rest.is_empty() && rest.chars().all(|c| c.is_digit(radix));
        valid.then(|| i64::from_str_radix(rest, radix).ok())?
    };
    let int = radix('x', 16)
        .or_else(|| radix('b', 2))
        .or_else(|| radix('o', 8))
        .or_else(|| {
            if !digits.bytes().all(|b| b.is_ascii_digit()) {
                None
            } else if digits.len() > 1 && digits.starts_with('0') {
                i64::from_str_radix(digits, 8).ok()
            } else {
                digits.parse().ok()
            }
        });
    if let Some(value) = int {
        return Resolved::Int(if negative { -value } else { value });
    }
    match plain.as_str() {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF"
        | ".nan" | ".NaN" | ".NAN" => Resolved::Float(None),
        _ => decimal_float(&plain).map_or(Resolved::Str, Resolved::Float),
    }
}

/// A YAML float `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`: `None` if `text` is not one,
/// else its value if that is a whole number within i64 (all that an int32 field needs to know).
fn decimal_float(text: &str) -> Option<Option<i64>> {
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let exponent: i64 = match exponent {
        None => 0,
        Some(e) => {
            let unsigned = e.strip_prefix(['+', '-']).unwrap_or(e);
            if unsigned.is_empty() || !digits(unsigned) {
                return None;
            }
            e.parse().unwrap_or(if e.starts_with('-') {
                i64::MIN
            } else {
                i64::MAX
            })
        }
    };
    let well_formed = digits(whole)
        && digits(fraction)
        && (!whole.is_empty() || (!fraction.is_empty() && mantissa.starts_with('.')));
    if !well_formed {
        return None;
    }
    // The value is `all_digits` × 10^(exponent − fraction length).
    let all_digits = format!("{whole}{fraction}");
    let all_digits = all_digits.trim_start_matches('0');
    let scale = exponent.saturating_sub(fraction.len() as i64);
    // Go's ParseFloat fails beyond f64's range (about 1.8e308), and go-yaml then keeps the text a string.
    if !all_digits.is_empty() && (all_digits.len() as i64).saturating_add(scale) > 309 {
        return None;
    }
    let kept = if scale >= 0 {
        usize::try_from(scale)
            .ok()
            .filter(|&n| n <= 19)
            .map(|n| all_digits.to_owned() + &"0".repeat(n))
    } else {
        let cut = usize::try_from(scale.unsigned_abs()).unwrap_or(usize::MAX);
        let (int_part, dropped) = all_digits.split_at(all_digits.len().saturating_sub(cut));
        dropped
            .bytes()
            .all(|b| b == b'0')
            .then(|| int_part.to_owned())
    };
    Some(kept.and_then(|k| {
        let value: i64 = if k.is_empty() { 0 } else { k.parse().ok()? };
        Some(if negative { -value } else { value })
    }))
}

#[cfg(test)]
mod tests {
    use super::{resolve, Resolved};

    #[test]
    fn yaml_1_1_resolution() {
        assert_eq!(resolve("80"), Resolved::Int(80));
        assert_eq!(resolve("-5"), Resolved::Int(-5));
        assert_eq!(resolve("0x50"), Resolved::Int(80));
        assert_eq!(resolve("010"), Resolved::Int(8));
        assert_eq!(resolve("30_080"), Resolved::Int(30080));
        assert_eq!(resolve("080"), Resolved::Float(Some(80)));
        assert_eq!(resolve("80.5"), Resolved::Float(None));
        assert_eq!(resolve("80.0"), Resolved::Float(Some(80)));
        assert_eq!(resolve("8.05e1"), Resolved::Float(None));
        assert_eq!(resolve("8.050e2"), Resolved::Float(Some(805)));
        assert_eq!(resolve("1e3"), Resolved::Float(Some(1000)));
        assert_eq!(resolve("-1.5e1"), Resolved::Float(Some(-15)));
        assert_eq!(resolve(".5"), Resolved::Float(None));
        assert_eq!(resolve("0.0"), Resolved::Float(Some(0)));
        assert_eq!(resolve("1e20"), Resolved::Float(None));
        assert_eq!(resolve("1e400"), Resolved::Str);
        assert_eq!(resolve(".inf"), Resolved::Float(None));
        assert_eq!(resolve("1."), Resolved::Float(Some(1)));
        assert_eq!(resolve("."), Resolved::Str);
        assert_eq!(resolve("1e"), Resolved::Str);
        assert_eq!(resolve("1-2"), Resolved::Str);
        assert_eq!(resolve("yes"), Resolved::Bool(true));
        assert_eq!(resolve("Off"), Resolved::Bool(false));
        assert_eq!(resolve("~"), Resolved::Null);
        assert_eq!(resolve("web"), Resolved::Str);
        assert_eq!(resolve("1.2.3"), Resolved::Str);
        assert_eq!(resolve("e"), Resolved::Str);
        assert_eq!(resolve("99999999999999999999"), Resolved::Float(None));
    }

    /// Plain scalars as go-yaml v2 resolves them: its `resolve` (the hint table, then
    /// `strconv.ParseInt(s, 0, 64)` on the text without underscores, then the float pattern) and
    /// the integer rows of its `decode_test.go` table.
    #[test]
    fn integers_as_go_yaml_resolves_them() {
        let table = [
            ("685230", Resolved::Int(685_230)),
            ("+685_230", Resolved::Int(685_230)),
            ("02472256", Resolved::Int(685_230)),
            ("0x_0A_74_AE", Resolved::Int(685_230)),
            ("0b1010_0111_0100_1010_1110", Resolved::Int(685_230)),
            ("-0b101", Resolved::Int(-5)),
            ("0o17", Resolved::Int(15)),
            ("-0o17", Resolved::Int(-15)),
            ("0X50", Resolved::Int(80)),
            ("0B11", Resolved::Int(3)),
            ("0O17", Resolved::Int(15)),
            ("-0x50", Resolved::Int(-80)),
            ("+0x50", Resolved::Int(80)),
            // A sign belongs before the prefix, never after it.
            ("0x+50", Resolved::Str),
            ("0x-5", Resolved::Str),
            ("0o-17", Resolved::Str),
            ("0b+1", Resolved::Str),
            ("0o+17", Resolved::Str),
            ("0x", Resolved::Str),
            ("0xg", Resolved::Str),
            ("0b2", Resolved::Str),
            ("0o8", Resolved::Str),
            // Only text that starts like a number is one.
            ("_80", Resolved::Str),
            ("x80", Resolved::Str),
            ("8_0", Resolved::Int(80)),
        ];
        for (text, resolved) in table {
            assert_eq!(resolve(text), resolved, "{text}");
        }
    }
}
