//! A Service's identity: `namespace/name`, as `kubectl delete service` and the outcomes name it.

use std::fmt;
use std::str::FromStr;

/// `namespace/name`; a bare `name` is in `default`, as with kubectl's default context.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServiceKey {
    /// The namespace.
    pub namespace: String,
    /// The name.
    pub name: String,
}

impl ServiceKey {
    /// The key of `name` in `namespace` (`default` when empty).
    pub fn new(namespace: &str, name: &str) -> Self {
        ServiceKey {
            namespace: if namespace.is_empty() {
                "default"
            } else {
                namespace
            }
            .to_owned(),
            name: name.to_owned(),
        }
    }
}

/// Why text is not a Service key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KeyError;

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Service is named as namespace/name (or name, in default)")
    }
}

impl std::error::Error for KeyError {}

impl FromStr for ServiceKey {
    type Err = KeyError;

    /// `namespace/name` or `name`, surrounding spaces ignored; neither part may be empty.
    fn from_str(text: &str) -> Result<Self, KeyError> {
        let text = text.trim();
        let (namespace, name) = text.split_once('/').unwrap_or(("default", text));
        if namespace.is_empty() || name.is_empty() {
            return Err(KeyError);
        }
        Ok(ServiceKey::new(namespace, name))
    }
}

impl fmt::Display for ServiceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.namespace, self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::ServiceKey;

    #[test]
    fn reads_and_writes_namespace_slash_name() {
        let key: ServiceKey = "kube-system/dns".parse().unwrap();
        assert_eq!(
            (key.namespace.as_str(), key.name.as_str()),
            ("kube-system", "dns")
        );
        assert_eq!(key.to_string(), "kube-system/dns");
        assert_eq!(
            " web ".parse::<ServiceKey>().unwrap().to_string(),
            "default/web"
        );
        for bad in ["", "/web", "ns/", "  "] {
            assert!(bad.parse::<ServiceKey>().is_err(), "{bad:?}");
        }
    }
}
