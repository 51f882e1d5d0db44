//! Small conversions from SDK values to the JSON the AWS CLI prints.

use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use pillar_model::PolicyDocument;
use serde_json::Value;

/// An optional string; `null` (dropped on write) when absent.
pub(crate) fn s(v: Option<&str>) -> Value {
    v.map_or(Value::Null, |s| Value::String(s.to_owned()))
}

/// A timestamp in ISO 8601 (`2026-11-01T10:00:00Z`), as the CLI prints it.
pub(crate) fn time(t: Option<&DateTime>) -> Value {
    t.and_then(|t| t.fmt(Format::DateTime).ok())
        .map_or(Value::Null, Value::String)
}

/// A list of strings.
pub(crate) fn strings(list: &[String]) -> Value {
    Value::Array(list.iter().cloned().map(Value::String).collect())
}

/// A policy document as the CLI prints it for IAM: the service returns it
/// URL-encoded; the CLI decodes it and prints the JSON object. Text that is
/// not a JSON document is kept as text, so the loader reports it.
pub(crate) fn policy_document(text: Option<&str>) -> Value {
    match text {
        None => Value::Null,
        Some(t) => match PolicyDocument::from_text(t) {
            Ok(doc) if doc.0.is_object() => doc.0,
            _ => Value::String(t.to_owned()),
        },
    }
}

/// An optional integer.
pub(crate) fn int(v: Option<i32>) -> Value {
    v.map_or(Value::Null, Value::from)
}

/// An optional boolean.
pub(crate) fn boolean(v: Option<bool>) -> Value {
    v.map_or(Value::Null, Value::Bool)
}

/// `{"Key": …, "Value": …}` tags (EC2 style) from key/value pairs.
pub(crate) fn tags<'a>(pairs: impl Iterator<Item = (Option<&'a str>, Option<&'a str>)>) -> Value {
    Value::Array(
        pairs
            .map(|(k, v)| serde_json::json!({"Key": s(k), "Value": s(v)}))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn timestamps_are_iso_8601_and_read_back() {
        let t = DateTime::from_secs(1_793_527_200);
        let v = time(Some(&t));
        assert_eq!(v, json!("2026-11-01T10:00:00Z"));
        let parsed = crate::snapshot::parse_time(v.as_str().unwrap_or_default());
        assert_eq!(parsed.map(|p| p.timestamp()), Some(1_793_527_200));
        let frac = DateTime::from_fractional_secs(1_793_527_200, 0.5);
        assert_eq!(time(Some(&frac)), json!("2026-11-01T10:00:00.5Z"));
        assert_eq!(time(None), Value::Null);
    }

    #[test]
    fn iam_policy_documents_are_decoded_to_objects() {
        // What IAM returns: the document URL-encoded.
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";
        assert_eq!(
            policy_document(Some(encoded)),
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
        );
        // Plain JSON text (some services) is read as is.
        assert_eq!(
            policy_document(Some(r#"{"Statement": []}"#)),
            json!({"Statement": []})
        );
        // Not a document: kept as text for the loader to report.
        assert_eq!(policy_document(Some("%7Bnope")), json!("%7Bnope"));
        assert_eq!(policy_document(None), Value::Null);
    }

    #[test]
    fn tags_keep_key_and_value() {
        let v = tags([(Some("Name"), Some("web")), (Some("empty"), None)].into_iter());
        assert_eq!(
            v,
            json!([{"Key": "Name", "Value": "web"}, {"Key": "empty", "Value": null}])
        );
    }
}
