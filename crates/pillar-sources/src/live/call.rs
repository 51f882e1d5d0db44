//! One API call → one snapshot file: the answer as the AWS CLI prints it,
//! or the collector's error form `{"Error": {"Code", "Message"}}`.
//!
//! Every call goes through [`Ctx::call`], which bounds concurrency, reports
//! progress and records failures, so no failed call can pass unnoticed.

use super::{FailedCall, Progress};
use crate::snapshot::ABSENT_CODES;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use serde_json::{json, Value};
use std::future::Future;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

/// Messages longer than this are cut (some services return whole pages).
const MAX_MESSAGE: usize = 500;

/// What every collecting task shares.
pub(crate) struct Ctx {
    root: PathBuf,
    permits: Semaphore,
    progress: Arc<dyn Progress>,
    calls: AtomicUsize,
    failed: Mutex<Vec<FailedCall>>,
    write_errors: Mutex<Vec<String>>,
}

/// Code and message of a failed call, as the collector script records them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub code: String,
    pub message: String,
}

/// Turn an SDK error into the code and message the AWS CLI would show.
/// Errors that never reached the service (time-out, connection, missing
/// credentials) get codes of their own so the reason is never lost.
pub(crate) fn api_error<E>(err: &SdkError<E, HttpResponse>) -> ApiError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let (code, message) = match err {
        SdkError::ServiceError(se) => {
            let e = se.err();
            let status = se.raw().status().as_u16();
            // No code: an answer the SDK could not read. A success status
            // with an unreadable body is not a success.
            let code = match e.code() {
                Some(c) => c.to_owned(),
                None if (200..300).contains(&status) => "UnreadableResponse".to_owned(),
                None => format!("HttpStatus{status}"),
            };
            // Without a message (an answer the SDK could not read), the
            // error chain says why.
            let message = e.message().map_or_else(
                || format!("HTTP status {status}: {}", DisplayErrorContext(err)),
                str::to_owned,
            );
            (code, message)
        }
        SdkError::TimeoutError(_) => (
            "RequestTimeout".to_owned(),
            "the call did not complete within the time-out".to_owned(),
        ),
        SdkError::DispatchFailure(d) => {
            let code = if d.is_timeout() {
                "RequestTimeout"
            } else {
                "ConnectionError"
            };
            (code.to_owned(), DisplayErrorContext(err).to_string())
        }
        SdkError::ResponseError(_) => (
            "ResponseError".to_owned(),
            DisplayErrorContext(err).to_string(),
        ),
        SdkError::ConstructionFailure(_) => (
            "RequestNotSent".to_owned(),
            DisplayErrorContext(err).to_string(),
        ),
        _ => (
            "CollectorError".to_owned(),
            DisplayErrorContext(err).to_string(),
        ),
    };
    ApiError {
        code,
        message: shorten(&message),
    }
}

/// One line, at most [`MAX_MESSAGE`] characters.
fn shorten(message: &str) -> String {
    let line = message.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= MAX_MESSAGE {
        return line;
    }
    let mut cut: String = line.chars().take(MAX_MESSAGE).collect();
    cut.push('…');
    cut
}

/// The error form written in place of an answer.
pub(crate) fn error_json(e: &ApiError) -> Value {
    json!({"Error": {"Code": e.code, "Message": e.message}})
}

/// Drop `null` members of objects, recursively: the CLI leaves out what
/// the service did not return, and the loader reads absent, not null.
pub(crate) fn prune(v: Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, prune(v)))
                .collect(),
        ),
        Value::Array(list) => Value::Array(list.into_iter().map(prune).collect()),
        other => other,
    }
}

/// The per-resource file name for a resource name: `/` and `:` become `_`
/// (as `docs/snapshot-layout.md` says).
pub(crate) fn key(name: &str) -> String {
    crate::snapshot::file_key(name)
}

impl Ctx {
    pub fn new(root: &Path, concurrency: usize, progress: Arc<dyn Progress>) -> Ctx {
        Ctx {
            root: root.to_path_buf(),
            permits: Semaphore::new(concurrency.max(1)),
            progress,
            calls: AtomicUsize::new(0),
            failed: Mutex::new(Vec::new()),
            write_errors: Mutex::new(Vec::new()),
        }
    }

