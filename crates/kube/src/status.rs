//! Field errors and API errors, formatted as the apiserver formats its Status messages.

use crate::yaml::Pos;
use portband_allocator::gofmt::Quoted;
use std::fmt;

/// The kinds of field error validation reports (`field.ErrorType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorType {
    /// `Required value`.
    Required,
    /// `Forbidden`.
    Forbidden,
    /// `Invalid value`.
    Invalid,
    /// `Duplicate value`.
    Duplicate,
    /// `Unsupported value`.
    NotSupported,
    /// `Too long` (the value is never printed).
    TooLong,
}

impl ErrorType {
    fn as_str(self) -> &'static str {
        match self {
            ErrorType::Required => "Required value",
            ErrorType::Forbidden => "Forbidden",
            ErrorType::Invalid => "Invalid value",
            ErrorType::Duplicate => "Duplicate value",
            ErrorType::NotSupported => "Unsupported value",
            ErrorType::TooLong => "Too long",
        }
    }
}

/// The offending value of a field error, printed as Go's validation package prints it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BadValue {
    /// No value is printed (Required, Forbidden).
    None,
    /// A number, printed bare.
    Int(i64),
    /// A string, printed quoted.
    Str(String),
    /// A struct or a list, already printed as the release prints it (Go syntax before 1.34, JSON
    /// from 1.34: [`KubeVersion::prints_values_as_json`](crate::KubeVersion::prints_values_as_json)).
    Printed(String),
}

/// One cause of an Invalid error: a field path, what is wrong, and where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The field path, e.g. `spec.ports[0].nodePort`.
    pub field: String,
    /// The kind of error.
    pub kind: ErrorType,
    /// The offending value.
    pub value: BadValue,
    /// The explanation after the value.
    pub detail: String,
    /// Where the field is in the manifest, when known.
    pub pos: Option<Pos>,
}

impl FieldError {
    /// A field error with no position.
    pub fn new(
        field: impl Into<String>,
        kind: ErrorType,
        value: BadValue,
        detail: impl Into<String>,
    ) -> Self {
        FieldError {
            field: field.into(),
            kind,
            value,
            detail: detail.into(),
            pos: None,
        }
    }

    /// The same error, placed at `pos`.
    pub fn at(mut self, pos: Option<Pos>) -> Self {
        self.pos = pos;
        self
    }

    /// `Unsupported value: "<v>": supported values: "A", "B"`.
    pub fn not_supported(field: impl Into<String>, value: &str, supported: &[&str]) -> Self {
        let quoted: Vec<String> = supported.iter().map(|v| Quoted(v).to_string()).collect();
        FieldError::new(
            field,
            ErrorType::NotSupported,
            BadValue::Str(value.to_owned()),
            format!("supported values: {}", quoted.join(", ")),
        )
    }

    /// The error without its field path (upstream `ErrorBody`).
    pub fn body(&self) -> String {
        let mut body = self.kind.as_str().to_owned();
        if !matches!(
            self.kind,
            ErrorType::Required | ErrorType::Forbidden | ErrorType::TooLong
        ) {
            match &self.value {
                BadValue::None => {}
                BadValue::Int(v) => body += &format!(": {v}"),
                BadValue::Str(s) => body += &format!(": {}", Quoted(s)),
                BadValue::Printed(s) => body += &format!(": {s}"),
            }
        }
        if !self.detail.is_empty() {
            body += ": ";
            body += &self.detail;
        }
        body
    }
}

impl fmt::Display for FieldError {
    /// `<field>: <body>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.body())
    }
}

/// Why the apiserver refused a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// 422 Invalid: one or more field errors.
    Invalid {
        /// The Service's name.
        name: String,
        /// The causes, in the order validation found them.
        causes: Vec<FieldError>,
    },
    /// 500 InternalError: `Internal error occurred: <message>`.
    Internal {
        /// The wrapped message.
        message: String,
    },
    /// 500 with a plain message (an error that was not a Status, e.g. `duplicate nodePort: {TCP 30080}`).
    Unknown {
        /// The message.
        message: String,
    },
    /// 400 BadRequest: the object could not be decoded.
    BadRequest {
        /// The message.
        message: String,
        /// Where the offending value is.
        pos: Pos,
    },
    /// 404 NotFound: `services "<name>" not found`.
    NotFound {
        /// The Service's name.
        name: String,
    },
    /// 409 AlreadyExists: `services "<name>" already exists`.
    AlreadyExists {
        /// The Service's name.
        name: String,
    },
    /// Not from the server: kubectl refused to send the object (`error: …`).
    Kubectl {
        /// kubectl's message.
        message: String,
    },
}

impl ApiError {
    /// The HTTP status code; `None` for a refusal of kubectl's, which never reached the server.
    pub fn code(&self) -> Option<u16> {
        Some(match self {
            ApiError::Invalid { .. } => 422,
            ApiError::Internal { .. } | ApiError::Unknown { .. } => 500,
            ApiError::BadRequest { .. } => 400,
            ApiError::NotFound { .. } => 404,
            ApiError::AlreadyExists { .. } => 409,
            ApiError::Kubectl { .. } => return None,
        })
    }

    /// The Status reason, as kubectl prints it in `Error from server (<reason>)`; empty for Unknown.
    pub fn reason(&self) -> &'static str {
        match self {
            ApiError::Invalid { .. } => "Invalid",
            ApiError::Internal { .. } => "InternalError",
            ApiError::Unknown { .. } => "",
            ApiError::BadRequest { .. } => "BadRequest",
            ApiError::NotFound { .. } => "NotFound",
            ApiError::AlreadyExists { .. } => "AlreadyExists",
            ApiError::Kubectl { .. } => "",
        }
    }

    /// Where in the manifest the error points, when known.
    pub fn pos(&self) -> Option<Pos> {
        match self {
            ApiError::Invalid { causes, .. } => causes.iter().find_map(|c| c.pos),
            ApiError::BadRequest { pos, .. } => Some(*pos),
            _ => None,
        }
    }
}

impl fmt::Display for ApiError {
    /// The Status message, exactly as the apiserver sets it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Invalid { name, causes } => {
                write!(f, "Service {} is invalid", Quoted(name))?;
                // Duplicate messages are dropped; several are wrapped in brackets (upstream ToAggregate).
                let mut messages: Vec<String> = Vec::with_capacity(causes.len());
                for cause in causes {
                    let message = cause.to_string();
                    if !messages.contains(&message) {
                        messages.push(message);
                    }
                }
                match messages.as_slice() {
                    [] => Ok(()),
                    [one] => write!(f, ": {one}"),
                    many => write!(f, ": [{}]", many.join(", ")),
                }
            }
            ApiError::Internal { message } => write!(f, "Internal error occurred: {message}"),
            ApiError::Unknown { message }
            | ApiError::BadRequest { message, .. }
            | ApiError::Kubectl { message } => f.write_str(message),
            ApiError::NotFound { name } => write!(f, "services {} not found", Quoted(name)),
            ApiError::AlreadyExists { name } => {
                write!(f, "services {} already exists", Quoted(name))
            }
        }
    }
}

impl std::error::Error for ApiError {}
