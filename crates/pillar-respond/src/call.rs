//! One AWS API call, as planned, printed, applied and logged.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::fmt;

/// An AWS API call: service, operation (the API's own name) and its
/// parameters (the API's own parameter names).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Call {
    /// Service prefix as in IAM actions: `iam`, `ec2`, `s3`, `autoscaling`, `elasticloadbalancing`.
    pub service: String,
    /// Operation, e.g. `UpdateAccessKey`.
    pub operation: String,
    /// Parameters, named as in the API reference.
    pub params: Value,
    /// Whether the call changes the account (reads are `false`).
    pub mutating: bool,
    /// Why the call is made, or when it is made (static plans).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Call {
    /// A read call.
    pub fn read(service: &str, operation: &str, params: Value) -> Call {
        Call {
            service: service.to_owned(),
            operation: operation.to_owned(),
            params,
            mutating: false,
            note: None,
        }
    }

    /// A call that changes the account.
    pub fn write(service: &str, operation: &str, params: Value) -> Call {
        Call {
            service: service.to_owned(),
            operation: operation.to_owned(),
            params,
            mutating: true,
            note: None,
        }
    }

    /// The same call with a note.
    pub fn note(mut self, note: impl Into<String>) -> Call {
        self.note = Some(note.into());
        self
    }

    /// `service:Operation`.
    pub fn name(&self) -> String {
        format!("{}:{}", self.service, self.operation)
    }
}

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.service, self.operation)?;
        if let Value::Object(m) = &self.params {
            for (k, v) in m {
                match v {
                    Value::String(s) => write!(f, " {k}={s}")?,
                    other => write!(f, " {k}={other}")?,
                }
            }
        }
        if let Some(n) = &self.note {
            write!(f, "  ({n})")?;
        }
        Ok(())
    }
}