    /// Run one call (bounded by the shared permits), write its answer —
    /// `json` renders it as the CLI would — or its error to `file`
    /// (relative to the snapshot root), and give the answer back for the
    /// calls that depend on it.
    pub async fn call<T, E, F>(
        &self,
        file: &str,
        fut: F,
        render: impl FnOnce(&T) -> Value,
    ) -> Option<T>
    where
        F: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        match self.run(fut).await {
            Ok(v) => {
                self.write(file, &prune(render(&v)));
                Some(v)
            }
            Err(e) => {
                self.fail(file, e);
                None
            }
        }
    }

    /// Run a call bounded by the shared permits, counting it and reporting
    /// progress, without writing anything.
    pub async fn run<T, E, F>(&self, fut: F) -> Result<T, ApiError>
    where
        F: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        self.progress.call_started();
        self.calls.fetch_add(1, Ordering::Relaxed);
        let result = {
            // The semaphore is never closed, so acquiring cannot fail; if it
            // ever did, the call would just run without a permit.
            let _permit = self.permits.acquire().await.ok();
            fut.await
        };
        let result = result.map_err(|e| api_error(&e));
        let failed = result
            .as_ref()
            .err()
            .is_some_and(|e| !ABSENT_CODES.contains(&e.code.as_str()));
        self.progress.call_finished(failed);
        result
    }

    /// Record a failed call: its error file, and (unless the code means
    /// "not configured") a failure for the summary.
    pub fn fail(&self, file: &str, e: ApiError) {
        self.write(file, &error_json(&e));
        if !ABSENT_CODES.contains(&e.code.as_str()) {
            if let Ok(mut list) = self.failed.lock() {
                list.push(FailedCall {
                    file: file.to_owned(),
                    code: e.code,
                    message: e.message,
                });
            }
        }
    }

    /// Write a file of the snapshot (pretty JSON, as the CLI prints).
    pub fn write(&self, file: &str, value: &Value) {
        let path = self.root.join(file);
        let result = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| {
                // Streamed: a large answer is never held twice as text.
                let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
                serde_json::to_writer_pretty(&mut out, value).map_err(std::io::Error::other)?;
                out.write_all(b"\n")?;
                out.flush()
            });
        if let Err(e) = result {
            if let Ok(mut list) = self.write_errors.lock() {
                list.push(format!("cannot write {}: {e}", path.display()));
            }
        }
    }

    /// A collecting task stopped before its end (a bug): the collection
    /// must not pass as complete.
    pub fn task_failed(&self, why: &str) {
        if let Ok(mut list) = self.write_errors.lock() {
            list.push(format!("a collecting task stopped: {why}"));
        }
    }

    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::Relaxed)
    }

    pub fn take_failed(&self) -> Vec<FailedCall> {
        let mut list = self
            .failed
            .lock()
            .map(|mut l| std::mem::take(&mut *l))
            .unwrap_or_default();
        list.sort_by(|a, b| a.file.cmp(&b.file));
        list
    }

    pub fn take_write_errors(&self) -> Vec<String> {
        self.write_errors
            .lock()
            .map(|mut l| std::mem::take(&mut *l))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prune_drops_nulls_only() {
        let v = json!({"A": null, "B": [], "C": {"D": null, "E": 0}, "F": [{"G": null}]});
        assert_eq!(prune(v), json!({"B": [], "C": {"E": 0}, "F": [{}]}));
    }

    #[test]
    fn long_messages_are_one_short_line() {
        let long = format!("first\nsecond {}", "x".repeat(2000));
        let s = shorten(&long);
        assert!(s.starts_with("first second x"));
        assert!(!s.contains('\n'));
        assert_eq!(s.chars().count(), MAX_MESSAGE + 1);
    }

    fn response(status: u16) -> HttpResponse {
        let status = aws_smithy_runtime_api::http::StatusCode::try_from(status).unwrap();
        HttpResponse::new(status, aws_smithy_types::body::SdkBody::from(""))
    }

    type PwError =
        aws_sdk_iam::operation::get_account_password_policy::GetAccountPasswordPolicyError;

    #[test]
    fn service_errors_keep_their_code_and_message() {
        let meta = aws_smithy_types::error::ErrorMetadata::builder()
            .code("AccessDenied")
            .message("User: arn:aws:iam::1:user/x is not authorized")
            .build();
        let err: SdkError<PwError, HttpResponse> =
            SdkError::service_error(PwError::generic(meta), response(403));
        assert_eq!(
            api_error(&err),
            ApiError {
                code: "AccessDenied".to_owned(),
                message: "User: arn:aws:iam::1:user/x is not authorized".to_owned(),
            }
        );
    }

    #[test]
    fn errors_without_a_code_are_named_by_status_or_kind() {
        // An emulator that does not implement a service answers 500/404
        // with an HTML page: no code, so the status stands in.
        let meta = aws_smithy_types::error::ErrorMetadata::builder().build();
        let err: SdkError<PwError, HttpResponse> =
            SdkError::service_error(PwError::generic(meta), response(500));
        let e = api_error(&err);
        assert_eq!(e.code, "HttpStatus500");
        assert!(e.message.starts_with("HTTP status 500: "), "{}", e.message);
        // Time-outs and connection failures never look like an answer.
        let err: SdkError<PwError, HttpResponse> = SdkError::timeout_error("slow");
        assert_eq!(api_error(&err).code, "RequestTimeout");
        let err: SdkError<PwError, HttpResponse> = SdkError::construction_failure("no credentials");
        assert_eq!(api_error(&err).code, "RequestNotSent");
        assert!(!ABSENT_CODES.contains(&"HttpStatus500"));
    }

    #[test]
    fn error_form_matches_the_collector_script() {
        let e = ApiError {
            code: "AccessDenied".to_owned(),
            message: "no".to_owned(),
        };
        assert_eq!(
            error_json(&e),
            json!({"Error": {"Code": "AccessDenied", "Message": "no"}})
        );
    }
}
