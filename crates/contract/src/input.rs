//! What a front end sends the engine, besides text: the kubectl command a manifest is sent with,
//! and the limits on what the engine takes (a front end checks them before it sends).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The largest seed: seeds travel through JavaScript numbers, which are exact up to 2^53 − 1.
pub const MAX_SEED: u64 = (1 << 53) - 1;

/// The largest document read at all, in bytes: a scenario, which can hold a whole history (the
/// web app's saved work and share links are scenarios).
pub const MAX_SCENARIO_BYTES: usize = 16 << 20;

/// The kubectl command a manifest's object is sent with.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// `kubectl apply` (client-side): create with the annotation, or patch by a three-way merge.
    #[default]
    Apply,
    /// `kubectl replace`: a PUT of the manifest as written; the Service must exist.
    Replace,
    /// `kubectl create`: a POST; the Service must not exist.
    Create,
}

impl Mode {
    /// Every mode, the default first.
    pub const ALL: [Mode; 3] = [Mode::Apply, Mode::Replace, Mode::Create];

    /// `apply`, `replace` or `create`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Apply => "apply",
            Mode::Replace => "replace",
            Mode::Create => "create",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Mode {
    type Err = String;

    /// A mode by its name.
    fn from_str(text: &str) -> Result<Mode, String> {
        Mode::ALL
            .into_iter()
            .find(|mode| mode.as_str() == text)
            .ok_or_else(|| format!("a mode is apply, replace or create, not {text:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::Mode;

    #[test]
    fn modes_read_as_written() {
        assert_eq!("replace".parse::<Mode>(), Ok(Mode::Replace));
        assert_eq!(
            "patch".parse::<Mode>(),
            Err(r#"a mode is apply, replace or create, not "patch""#.to_owned())
        );
        assert_eq!(Mode::default(), Mode::Apply);
    }
}
