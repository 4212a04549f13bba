//! Port ranges as `--service-node-port-range` accepts and prints them
//! (apimachinery's `PortRange`).

use crate::gofmt::Quoted;
use std::fmt;

/// The range kube-apiserver uses when `--service-node-port-range` is empty or unset.
pub const DEFAULT_RANGE: PortRange = PortRange {
    base: 30000,
    size: 2768,
};

/// A contiguous range of ports: `size` ports starting at `base`.
///
/// `size` may be 0 (the empty range, which upstream parses from an empty string) and at most 65536.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PortRange {
    base: u16,
    size: u32,
}

/// Why a port range string was refused; `Display` gives upstream's exact text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RangeError {
    /// Both `-` and `+` appear: `unable to parse port range: <value>`.
    Unparsable(String),
    /// A side is not a decimal integer, as Go's `strconv.Atoi` reports it.
    Number(AtoiError),
    /// An end lies above 65535: `the port range cannot be greater than 65535: <value>`.
    TooLarge(String),
    /// The end lies before the start: `end port cannot be less than start port: <value>`.
    Reversed(String),
}

/// Go's `strconv.Atoi` failure: `strconv.Atoi: parsing "<input>": invalid syntax` (or `value out of range`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AtoiError {
    input: String,
    out_of_range: bool,
}

impl PortRange {
    /// A range of `size` ports starting at `base`, or `None` when it would reach past port 65535.
    pub fn new(base: u16, size: u32) -> Option<Self> {
        (u32::from(base) + size <= 65536).then_some(PortRange { base, size })
    }

    /// Parses a range exactly as `--service-node-port-range` does (apimachinery `ParsePortRange`):
    /// `a-b`, `a+offset`, a single port `a`, surrounding whitespace ignored.
    ///
    /// An empty string is accepted and gives the empty range, as upstream; use
    /// [`PortRange::parse_flag`] for the apiserver's substitution of the default.
    pub fn parse(value: &str) -> Result<Self, RangeError> {
        let value = value.trim();
        if value.is_empty() {
            return Ok(PortRange { base: 0, size: 0 });
        }
        let (low, high) = match (value.find('-'), value.find('+')) {
            (None, None) => {
                let port = atoi(value)?;
                (port, port)
            }
            (Some(i), None) => (atoi(&value[..i])?, atoi(&value[i + 1..])?),
            // Go's int addition wraps, and so does this one, so that the later checks see what upstream sees.
            (None, Some(i)) => {
                let low = atoi(&value[..i])?;
                (low, low.wrapping_add(atoi(&value[i + 1..])?))
            }
            (Some(_), Some(_)) => return Err(RangeError::Unparsable(value.to_owned())),
        };
        if low > 65535 || high > 65535 {
            return Err(RangeError::TooLarge(value.to_owned()));
        }
        if high < low {
            return Err(RangeError::Reversed(value.to_owned()));
        }
        // Both ends are now within 0..=65535: a negative `low` would need a `-` before it, which the
        // split above already consumed, and `high >= low`.
        let base = u16::try_from(low).map_err(|_| RangeError::Reversed(value.to_owned()))?;
        let size =
            u32::try_from(high - low + 1).map_err(|_| RangeError::TooLarge(value.to_owned()))?;
        Ok(PortRange { base, size })
    }

    /// Parses a `--service-node-port-range` flag value as kube-apiserver applies it: like
    /// [`PortRange::parse`], but an empty value means the default range 30000-32767.
    pub fn parse_flag(value: &str) -> Result<Self, RangeError> {
        let range = PortRange::parse(value)?;
        Ok(if range.is_empty() {
            DEFAULT_RANGE
        } else {
            range
        })
    }

    /// The first port of the range (0 for the empty range).
    pub fn base(self) -> u16 {
        self.base
    }

    /// The number of ports in the range (upstream's `Size`, the N of the band formula).
    pub fn size(self) -> u32 {
        self.size
    }

    /// The last port of the range, or `None` for the empty range.
    pub fn last(self) -> Option<u16> {
        let size = u16::try_from(self.size.checked_sub(1)?).ok()?;
        Some(self.base + size)
    }

    /// True for the empty range (size 0).
    pub fn is_empty(self) -> bool {
        self.size == 0
    }

    /// Whether `port` lies in the range (upstream's `Contains`).
    pub fn contains(self, port: i64) -> bool {
        port >= i64::from(self.base) && port - i64::from(self.base) < i64::from(self.size)
    }

    /// The index of `port` within the range (port − base), if it lies in the range.
    pub fn offset_of(self, port: i64) -> Option<u32> {
        self.contains(port)
            .then(|| u32::try_from(port - i64::from(self.base)).ok())
            .flatten()
    }

    /// The port at index `offset` of the range. `offset` must be below `size`.
    pub fn port_at(self, offset: u32) -> u16 {
        debug_assert!(offset < self.size);
        // Valid ranges end at or below 65535, so base + offset fits for every offset below size.
        self.base.wrapping_add(offset as u16)
    }
}

impl Default for PortRange {
    /// The apiserver's default range, 30000-32767.
    fn default() -> Self {
        DEFAULT_RANGE
    }
}

impl fmt::Display for PortRange {
    /// `<first>-<last>`, as upstream prints it (`100-100` for one port, empty for the empty range).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.last() {
            Some(last) => write!(f, "{}-{}", self.base, last),
            None => Ok(()),
        }
    }
}

