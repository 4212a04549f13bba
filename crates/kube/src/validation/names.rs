//! Name rules from apimachinery's `pkg/util/validation/validation.go`: DNS labels
//! (`IsDNS1035Label`, `IsDNS1123Label`) and port names (`IsValidPortName`), with upstream's texts.

/// `IsDNS1035Label`'s pattern message.
pub const DNS1035_MESSAGE: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', \
start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', \
regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
/// `IsDNS1123Label`'s pattern message.
pub const DNS1123_MESSAGE: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters \
or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for \
validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

/// The messages of a DNS label check: too long, then the pattern.
pub fn label_errors(value: &str, pattern: fn(&str) -> bool, pattern_message: &str) -> Vec<String> {
    let mut messages = Vec::new();
    if value.len() > 63 {
        messages.push("must be no more than 63 characters".to_owned());
    }
    if !pattern(value) {
        messages.push(pattern_message.to_owned());
    }
    messages
}

/// `[a-z]([-a-z0-9]*[a-z0-9])?`
pub fn is_dns1035_label(value: &str) -> bool {
    value.starts_with(|c: char| c.is_ascii_lowercase()) && is_dns1123_label(value)
}

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`
pub fn is_dns1123_label(value: &str) -> bool {
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    value.starts_with(alnum)
        && value.ends_with(alnum)
        && value.chars().all(|c| alnum(c) || c == '-')
}

/// Upstream `IsValidPortName`, for named target ports.
pub fn port_name_errors(name: &str) -> Vec<&'static str> {
    let mut messages = Vec::new();
    if name.len() > 15 {
        messages.push("must be no more than 15 characters");
    }
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        messages.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
    } else if !name.chars().any(|c| c.is_ascii_lowercase()) {
        messages.push("must contain at least one letter (a-z)");
    }
    if name.contains("--") {
        messages.push("must not contain consecutive hyphens");
    }
    if name.starts_with('-') || name.ends_with('-') {
        messages.push("must not begin or end with a hyphen");
    }
    messages
}
