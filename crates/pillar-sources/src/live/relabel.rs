//! After a live scan's snapshot is loaded: say `aws`, not `snapshot`, and
//! leave no temporary path anywhere. A live resource has no file and line;
//! its identity is its ARN, so its location is dropped (SARIF then gives a
//! logical location). Skipped entries name the API call instead.

use super::Summary;
use crate::Loaded;
use pillar_model::Inventory;
use serde_json::Value;
use std::path::Path;

/// `us-east-1/ec2-describe-flow-logs.json` → `aws us-east-1: ec2
/// describe-flow-logs`; `s3api-get-bucket-policy/b.json` → `aws: s3api
/// get-bucket-policy b`.
pub(crate) fn call_name(file: &str) -> String {
    let parts: Vec<&str> = file.split('/').filter(|p| !p.is_empty()).collect();
    let (region, rest) = match parts.split_first() {
        Some((first, rest)) if crate::snapshot::is_region_name(first) => (Some(*first), rest),
        _ => (None, parts.as_slice()),
    };
    let strip = |s: &str| s.strip_suffix(".json").unwrap_or(s).to_owned();
    let (call, resource) = match rest {
        [file] => (strip(file), None),
        [dir, file] => ((*dir).to_owned(), Some(strip(file))),
        _ => (rest.join("/"), None),
    };
    let call = match call.split_once('-') {
        Some((service, op)) => format!("{service} {op}"),
        None => call,
    };
    let mut out = match region {
        Some(r) => format!("aws {r}: {call}"),
        None => format!("aws: {call}"),
    };
    if let Some(r) = resource {
        out.push(' ');
        out.push_str(&r);
    }
    out
}

/// Mark every resource reference as coming from the live account and drop
/// locations inside the temporary folder, over the serialised inventory so
/// that nested references are reached too.
fn walk(v: &mut Value, tmp: &str) {
    match v {
        Value::Object(map) => {
            // `location`, and the locations of parts (`policy_location`).
            for (key, value) in map.iter_mut() {
                let in_tmp = (key == "location" || key.ends_with("_location"))
                    && value
                        .get("file")
                        .and_then(Value::as_str)
                        .is_some_and(|f| f.starts_with(tmp));
                if in_tmp {
                    *value = Value::Null;
                }
            }
            let is_ref = map.contains_key("kind")
                && map.contains_key("id")
                && map.get("source").and_then(Value::as_str) == Some("snapshot");
            if is_ref {
                map.insert("source".to_owned(), Value::String("aws".to_owned()));
            }
            for child in map.values_mut() {
                walk(child, tmp);
            }
        }
        Value::Array(list) => {
            for child in list {
                walk(child, tmp);
            }
        }
        _ => {}
    }
}

fn relabel_inventory(inventory: &mut Inventory, tmp: &str) -> Result<(), serde_json::Error> {
    let mut v = serde_json::to_value(&*inventory)?;
    walk(&mut v, tmp);
    *inventory = serde_json::from_value(v)?;
    Ok(())
}

/// The path relative to the temporary root, when it is inside it.
fn relative<'a>(path: &'a str, tmp: &str) -> Option<&'a str> {
    path.strip_prefix(tmp)
        .map(|rest| rest.trim_start_matches(['/', '\\']))
}

pub(crate) fn relabel(loaded: &mut Loaded, tmp_root: &Path, summary: &Summary) {
    let tmp = tmp_root.display().to_string();
    if let Err(e) = relabel_inventory(&mut loaded.inventory, &tmp) {
        // The model round-trips through JSON (tested); should it ever not,
        // say so rather than show temporary paths.
        loaded.skipped.push(pillar_model::Skipped::new(
            "aws",
            format!("cannot mark the live inventory as such: {e}"),
        ));
    }
    for s in &mut loaded.skipped {
        if let Some(rel) = relative(&s.path, &tmp) {
            s.path = call_name(rel);
            // A line in a file the user never sees means nothing.
            s.line = None;
            s.column = None;
        }
    }
    let account = summary.account_id.as_deref().unwrap_or("(unknown account)");
    loaded.sources = vec![format!(
        "aws account {account} ({})",
        summary.regions.join(", ")
    )];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_are_named_like_cli_commands() {
        assert_eq!(
            call_name("us-east-1/ec2-describe-flow-logs.json"),
            "aws us-east-1: ec2 describe-flow-logs"
        );
        assert_eq!(
            call_name("s3api-get-bucket-policy/my-bucket.json"),
            "aws: s3api get-bucket-policy my-bucket"
        );
        assert_eq!(
            call_name("eu-west-1/kms-get-key-policy/1234.json"),
            "aws eu-west-1: kms get-key-policy 1234"
        );
        assert_eq!(
            call_name("sts-get-caller-identity.json"),
            "aws: sts get-caller-identity"
        );
    }

    #[test]
    fn the_demo_inventory_round_trips_and_is_relabelled() {
        let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/demo/snapshot");
        let mut loaded = crate::snapshot::load(&demo, &crate::LoadOptions::default());
        assert!(!loaded.inventory.security_groups.is_empty());
        // The model is unchanged through JSON: relabelling loses nothing.
        let v = serde_json::to_value(&loaded.inventory).unwrap_or_default();
        let back: Inventory = serde_json::from_value(v).unwrap_or_default();
        assert_eq!(back, loaded.inventory);
        // With the demo folder as the "temporary" root: locations go,
        // references say `aws`.
        let root = demo.display().to_string();
        relabel_inventory(&mut loaded.inventory, &root).unwrap_or_default();
        let inv = &loaded.inventory;
        assert!(inv.security_groups.iter().all(|g| g.location.is_none()));
        assert!(inv.users.iter().all(|u| u.location.is_none()));
        assert!(inv
            .security_groups
            .iter()
            .all(|g| g.resource.source == Some(pillar_model::SourceKind::Aws)));
        assert_eq!(inv.users.len(), back.users.len());
        let text = serde_json::to_string(inv).unwrap_or_default();
        assert!(!text.contains(&root), "no temporary path is left");
        assert!(!text.contains("\"source\":\"snapshot\""));
    }
}