impl std::str::FromStr for PortRange {
    type Err = RangeError;

    /// Same as [`PortRange::parse`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PortRange::parse(s)
    }
}

impl fmt::Display for RangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RangeError::Unparsable(v) => write!(f, "unable to parse port range: {v}"),
            RangeError::Number(e) => e.fmt(f),
            RangeError::TooLarge(v) => {
                write!(f, "the port range cannot be greater than 65535: {v}")
            }
            RangeError::Reversed(v) => write!(f, "end port cannot be less than start port: {v}"),
        }
    }
}

impl std::error::Error for RangeError {}

impl From<AtoiError> for RangeError {
    fn from(e: AtoiError) -> Self {
        RangeError::Number(e)
    }
}

impl fmt::Display for AtoiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reason = if self.out_of_range {
            "value out of range"
        } else {
            "invalid syntax"
        };
        write!(f, "strconv.Atoi: parsing {}: {reason}", Quoted(&self.input))
    }
}

/// Go's `strconv.Atoi` on a 64-bit platform: an optional sign, then decimal digits only.
/// Overflow is reported as soon as it happens, even if an invalid character follows, as Go does.
fn atoi(s: &str) -> Result<i64, AtoiError> {
    let error = |out_of_range| AtoiError {
        input: s.to_owned(),
        out_of_range,
    };
    let (negative, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return Err(error(false));
    }
    // Accumulate as a negative number so that i64::MIN is representable.
    let mut value: i64 = 0;
    for c in digits.bytes() {
        if !c.is_ascii_digit() {
            return Err(error(false));
        }
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_sub(i64::from(c - b'0')))
            .ok_or_else(|| error(true))?;
    }
    if negative {
        Ok(value)
    } else {
        value.checked_neg().ok_or_else(|| error(true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error_text(value: &str) -> String {
        PortRange::parse(value).unwrap_err().to_string()
    }

    #[test]
    fn error_texts_match_upstream() {
        assert_eq!(error_text("1+-1"), "unable to parse port range: 1+-1");
        assert_eq!(
            error_text("-100"),
            r#"strconv.Atoi: parsing "": invalid syntax"#
        );
        assert_eq!(
            error_text("100-"),
            r#"strconv.Atoi: parsing "": invalid syntax"#
        );
        assert_eq!(
            error_text("100 - 200"),
            r#"strconv.Atoi: parsing "100 ": invalid syntax"#
        );
        assert_eq!(
            error_text("abc"),
            r#"strconv.Atoi: parsing "abc": invalid syntax"#
        );
        assert_eq!(
            error_text("99999999999999999999"),
            r#"strconv.Atoi: parsing "99999999999999999999": value out of range"#
        );
        assert_eq!(
            error_text("60000-70000"),
            "the port range cannot be greater than 65535: 60000-70000"
        );
        assert_eq!(
            error_text(" 200-100 "),
            "end port cannot be less than start port: 200-100"
        );
        assert_eq!(
            error_text("1--5"),
            "end port cannot be less than start port: 1--5"
        );
        assert_eq!(
            error_text("x\ty"),
            r#"strconv.Atoi: parsing "x\ty": invalid syntax"#
        );
    }

    #[test]
    fn go_integer_syntax() {
        assert_eq!(atoi("+30000"), Ok(30000));
        assert_eq!(atoi("030000"), Ok(30000));
        assert_eq!(atoi("-9223372036854775808"), Ok(i64::MIN));
        assert!(atoi("9223372036854775808").unwrap_err().out_of_range);
        assert!(!atoi("1_000").unwrap_err().out_of_range);
        assert!(!atoi("+").unwrap_err().out_of_range);
        // A leading `+` selects the `low+offset` form, whose empty left side then fails, as in Go.
        assert_eq!(
            error_text("+30000"),
            r#"strconv.Atoi: parsing "": invalid syntax"#
        );
        assert_eq!(PortRange::parse("1++5").unwrap().to_string(), "1-6");
    }

    #[test]
    fn plus_notation_wraps_like_go() {
        assert_eq!(
            error_text("1+9223372036854775807"),
            "end port cannot be less than start port: 1+9223372036854775807"
        );
    }

    #[test]
    fn flag_defaults_empty_value() {
        assert_eq!(
            PortRange::parse_flag("  ").unwrap().to_string(),
            "30000-32767"
        );
        assert_eq!(PortRange::parse_flag("80-90").unwrap().to_string(), "80-90");
        assert_eq!(PortRange::default(), DEFAULT_RANGE);
    }

    #[test]
    fn new_refuses_ranges_past_65535() {
        assert!(PortRange::new(0, 65536).is_some());
        assert!(PortRange::new(1, 65536).is_none());
        assert!(PortRange::new(65535, 1).is_some());
    }

    #[test]
    fn offsets_and_ports() {
        let range = PortRange::parse("100-200").unwrap();
        assert_eq!(range.offset_of(100), Some(0));
        assert_eq!(range.offset_of(200), Some(100));
        assert_eq!(range.offset_of(201), None);
        assert_eq!(range.offset_of(-1), None);
        assert_eq!(range.port_at(100), 200);
        assert_eq!(range.last(), Some(200));
        assert_eq!(PortRange::parse("").unwrap().last(), None);
    }
}
