//! The lab's parameters as typed, the options the engine's `Simulation` takes from them, and
//! their place in the address (`lab.html#range=…&dynamic=…`), so that a lab's link reproduces it.

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use portband_allocator::PortRange;
use serde::Serialize;

/// The parameters as typed; empty means the engine's default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Params {
    /// `--service-node-port-range`.
    pub range: String,
    /// How many dynamic Services: a number, a sweep `A..B[:STEP]`, or empty for every number
    /// from 0 to the range's size.
    pub dynamic: String,
    /// The first wanted static port; empty for the range's first port.
    pub port: String,
    /// A second wanted static port, if any.
    pub second_port: String,
    /// Whether the static requests arrive in a random order among the dynamic ones.
    pub random_order: bool,
    /// Trials per point.
    pub trials: String,
    /// The seed the trials' seeds come from.
    pub seed: String,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            range: "30000-32767".to_owned(),
            dynamic: String::new(),
            port: String::new(),
            second_port: String::new(),
            random_order: false,
            trials: "10000".to_owned(),
            seed: "0".to_owned(),
        }
    }
}

/// A field of the form, to point an error at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// The range.
    Range,
    /// The dynamic Services.
    Dynamic,
    /// The first static port.
    Port,
    /// The second static port.
    SecondPort,
    /// The trials.
    Trials,
    /// The seed.
    Seed,
}

/// What the module's `Simulation` takes (`portband simulate`'s flags).
#[derive(Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Options {
    #[serde(skip_serializing_if = "Option::is_none")]
    range: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dynamic: Option<Dynamic>,
    #[serde(skip_serializing_if = "Option::is_none")]
    static_ports: Option<Vec<u16>>,
    order: &'static str,
    trials: u32,
    /// A JavaScript number, as the module reads it (it says when a seed is too large).
    seed: f64,
    mode: &'static str,
}

/// `dynamic`: a number, or a sweep as the CLI writes it.
#[derive(Debug, PartialEq, Serialize)]
#[serde(untagged)]
enum Dynamic {
    One(u32),
    Sweep(String),
}

/// A whole number of type `T` typed in `field`, or why not.
fn whole<T>(text: &str, field: Field, what: &str) -> Result<T, (Field, String)>
where
    T: std::str::FromStr<Err = std::num::ParseIntError>,
{
    let text = text.trim();
    text.parse().map_err(|e: std::num::ParseIntError| {
        let why = match e.kind() {
            std::num::IntErrorKind::PosOverflow => format!("{what}: {text} is too large"),
            _ => format!("{what}: expected a whole number, not \"{text}\""),
        };
        (field, why)
    })
}

impl Params {
    /// The options for the engine, or the first field that does not read: the range as
    /// kube-apiserver reads it, a number where one is needed (the engine checks the rest, and
    /// says why in `portband simulate`'s words).
    pub fn options(&self) -> Result<Options, (Field, String)> {
        let range = PortRange::parse_flag(self.range.trim())
            .map_err(|e| (Field::Range, format!("Range: {e}")))?;
        let dynamic = match self.dynamic.trim() {
            "" => None,
            sweep if sweep.contains("..") => Some(Dynamic::Sweep(sweep.to_owned())),
            one => Some(Dynamic::One(whole(
                one,
                Field::Dynamic,
                "Dynamic Services",
            )?)),
        };
        let mut ports = Vec::new();
        for (text, field, what) in [
            (&self.port, Field::Port, "Static port"),
            (&self.second_port, Field::SecondPort, "Second static port"),
        ] {
            if !text.trim().is_empty() {
                ports.push(whole(text, field, what)?);
            }
        }
        // A second port alone still comes with the first: the range's first port, the CLI's
        // default.
        if self.port.trim().is_empty() && !ports.is_empty() {
            ports.insert(0, range.base());
        }
        Ok(Options {
            range: Some(self.range.trim().to_owned()).filter(|r| !r.is_empty()),
            dynamic,
            static_ports: (!ports.is_empty()).then_some(ports),
            order: if self.random_order {
                "random"
            } else {
                "dynamic-first"
            },
            trials: whole(&self.trials, Field::Trials, "Trials")?,
            seed: whole::<u64>(&self.seed, Field::Seed, "Seed")? as f64,
            mode: "both",
        })
    }

    /// The parameters as an address's fragment (without `#`): those that differ from the
    /// defaults, as `name=value` pairs.
    pub fn fragment(&self) -> String {
        let default = Params::default();
        let order = if self.random_order { "random" } else { "" };
        [
            ("range", self.range.as_str(), default.range.as_str()),
            ("dynamic", &self.dynamic, ""),
            ("port", &self.port, ""),
            ("second", &self.second_port, ""),
            ("order", order, ""),
            ("trials", &self.trials, &default.trials),
            ("seed", &self.seed, &default.seed),
        ]
        .iter()
        .filter(|(_, value, default)| value.trim() != *default)
        .map(|(name, value, _)| format!("{name}={}", encode(value.trim())))
        .collect::<Vec<_>>()
        .join("&")
    }

