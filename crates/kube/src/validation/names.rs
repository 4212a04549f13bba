//! Name rules from apimachinery's `pkg/util/validation/validation.go`: DNS labels and subdomains
//! (`IsDNS1035Label`, `IsDNS1123Label`, `IsDNS1123Subdomain`) and port names (`IsValidPortName`),
//! with upstream's texts (the same from v0.27.0 to v0.36.0).

/// `IsDNS1035Label`'s pattern message.
pub const DNS1035_MESSAGE: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', \
start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', \
regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
/// `IsDNS1123Label`'s pattern message.
pub const DNS1123_MESSAGE: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters \
or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for \
validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

/// `IsDNS1123Subdomain`'s pattern message.
pub const DNS1123_SUBDOMAIN_MESSAGE: &str = "a lowercase RFC 1123 subdomain must consist of lower case \
alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. \
'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/// Upstream `IsDNS1035Label`: too long, then the pattern.
pub fn dns1035_label_errors(value: &str) -> Vec<String> {
    let mut messages = too_long(value, 63);
    let starts_with_letter = value.starts_with(|c: char| c.is_ascii_lowercase());
    if !(starts_with_letter && is_dns1123_label(value)) {
        messages.push(DNS1035_MESSAGE.to_owned());
    }
    messages
}

/// Upstream `IsDNS1123Label`: too long, then the pattern; a valid subdomain that is no label
/// has dots.
pub fn dns1123_label_errors(value: &str) -> Vec<String> {
    let mut messages = too_long(value, 63);
    if !is_dns1123_label(value) {
        messages.push(if is_dns1123_subdomain(value) {
            "must not contain dots".to_owned()
        } else {
            DNS1123_MESSAGE.to_owned()
        });
    }
    messages
}

/// Upstream `IsDNS1123Subdomain`: too long (253), then the pattern.
pub fn dns1123_subdomain_errors(value: &str) -> Vec<String> {
    let mut messages = too_long(value, 253);
    if !is_dns1123_subdomain(value) {
        messages.push(DNS1123_SUBDOMAIN_MESSAGE.to_owned());
    }
    messages
}

/// The pattern of a qualified name's (a label key's) name part, as `RegexError` words it.
const QUALIFIED_NAME_PATTERN: &str =
    "must consist of alphanumeric characters, '-', '_' or '.', and \
must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', \
regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

/// Upstream `IsQualifiedName` (a label key, an annotation key): an optional DNS subdomain prefix
/// and `/`, then a name of up to 63 characters. `label_key` words a key with more than one `/`
/// as 1.35 does (`a valid label key`), not as before (`a qualified name`).
pub fn qualified_name_errors(value: &str, label_key: bool) -> Vec<String> {
    let mut messages = Vec::new();
    let parts: Vec<&str> = value.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                messages.push("prefix part must be non-empty".to_owned());
            } else {
                let errors = dns1123_subdomain_errors(prefix);
                messages.extend(errors.into_iter().map(|m| format!("prefix part {m}")));
            }
            name
        }
        _ => {
            let what = if label_key {
                "a valid label key"
            } else {
                "a qualified name"
            };
            return vec![format!(
                "{what} {QUALIFIED_NAME_PATTERN} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
            )];
        }
    };
    if name.is_empty() {
        messages.push("name part must be non-empty".to_owned());
    } else if name.len() > 63 {
        messages.push("name part must be no more than 63 characters".to_owned());
    }
    if !is_qualified_name_part(name) {
        messages.push(format!("name part {QUALIFIED_NAME_PATTERN}"));
    }
    messages
}

/// Upstream `IsValidLabelValue`: empty, or up to 63 characters of a qualified name's name part.
pub fn label_value_errors(value: &str) -> Vec<String> {
    let mut messages = too_long(value, 63);
    if !value.is_empty() && !is_qualified_name_part(value) {
        messages.push("a valid label must be an empty string or consist of alphanumeric characters, '-', \
'_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or \
'12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')".to_owned());
    }
    messages
}

/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`
fn is_qualified_name_part(value: &str) -> bool {
    let alnum = |c: char| c.is_ascii_alphanumeric();
    value.starts_with(alnum)
        && value.ends_with(alnum)
        && value
            .chars()
            .all(|c| alnum(c) || matches!(c, '-' | '_' | '.'))
}

/// `MaxLenError`, if `value` is longer than `most` bytes.
fn too_long(value: &str, most: usize) -> Vec<String> {
    if value.len() > most {
        vec![format!("must be no more than {most} characters")]
    } else {
        Vec::new()
    }
}

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`
fn is_dns1123_label(value: &str) -> bool {
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    value.starts_with(alnum)
        && value.ends_with(alnum)
        && value.chars().all(|c| alnum(c) || c == '-')
}

/// Labels joined by dots.
fn is_dns1123_subdomain(value: &str) -> bool {
    value.split('.').all(is_dns1123_label)
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
