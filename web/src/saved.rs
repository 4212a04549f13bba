//! The work kept in the browser's storage as the user works, so that a reload (or a closed tab)
//! loses nothing: the editor's text, the history as a scenario file, and the step shown. Work in
//! progress goes to localStorage (for the next visit) and to the tab's sessionStorage, which wins
//! on a reload, so that two open tabs never swap their work. A second slot keeps the work a
//! shared link replaced, until the user switches back or drops it.

/// Where work is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// The work in progress.
    Current,
    /// The work a shared link replaced.
    BeforeLink,
}

impl Slot {
    fn key(self, name: &str) -> String {
        match self {
            Slot::Current => format!("portband.{name}"),
            Slot::BeforeLink => format!("portband.beforeLink.{name}"),
        }
    }
}

/// Work as kept: each part if it was there.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Saved {
    /// The editor's text.
    pub editor: Option<String>,
    /// The history, as a scenario file (with the settings).
    pub history: Option<String>,
    /// The step shown, when not the last.
    pub at: Option<usize>,
}

/// Where a slot is kept, the storage read first first.
fn storages(slot: Slot) -> Vec<web_sys::Storage> {
    let Some(window) = web_sys::window() else {
        return Vec::new();
    };
    let session = match slot {
        Slot::Current => session_storage(),
        Slot::BeforeLink => None,
    };
    session
        .into_iter()
        .chain(window.local_storage().ok().flatten())
        .collect()
}

fn get(storage: &web_sys::Storage, slot: Slot, name: &str) -> Option<String> {
    storage.get_item(&slot.key(name)).ok().flatten()
}

/// The history and its step, both from the first storage that holds a history.
fn history(slot: Slot, storages: &[web_sys::Storage]) -> (Option<String>, Option<usize>) {
    storages
        .iter()
        .find_map(|storage| {
            let history = get(storage, slot, "history")?;
            let at = get(storage, slot, "at").and_then(|a| a.parse().ok());
            Some((Some(history), at))
        })
        .unwrap_or_default()
}

/// Reads a slot (nothing, where storage is unavailable).
pub fn load(slot: Slot) -> Saved {
    let storages = storages(slot);
    let (history, at) = history(slot, &storages);
    Saved {
        editor: storages.iter().find_map(|s| get(s, slot, "editor")),
        history,
        at,
    }
}

/// Writes (or, for `None`, removes) one part of a slot everywhere it is kept; false if a storage
/// refused (full, or unavailable).
fn store(slot: Slot, name: &str, value: Option<&str>) -> bool {
    let key = slot.key(name);
    let mut ok = true;
    for storage in storages(slot) {
        ok &= match value {
            Some(value) => storage.set_item(&key, value),
            None => storage.remove_item(&key),
        }
        .is_ok();
    }
    ok
}

/// Keeps the editor's text as work in progress. False if the browser refused to keep it (full,
/// or unavailable): then no older text is left behind to come back in its place.
pub fn save_editor(text: &str) -> bool {
    store(Slot::Current, "editor", Some(text)) || {
        store(Slot::Current, "editor", None);
        false
    }
}

/// Keeps the history (a scenario file; none: forget it) and the step shown as work in progress,
/// unless this tab already holds exactly that (a reload must not overwrite newer work of another
/// tab in localStorage). False if the browser refused to keep it: then no older history is left
/// behind to come back in its place.
pub fn save_history(history: Option<&str>, at: Option<usize>) -> bool {
    let (kept, kept_at) = self::history(Slot::Current, &storages(Slot::Current));
    if history.is_some() && kept.as_deref() == history && kept_at == at {
        return true;
    }
    let at = at.map(|a| a.to_string());
    if store(Slot::Current, "history", history) && store(Slot::Current, "at", at.as_deref()) {
        return true;
    }
    store(Slot::Current, "history", None);
    store(Slot::Current, "at", None);
    false
}

/// Writes a whole slot (an empty [`Saved`] empties it).
pub fn save(slot: Slot, saved: &Saved) {
    let _ = store(slot, "editor", saved.editor.as_deref());
    let _ = store(slot, "history", saved.history.as_deref());
    let _ = store(slot, "at", saved.at.map(|a| a.to_string()).as_deref());
}

/// Where this tab notes the states it wrote into its own address.
const OWN_ADDRESS: &str = "portband.address";

/// A short stand-in for a packed state (which may be megabytes long): FNV-1a of its bytes, the
/// same in every build, so that a tab reloaded into a newer release still knows its own address.
fn fingerprint(code: &str) -> String {
    use std::hash::Hasher;
    let mut hasher = fnv::FnvHasher::default();
    hasher.write(code.as_bytes());
    format!("{:016x}", hasher.finish())
}

/// The tab's own storage, where it is available.
fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.session_storage().ok().flatten())
}

/// Remembers, for this tab, the state this page last wrote into its own address, and the one
/// before it: a reload just after the address changed may still load the previous address.
pub fn note_own_address(code: &str) {
    let Some(session) = session_storage() else {
        return;
    };
    let noted = session
        .get_item(OWN_ADDRESS)
        .ok()
        .flatten()
        .unwrap_or_default();
    let last = noted.split(' ').next().unwrap_or_default();
    let _ = session.set_item(OWN_ADDRESS, &format!("{} {last}", fingerprint(code)));
}

/// Whether `code` is a state this page wrote into its own address (one of the last two): a
/// reload, not a shared link (the saved work is then as new as the address, or newer).
pub fn is_own_address(code: &str) -> bool {
    let fingerprint = fingerprint(code);
    session_storage()
        .and_then(|s| s.get_item(OWN_ADDRESS).ok().flatten())
        .is_some_and(|noted| noted.split(' ').any(|own| own == fingerprint))
}

#[cfg(test)]
mod tests {
    use super::fingerprint;

    #[test]
    fn fingerprints_are_fnv_1a_and_never_change() {
        // FNV-1a 64's published values: the empty string and "a".
        assert_eq!(fingerprint(""), "cbf29ce484222325");
        assert_eq!(fingerprint("a"), "af63dc4c8601ec8c");
        assert_ne!(fingerprint("s=abc"), fingerprint("s=abd"));
    }
}
