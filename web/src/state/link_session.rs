//! Opening links: the compact embed view, a shared state still being unpacked, the user's own
//! work a link replaced (offered back), and what went wrong with a link or with saved work.

use crate::link::Layout;
use crate::saved::Saved;

/// The page's relation to links.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LinkSession {
    /// The view for documentation pages: nothing is saved in the browser.
    pub embed: bool,
    /// The embed's layout.
    pub layout: Layout,
    /// The embed's caption, as the address gives it.
    pub caption: Option<String>,
    /// A shared link is being opened: nothing is saved or written to the address until it is.
    pub opening: bool,
    /// The work a shared link (or a preset's link) replaced, offered back.
    pub before_link: Option<Saved>,
    /// Why a link, or the work kept in the browser, could not be opened.
    pub problem: Option<String>,
}