    /// The parameters a fragment gives (the defaults for what it leaves out), or why it cannot
    /// be read.
    pub fn from_fragment(fragment: &str) -> Result<Params, String> {
        let mut params = Params::default();
        for part in fragment.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = part.split_once('=').unwrap_or((part, ""));
            let value = decode(value)
                .ok_or_else(|| format!("the value of {name} is not percent-encoded text"))?;
            match name {
                "range" => params.range = value,
                "dynamic" => params.dynamic = value,
                "port" => params.port = value,
                "second" => params.second_port = value,
                "order" if value == "random" => params.random_order = true,
                "order" if value == "dynamic-first" => params.random_order = false,
                "order" => {
                    return Err(format!(
                        "order is \"{value}\": expected random or dynamic-first"
                    ))
                }
                "trials" => params.trials = value,
                "seed" => params.seed = value,
                _ => return Err(format!("it has {name}, which the lab does not know")),
            }
        }
        Ok(params)
    }
}

/// What a fragment's value keeps as it is: letters, digits and `-._~:,` (a range, a sweep).
const KEPT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b':')
    .remove(b',');

fn encode(value: &str) -> String {
    utf8_percent_encode(value, KEPT).to_string()
}

/// `value` percent-decoded, if it is percent-encoded UTF-8.
fn decode(value: &str) -> Option<String> {
    percent_decode_str(value)
        .decode_utf8()
        .ok()
        .map(|text| text.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_the_clis_and_leave_the_fragment_empty() {
        let params = Params::default();
        assert_eq!(params.fragment(), "");
        let options = params.options().unwrap();
        assert_eq!(options.dynamic, None);
        assert_eq!(options.static_ports, None);
        assert_eq!(
            (options.order, options.trials, options.seed),
            ("dynamic-first", 10_000, 0.0)
        );
    }

    #[test]
    fn options_take_a_number_or_a_sweep_and_point_at_a_field_that_is_not_a_number() {
        let params = Params {
            dynamic: " 2600..2768:8 ".into(),
            port: "30000".into(),
            second_port: "30009".into(),
            random_order: true,
            ..Params::default()
        };
        let options = params.options().unwrap();
        assert_eq!(options.dynamic, Some(Dynamic::Sweep("2600..2768:8".into())));
        assert_eq!(options.static_ports, Some(vec![30000, 30009]));
        assert_eq!(options.order, "random");
        let one = Params {
            dynamic: "12".into(),
            ..Params::default()
        };
        assert_eq!(one.options().unwrap().dynamic, Some(Dynamic::One(12)));
        let bad = Params {
            second_port: "300o9".into(),
            ..Params::default()
        };
        assert_eq!(
            bad.options(),
            Err((
                Field::SecondPort,
                "Second static port: expected a whole number, not \"300o9\"".into()
            ))
        );
        let bad = Params {
            range: "30000-".into(),
            ..Params::default()
        };
        let (field, why) = bad.options().unwrap_err();
        assert_eq!(field, Field::Range);
        // The range's error is kube-apiserver's (the engine's own reading of it).
        assert_eq!(why, "Range: strconv.Atoi: parsing \"\": invalid syntax");
        let bad = Params {
            trials: "".into(),
            ..Params::default()
        };
        assert_eq!(bad.options().unwrap_err().0, Field::Trials);
        let bad = Params {
            port: "70000".into(),
            ..Params::default()
        };
        assert_eq!(
            bad.options(),
            Err((Field::Port, "Static port: 70000 is too large".into()))
        );
    }

    #[test]
    fn the_fragment_reads_back_and_a_bad_one_says_why() {
        let params = Params {
            range: "30000-30127".into(),
            dynamic: "0..128:4".into(),
            port: "30009".into(),
            second_port: "30100".into(),
            random_order: true,
            trials: "2000".into(),
            seed: "7".into(),
        };
        let fragment = params.fragment();
        assert_eq!(
            fragment,
            "range=30000-30127&dynamic=0..128:4&port=30009&second=30100&order=random&trials=2000&seed=7"
        );
        assert_eq!(Params::from_fragment(&fragment), Ok(params));
        let odd = Params {
            range: "30000+ 5".into(),
            ..Params::default()
        };
        assert_eq!(odd.fragment(), "range=30000%2B%205");
        assert_eq!(Params::from_fragment(&odd.fragment()), Ok(odd));
        assert_eq!(
            Params::from_fragment("trials=10&colour=red"),
            Err("it has colour, which the lab does not know".into())
        );
        assert_eq!(
            Params::from_fragment("range=%E0%A4"),
            Err("the value of range is not percent-encoded text".into())
        );
        assert!(Params::from_fragment("order=sideways").is_err());
    }
}
