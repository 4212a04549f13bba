//! How the pages write numbers for people: whole numbers only, so that neither page needs the
//! float printer for its words.

/// `part` of `whole` as a percentage with one decimal, `3.6 %`.
pub fn percent(part: u32, whole: u32) -> String {
    let tenths = (u64::from(part) * 1000 + u64::from(whole) / 2) / u64::from(whole.max(1));
    format!("{}.{} %", tenths / 10, tenths % 10)
}

/// `n` with a comma between thousands: `2,752`.
pub fn thousands(n: impl Into<u64>) -> String {
    let digits = n.into().to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{percent, thousands};

    #[test]
    fn percentages_have_one_decimal_rounded() {
        let shown =
            [(3, 84), (1, 3), (2, 3), (84, 84), (0, 5), (1, 65_536)].map(|(p, w)| percent(p, w));
        assert_eq!(
            shown,
            ["3.6 %", "33.3 %", "66.7 %", "100.0 %", "0.0 %", "0.0 %"]
        );
    }

    #[test]
    fn thousands_are_separated_by_commas() {
        assert_eq!(
            [0u64, 999, 1000, 2752, 65535, 1_000_000, u64::MAX].map(thousands),
            [
                "0",
                "999",
                "1,000",
                "2,752",
                "65,535",
                "1,000,000",
                "18,446,744,073,709,551,615"
            ]
        );
    }
}
