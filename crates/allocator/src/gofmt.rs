//! Go's `%q` and `encoding/json` strings: how upstream quotes strings in its messages, so that
//! portband's match byte for byte.

use std::fmt;

/// Displays a string as Go's `strconv.Quote` does for the texts that reach upstream's messages:
/// in double quotes, with `"` and `\\` escaped, C escapes for `\\a \\b \\f \\n \\r \\t \\v`, other ASCII
/// controls as `\\xNN`, and every other character that `strconv.IsPrint` calls unprintable as
/// `\\uNNNN` or `\\UNNNNNNNN` (see [`is_print`]).
pub struct Quoted<'a>(pub &'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        quote(
            f,
            self.0,
            |c| !c.is_ascii_control() && is_print(c),
            |f, c| match c {
                '\u{7}' => f.write_str("\\a"),
                '\u{b}' => f.write_str("\\v"),
                c if c.is_ascii_control() => write!(f, "\\x{:02x}", c as u32),
                c if u32::from(c) < 0x10000 => write!(f, "\\u{:04x}", c as u32),
                c => write!(f, "\\U{:08x}", c as u32),
            },
        )
    }
}

/// Writes `text` in double quotes with the escapes Go's `%q` and `encoding/json` share (`"`, `\\`,
/// `\\b \\f \\n \\r \\t`); a character `plain` accepts as it is (in runs, for speed), every other
/// as `escape` writes it.
fn quote<W: fmt::Write>(
    w: &mut W,
    text: &str,
    plain: impl Fn(char) -> bool,
    escape: impl Fn(&mut W, char) -> fmt::Result,
) -> fmt::Result {
    w.write_str("\"")?;
    let mut run = 0;
    for (i, c) in text.char_indices() {
        let short = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\u{8}' => "\\b",
            '\u{c}' => "\\f",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            c if plain(c) => continue,
            _ => "",
        };
        w.write_str(&text[run..i])?;
        if short.is_empty() {
            escape(w, c)?;
        } else {
            w.write_str(short)?;
        }
        run = i + c.len_utf8();
    }
    w.write_str(&text[run..])?;
    w.write_str("\"")
}

/// Displays a string as Go's `encoding/json` writes it (in field error values from Kubernetes 1.34):
/// in double quotes, `"` and `\\` escaped, `\\b \\f \\n \\r \\t` for those controls and `\\u00NN`
/// for the others, and, as Go's encoder escapes them by default, `<`, `>`, `&`, U+2028 and U+2029
/// as `\\uNNNN`.
pub struct JsonQuoted<'a>(pub &'a str);

impl JsonQuoted<'_> {
    /// Appends the quoted string to `out`, without going through `fmt`'s machinery (as fast as
    /// a copy for text with nothing to escape).
    pub fn push_to(&self, out: &mut String) {
        // Writing to a String cannot fail.
        let _ = self.write(out);
    }

    fn write<W: fmt::Write>(&self, w: &mut W) -> fmt::Result {
        quote(
            w,
            self.0,
            |c| !(c < ' ' || matches!(c, '<' | '>' | '&' | '\u{2028}' | '\u{2029}')),
            |w, c| write!(w, "\\u{:04x}", c as u32),
        )
    }
}

impl fmt::Display for JsonQuoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f)
    }
}

/// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space are
/// printable; controls (Cc), format characters (Cf), private use (Co) and spaces other than
/// U+0020 (Zs, Zl, Zp) are not. Unassigned code points (Cn), which Go also escapes, are printed
/// as they are: knowing them needs Go's Unicode tables (docs/fidelity.md).
pub fn is_print(c: char) -> bool {
    /// The format characters (general category Cf) of Unicode 15, as ranges.
    const FORMAT: [(u32, u32); 21] = [
        (0x00ad, 0x00ad),
        (0x0600, 0x0605),
        (0x061c, 0x061c),
        (0x06dd, 0x06dd),
        (0x070f, 0x070f),
        (0x0890, 0x0891),
        (0x08e2, 0x08e2),
        (0x180e, 0x180e),
        (0x200b, 0x200f),
        (0x202a, 0x202e),
        (0x2060, 0x2064),
        (0x2066, 0x206f),
        (0xfeff, 0xfeff),
        (0xfff9, 0xfffb),
        (0x110bd, 0x110bd),
        (0x110cd, 0x110cd),
        (0x13430, 0x1343f),
        (0x1bca0, 0x1bca3),
        (0x1d173, 0x1d17a),
        (0xe0001, 0xe0001),
        (0xe0020, 0xe007f),
    ];
    /// The private-use planes and area (general category Co).
    const PRIVATE: [(u32, u32); 3] = [(0xe000, 0xf8ff), (0xf0000, 0xffffd), (0x100000, 0x10fffd)];
    let code = u32::from(c);
    let within = |ranges: &[(u32, u32)]| ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&code));
    // Rust's White_Space covers Zs, Zl and Zp, and some controls, which are unprintable anyway.
    c == ' ' || !(c.is_control() || c.is_whitespace() || within(&FORMAT) || within(&PRIVATE))
}

#[cfg(test)]
mod tests {
    use super::{JsonQuoted, Quoted};

    #[test]
    fn json_strings_like_go() {
        assert_eq!(JsonQuoted("TCP").to_string(), r#""TCP""#);
        assert_eq!(JsonQuoted("a\"b\\c").to_string(), r#""a\"b\\c""#);
        assert_eq!(
            JsonQuoted("\u{8}\u{c}\n\r\t\u{1}\u{7f}").to_string(),
            "\"\\b\\f\\n\\r\\t\\u0001\u{7f}\""
        );
        assert_eq!(JsonQuoted("<a&b>").to_string(), r#""\u003ca\u0026b\u003e""#);
        assert_eq!(JsonQuoted("\u{2028}é").to_string(), r#""\u2028é""#);
    }

    #[test]
    fn quotes_like_go() {
        assert_eq!(Quoted("web").to_string(), r#""web""#);
        assert_eq!(Quoted("a\"b\\c").to_string(), r#""a\"b\\c""#);
        assert_eq!(Quoted("x\ty\n").to_string(), r#""x\ty\n""#);
        assert_eq!(Quoted("\u{1}\u{7f}").to_string(), r#""\x01\x7f""#);
        assert_eq!(Quoted("\u{85}é").to_string(), r#""\u0085é""#);
    }

    #[test]
    fn escapes_what_go_calls_unprintable() {
        // strconv's own quote tests, and the spaces and format characters a pasted manifest
        // carries unseen.
        assert_eq!(Quoted("\u{263a}").to_string(), "\"\u{263a}\"");
        assert_eq!(Quoted("\u{a0}").to_string(), r#""\u00a0""#);
        assert_eq!(Quoted("a\u{200b}b").to_string(), r#""a\u200bb""#);
        assert_eq!(Quoted("\u{2028}\u{2029}").to_string(), r#""\u2028\u2029""#);
        assert_eq!(Quoted("\u{feff}x").to_string(), r#""\ufeffx""#);
        assert_eq!(Quoted("\u{3000}").to_string(), r#""\u3000""#);
        assert_eq!(Quoted("\u{ad}").to_string(), r#""\u00ad""#);
        assert_eq!(Quoted("\u{e000}").to_string(), r#""\ue000""#);
        assert_eq!(Quoted("\u{e0041}").to_string(), r#""\U000e0041""#);
        assert_eq!(Quoted("\u{10fffd}").to_string(), r#""\U0010fffd""#);
        assert_eq!(Quoted("日本 ü ∑ 😀").to_string(), "\"日本 ü ∑ 😀\"");
    }
}
