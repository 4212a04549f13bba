//! The editor's text and the cluster's settings, kept in the browser's localStorage as the user
//! works, so that a reload (or a closed tab) loses nothing typed.

use portband_allocator::PortRange;
use portband_kube::{ClusterConfig, MAX_SEED};

const EDITOR: &str = "portband.editor";
const RANGE: &str = "portband.range";
const SEED: &str = "portband.seed";
const SPLIT: &str = "portband.staticSubrange";

/// What was saved: the editor's text and the settings, each if it was there and still reads.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Saved {
    /// The editor's text.
    pub editor: Option<String>,
    /// The settings (defaults for any part missing or unreadable).
    pub config: ClusterConfig,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Reads what was saved (nothing, where storage is unavailable).
pub fn load() -> Saved {
    let Some(storage) = storage() else {
        return Saved::default();
    };
    let get = |key| storage.get_item(key).ok().flatten();
    let defaults = ClusterConfig::default();
    Saved {
        editor: get(EDITOR),
        config: ClusterConfig {
            range: get(RANGE)
                .and_then(|r| PortRange::parse_flag(&r).ok())
                .unwrap_or(defaults.range),
            seed: get(SEED)
                .and_then(|s| s.parse().ok())
                .filter(|&s| s <= MAX_SEED)
                .unwrap_or(defaults.seed),
            static_subrange: get(SPLIT).map_or(defaults.static_subrange, |s| s != "false"),
        },
    }
}

/// Saves the editor's text and the settings. A full or unavailable storage is not an error the
/// user can act on here: the work simply is not kept.
pub fn save(editor: &str, config: &ClusterConfig) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(EDITOR, editor);
        let _ = storage.set_item(RANGE, &config.range.to_string());
        let _ = storage.set_item(SEED, &config.seed.to_string());
        let _ = storage.set_item(
            SPLIT,
            if config.static_subrange {
                "true"
            } else {
                "false"
            },
        );
    }
}
