//! Terraform plan JSON (`terraform show -json plan.out`) and state JSON
//! (`terraform show -json`): the planned values are exact, so they map
//! straight into the model. Values Terraform knows only after apply are
//! absent from the plan and stay unknown or absent, as in HCL.

use super::eval::ADDR_KEY;
use super::map::{map_plan, PlanResource};
use super::value::V;
use crate::{LoadOptions, Loaded};
use pillar_model::Skipped;
use serde_json::Value;
use std::io::Read;
use std::path::Path;

/// Whether a `.json` file looks like a plan or state from `terraform show -json`.
pub fn is_plan_path(path: &Path) -> bool {
    if path.extension().is_none_or(|e| e != "json") {
        return false;
    }
    let Ok(f) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = Vec::new();
    if f.take(64 * 1024).read_to_end(&mut head).is_err() {
        return false;
    }
    let text = String::from_utf8_lossy(&head);
    text.contains("\"format_version\"")
        && (text.contains("\"planned_values\"") || text.contains("\"terraform_version\""))
        && text.contains("root_module")
}

fn collect(module: &Value, out: &mut Vec<PlanResource>) {
    for r in module
        .get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if r.get("mode").and_then(Value::as_str) != Some("managed") {
            continue;
        }
        let (Some(address), Some(kind)) = (
            r.get("address").and_then(Value::as_str),
            r.get("type").and_then(Value::as_str),
        ) else {
            continue;
        };
        let mut values = r.get("values").map_or(V::Null, V::from_json);
        if let V::Map(m) = &mut values {
            m.insert(ADDR_KEY.to_owned(), V::Str(address.to_owned()));
            m.entry("id".to_owned())
                .or_insert_with(|| V::Str(address.to_owned()));
            m.entry("arn".to_owned())
                .or_insert_with(|| V::Str(address.to_owned()));
        }
        out.push(PlanResource {
            address: address.to_owned(),
            kind: kind.to_owned(),
            values,
        });
    }
    for child in module
        .get("child_modules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        collect(child, out);
    }
}

/// Load a plan or state JSON file.
pub fn load_plan(path: &Path, opts: &LoadOptions) -> Loaded {
    let mut loaded = Loaded::default();
    let display = path.display().to_string();
    let bytes = match std::fs::metadata(path) {
        Ok(m) if m.len() > opts.max_file_bytes => {
            loaded.skipped.push(Skipped::new(
                display,
                format!(
                    "larger than the {} MiB limit",
                    opts.max_file_bytes / (1024 * 1024)
                ),
            ));
            return loaded;
        }
        Ok(_) => match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                loaded
                    .skipped
                    .push(Skipped::new(display, format!("cannot read: {e}")));
                return loaded;
            }
        },
        Err(e) => {
            loaded
                .skipped
                .push(Skipped::new(display, format!("cannot read: {e}")));
            return loaded;
        }
    };
    let doc: Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(e) => {
            let line = u32::try_from(e.line()).ok();
            let col = u32::try_from(e.column()).ok();
            loaded
                .skipped
                .push(Skipped::new(display, format!("invalid plan JSON: {e}")).at(line, col));
            return loaded;
        }
    };
    let root = doc
        .get("planned_values")
        .or_else(|| doc.get("values"))
        .and_then(|v| v.get("root_module"));
    let Some(root) = root else {
        loaded.skipped.push(Skipped::new(
            display,
            "no planned_values or values in this plan JSON",
        ));
        return loaded;
    };
    let mut items = Vec::new();
    collect(root, &mut items);
    let region = doc
        .pointer("/configuration/provider_config/aws/expressions/region/constant_value")
        .and_then(Value::as_str);
    map_plan(&items, &display, region, &mut loaded.inventory);
    loaded.files_read += 1;
    loaded.sources.push(format!("terraform plan {display}"));
    loaded
}
