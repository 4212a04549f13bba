//! The settings as typed: the range and the seed text, each with its own error. The settings in
//! force are the engine's ([`super::Run::settings`]); a field that does not parse leaves them as
//! they were, and one that does asks the engine to run the same inputs under it.

use crate::engine::SettingsChange;
use portband_allocator::gofmt::Quoted;
use portband_allocator::PortRange;
use portband_contract::MAX_SEED;

/// The settings fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// The range as typed.
    pub range_text: String,
    /// Why the range as typed is refused.
    pub range_error: Option<String>,
    /// The seed as typed.
    pub seed_text: String,
    /// Why the seed as typed is refused.
    pub seed_error: Option<String>,
}

impl Default for Settings {
    /// The default settings' fields (30000-32767, seed 0), shown until the engine says which
    /// settings the history runs under.
    fn default() -> Self {
        Settings {
            range_text: PortRange::default().to_string(),
            range_error: None,
            seed_text: "0".to_owned(),
            seed_error: None,
        }
    }
}

impl Settings {
    /// The fields of the settings in force.
    pub fn of(settings: &portband_contract::Settings) -> Self {
        Settings {
            range_text: settings.range.clone(),
            range_error: None,
            seed_text: settings.seed.to_string(),
            seed_error: None,
        }
    }

    /// Takes the range as typed: the change it asks for, or none and an error.
    pub fn set_range(&mut self, text: String) -> Option<SettingsChange> {
        let parsed = PortRange::parse_flag(&text);
        self.range_error = parsed.as_ref().err().map(|e| {
            format!(
                "Invalid range {}: {e}. A range is written 30000-32767, 30000+2767 or 30080; \
                     empty means 30000-32767.",
                Quoted(&text)
            )
        });
        self.range_text = text;
        let range = parsed.ok()?;
        self.range_text = range.to_string();
        Some(SettingsChange {
            range: Some(self.range_text.clone()),
            ..SettingsChange::default()
        })
    }

    /// Takes the seed as typed (empty: the default, 0): the change it asks for, or none and an
    /// error.
    pub fn set_seed(&mut self, text: String) -> Option<SettingsChange> {
        let seed = match text.trim() {
            "" => Some(0),
            digits => digits.parse::<u64>().ok().filter(|&s| s <= MAX_SEED),
        };
        self.seed_error = seed
            .is_none()
            .then(|| format!("The seed must be a whole number from 0 to {MAX_SEED}"));
        self.seed_text = text;
        let seed = seed?;
        self.seed_text = seed.to_string();
        Some(SettingsChange {
            seed: Some(seed),
            ..SettingsChange::default()
        })
    }

    /// The errors, in the order of the fields.
    pub fn errors(&self) -> impl Iterator<Item = &str> {
        [&self.range_error, &self.seed_error]
            .into_iter()
            .filter_map(|e| e.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::Settings;
    use crate::engine::SettingsChange;

    #[test]
    fn each_field_keeps_its_own_error() {
        let mut settings = Settings {
            range_text: "30000-32767".into(),
            range_error: None,
            seed_text: "0".into(),
            seed_error: None,
        };
        assert_eq!(settings.set_seed("-3".into()), None);
        assert_eq!(settings.seed_text, "-3", "the text stays as typed");
        let change = settings.set_range("30000+127".into()).unwrap();
        assert_eq!(
            change.range.as_deref(),
            Some("30000-30127"),
            "as upstream prints it"
        );
        assert_eq!(settings.range_text, "30000-30127");
        assert_eq!(
            settings.errors().collect::<Vec<_>>(),
            ["The seed must be a whole number from 0 to 9007199254740991"],
            "a valid range leaves the seed's error"
        );
        assert_eq!(settings.set_range("200-100".into()), None);
        assert_eq!(
            settings.range_error.as_deref(),
            Some(
                "Invalid range \"200-100\": end port cannot be less than start port: 200-100. \
                 A range is written 30000-32767, 30000+2767 or 30080; empty means 30000-32767."
            )
        );
        let change = settings.set_seed(" 7 ".into()).unwrap();
        assert_eq!(
            change,
            SettingsChange {
                seed: Some(7),
                ..SettingsChange::default()
            }
        );
        assert_eq!(
            settings.errors().count(),
            1,
            "only the range's error is left"
        );
        // An empty seed is the default, as an empty range is.
        assert_eq!(settings.set_seed(String::new()).unwrap().seed, Some(0));
        assert_eq!(settings.seed_text, "0");
    }
}
