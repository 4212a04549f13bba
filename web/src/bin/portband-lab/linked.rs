//! The history a lab view's address names: `s=`, packed as the app's share links pack it, and
//! `at=`, the step the app showed.

use portband_web::browser;
use portband_web::worker_link::Link;

/// The value of `name=` in the address's fragment.
pub fn param(name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    browser::fragment()
        .split('&')
        .find_map(|part| part.strip_prefix(prefix.as_str()).map(str::to_owned))
}

/// The worker and the scenario of the history the address names, or why not: `missing` when it
/// names none.
pub async fn history(link: &Result<Link, String>, missing: &str) -> Result<(Link, String), String> {
    let code = param("s").ok_or_else(|| missing.to_owned())?;
    let link = link.clone()?;
    let scenario = browser::unpack_state(&code)
        .await
        .map_err(|why| format!("This link's history could not be read ({why})."))?;
    Ok((link, scenario))
}
