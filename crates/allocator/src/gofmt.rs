//! Go's `%q`: how upstream quotes strings in its messages, so that portband's match byte for byte.

use std::fmt;

/// Displays a string as Go's `strconv.Quote` does for the texts that reach upstream's messages:
/// in double quotes, with `"` and `\\` escaped, C escapes for `\\a \\b \\f \\n \\r \\t \\v`, other ASCII
/// controls as `\\xNN` and other control characters as `\\uNNNN`.
pub struct Quoted<'a>(pub &'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"")?;
        for c in self.0.chars() {
            match c {
                '"' => f.write_str("\\\"")?,
                '\\' => f.write_str("\\\\")?,
                '\u{7}' => f.write_str("\\a")?,
                '\u{8}' => f.write_str("\\b")?,
                '\u{c}' => f.write_str("\\f")?,
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                '\u{b}' => f.write_str("\\v")?,
                c if c.is_ascii_control() => write!(f, "\\x{:02x}", c as u32)?,
                c if c.is_control() => write!(f, "\\u{:04x}", c as u32)?,
                c => write!(f, "{c}")?,
            }
        }
        f.write_str("\"")
    }
}

#[cfg(test)]
mod tests {
    use super::Quoted;

    #[test]
    fn quotes_like_go() {
        assert_eq!(Quoted("web").to_string(), r#""web""#);
        assert_eq!(Quoted("a\"b\\c").to_string(), r#""a\"b\\c""#);
        assert_eq!(Quoted("x\ty\n").to_string(), r#""x\ty\n""#);
        assert_eq!(Quoted("\u{1}\u{7f}").to_string(), r#""\x01\x7f""#);
        assert_eq!(Quoted("\u{85}é").to_string(), r#""\u0085é""#);
    }
}
