//! The settings as typed: the range and the seed text, each with its own error. The settings in
//! force are the history's ([`super::Timeline::config`]); a field that does not parse leaves them
//! as they were.

use portband_allocator::gofmt::Quoted;
use portband_allocator::PortRange;
use portband_kube::{ClusterConfig, MAX_SEED};

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

impl Settings {
    /// The fields of `config`.
    pub fn of(config: ClusterConfig) -> Self {
        Settings {
            range_text: config.range.to_string(),
            range_error: None,
            seed_text: config.seed.to_string(),
            seed_error: None,
        }
    }

    /// Takes the range as typed: the settings it gives (over `config`), or none and an error.
    pub fn set_range(&mut self, text: String, config: ClusterConfig) -> Option<ClusterConfig> {
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
        Some(ClusterConfig { range, ..config })
    }

    /// Takes the seed as typed (empty: the default, 0): the settings it gives (over `config`), or
    /// none and an error.
    pub fn set_seed(&mut self, text: String, config: ClusterConfig) -> Option<ClusterConfig> {
        let seed = match text.trim() {
            "" => Some(ClusterConfig::default().seed),
            digits => digits.parse::<u64>().ok().filter(|&s| s <= MAX_SEED),
        };
        self.seed_error = seed
            .is_none()
            .then(|| format!("The seed must be a whole number from 0 to {MAX_SEED}"));
        self.seed_text = text;
        let seed = seed?;
        self.seed_text = seed.to_string();
        Some(ClusterConfig { seed, ..config })
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
    use portband_kube::ClusterConfig;

    #[test]
    fn each_field_keeps_its_own_error() {
        let config = ClusterConfig::default();
        let mut settings = Settings::of(config);
        assert_eq!(settings.set_seed("-3".into(), config), None);
        assert_eq!(settings.seed_text, "-3", "the text stays as typed");
        let config = settings.set_range("30000+127".into(), config).unwrap();
        assert_eq!(settings.range_text, "30000-30127", "as upstream prints it");
        assert_eq!(
            settings.errors().collect::<Vec<_>>(),
            ["The seed must be a whole number from 0 to 9007199254740991"],
            "a valid range leaves the seed's error"
        );
        assert_eq!(settings.set_range("200-100".into(), config), None);
        assert_eq!(
            settings.range_error.as_deref(),
            Some(
                "Invalid range \"200-100\": end port cannot be less than start port: 200-100. \
                 A range is written 30000-32767, 30000+2767 or 30080; empty means 30000-32767."
            )
        );
        let config = settings.set_seed(" 7 ".into(), config).unwrap();
        assert_eq!(
            (config.seed, config.range.to_string()),
            (7, "30000-30127".to_owned())
        );
        assert_eq!(
            settings.errors().count(),
            1,
            "only the range's error is left"
        );
        // An empty seed is the default, as an empty range is.
        let config = settings.set_seed(String::new(), config).unwrap();
        assert_eq!((config.seed, settings.seed_text.as_str()), (0, "0"));
    }
}
