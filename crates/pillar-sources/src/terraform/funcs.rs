//! The Terraform functions pillar evaluates. Others evaluate to unknown.

use super::eval::Module;
use super::value::V;
use base64::Engine;
use std::collections::BTreeMap;

/// Largest file `file()` reads.
const MAX_FILE: u64 = 4 * 1024 * 1024;

/// Call a function by name.
pub fn call(name: &str, args: Vec<V>, module: &Module) -> V {
    // Functions that look inside values decide themselves about unknowns;
    // the rest are unknown as soon as an argument is.
    let tolerant = matches!(
        name,
        "coalesce" | "lookup" | "merge" | "concat" | "length" | "tolist" | "toset" | "jsonencode"
    );
    if !tolerant {
        if let Some(why) = args.iter().find_map(V::unknown_reason) {
            return V::unknown(why);
        }
    }
    match call_known(name, &args, module) {
        Ok(v) => v,
        Err(why) => V::Unknown(why),
    }
}

fn arg(args: &[V], i: usize) -> Result<&V, String> {
    args.get(i)
        .ok_or_else(|| "missing function argument".to_owned())
}

fn text(args: &[V], i: usize) -> Result<String, String> {
    arg(args, i)?.to_text()
}

fn num(args: &[V], i: usize) -> Result<f64, String> {
    arg(args, i)?.to_num()
}

fn call_known(name: &str, args: &[V], module: &Module) -> Result<V, String> {
    Ok(match name {
        "jsonencode" => {
            // Unknown parts are written as `${unknown: …}` strings, so a
            // policy with a computed ARN still shows its actions.
            let j = arg(args, 0)?.to_json_lenient();
            V::Str(serde_json::to_string(&j).map_err(|e| e.to_string())?)
        }
        "jsondecode" => {
            let s = text(args, 0)?;
            let j: serde_json::Value =
                serde_json::from_str(&s).map_err(|e| format!("jsondecode: {e}"))?;
            V::from_json(&j)
        }
        "merge" => {
            let mut out = BTreeMap::new();
            for a in args {
                match a {
                    V::Map(m) => out.extend(m.clone()),
                    V::Null => {}
                    V::Unknown(r) => return Err(r.clone()),
                    other => return Err(format!("merge of {}", other.short())),
                }
            }
            V::Map(out)
        }
        "concat" => {
            let mut out = Vec::new();
            for a in args {
                out.extend(a.elements()?);
            }
            V::List(out)
        }
        "flatten" => {
            fn flat(v: &V, out: &mut Vec<V>) {
                match v {
                    V::List(l) => l.iter().for_each(|x| flat(x, out)),
                    other => out.push(other.clone()),
                }
            }
            let mut out = Vec::new();
            flat(arg(args, 0)?, &mut out);
            V::List(out)
        }
        "lookup" => {
            let m = arg(args, 0)?;
            let k = text(args, 1)?;
            match m {
                V::Map(mm) => match mm.get(&k) {
                    Some(v) => v.clone(),
                    None => args
                        .get(2)
                        .cloned()
                        .ok_or_else(|| format!("lookup: key {k:?} not found"))?,
                },
                V::Unknown(r) => return Err(r.clone()),
                other => return Err(format!("lookup in {}", other.short())),
            }
        }
        "format" => V::Str(format(&text(args, 0)?, args.get(1..).unwrap_or_default())?),
        "join" => {
            let sep = text(args, 0)?;
            let mut parts = Vec::new();
            for a in args.get(1..).unwrap_or_default() {
                for x in a.elements()? {
                    parts.push(x.to_text()?);
                }
            }
            V::Str(parts.join(&sep))
        }
        "split" => {
            let sep = text(args, 0)?;
            let s = text(args, 1)?;
            if sep.is_empty() {
                return Err("split: empty separator".to_owned());
            }
            V::List(
                s.split(sep.as_str())
                    .map(|x| V::Str(x.to_owned()))
                    .collect(),
            )
        }
        "toset" | "distinct" => {
            let mut out: Vec<V> = Vec::new();
            for x in arg(args, 0)?.elements()? {
                if !out.contains(&x) {
                    out.push(x);
                }
            }
            if name == "toset" {
                out.sort_by_key(|a| a.to_text().ok());
            }
            V::List(out)
        }
        "tolist" => V::List(arg(args, 0)?.elements()?),
        "tomap" => match arg(args, 0)? {
            m @ V::Map(_) => m.clone(),
            other => return Err(format!("tomap of {}", other.short())),
        },
        "tostring" => V::Str(text(args, 0)?),
        "tonumber" => V::Num(num(args, 0)?),
        "tobool" => V::Bool(arg(args, 0)?.to_bool()?),
        "length" => match arg(args, 0)? {
            V::Str(s) => V::Num(s.chars().count() as f64),
            V::List(l) => V::Num(l.len() as f64),
            V::Map(m) => V::Num(m.len() as f64),
            V::Unknown(r) => return Err(r.clone()),
            other => return Err(format!("length of {}", other.short())),
        },
        "element" => {
            let l = arg(args, 0)?.elements()?;
            let i = num(args, 1)?;
            if l.is_empty() {
                return Err("element of an empty list".to_owned());
            }
            let idx = (i.max(0.0) as usize) % l.len();
            l.get(idx).cloned().unwrap_or(V::Null)
        }
        "coalesce" => args
            .iter()
            .find(|a| !matches!(a, V::Null) && a.as_str() != Some(""))
            .cloned()
            .ok_or_else(|| "coalesce: no non-empty argument".to_owned())?,
        "coalescelist" => args
            .iter()
            .find(|a| matches!(a, V::List(l) if !l.is_empty()))
            .cloned()
            .unwrap_or(V::List(Vec::new())),
        "compact" => V::List(
            arg(args, 0)?
                .elements()?
                .into_iter()
                .filter(|x| !matches!(x, V::Null) && x.as_str() != Some(""))
                .collect(),
        ),
        "contains" => {
            let l = arg(args, 0)?.elements()?;
            V::Bool(l.contains(arg(args, 1)?))
        }
        "keys" => match arg(args, 0)? {
            V::Map(m) => V::List(m.keys().map(|k| V::Str(k.clone())).collect()),
            other => return Err(format!("keys of {}", other.short())),
        },
        "values" => V::List(arg(args, 0)?.elements()?),
        "zipmap" => {
            let ks = arg(args, 0)?.elements()?;
            let vs = arg(args, 1)?.elements()?;
            let mut m = BTreeMap::new();
            for (k, v) in ks.iter().zip(vs) {
                m.insert(k.to_text()?, v);
            }
            V::Map(m)
        }
        "one" => {
            let l = arg(args, 0)?.elements()?;
            match l.as_slice() {
                [] => V::Null,
                [x] => x.clone(),
                _ => return Err("one: more than one element".to_owned()),
            }
        }
        "slice" => {
            let l = arg(args, 0)?.elements()?;
            let (a, b) = (num(args, 1)? as usize, num(args, 2)? as usize);
            V::List(l.get(a..b).map(<[V]>::to_vec).unwrap_or_default())
        }
        "reverse" => {
            let mut l = arg(args, 0)?.elements()?;
            l.reverse();
            V::List(l)
        }
        "sort" => {
            let mut l: Vec<String> = arg(args, 0)?
                .elements()?
                .iter()
                .map(V::to_text)
                .collect::<Result<_, _>>()?;
            l.sort();
            V::List(l.into_iter().map(V::Str).collect())
        }
        "range" => {
            let (start, end, step) = match args.len() {
                1 => (0.0, num(args, 0)?, 1.0),
                2 => (num(args, 0)?, num(args, 1)?, 1.0),
                _ => (num(args, 0)?, num(args, 1)?, num(args, 2)?),
            };
            if step == 0.0 {
                return Err("range: step 0".to_owned());
            }
            let mut out = Vec::new();
            let mut x = start;
            while ((step > 0.0 && x < end) || (step < 0.0 && x > end)) && out.len() < 10_000 {
                out.push(V::Num(x));
                x += step;
            }
            V::List(out)
        }
        "lower" => V::Str(text(args, 0)?.to_lowercase()),
        "upper" => V::Str(text(args, 0)?.to_uppercase()),
        "title" => V::Str(text(args, 0)?),
        "trimspace" => V::Str(text(args, 0)?.trim().to_owned()),
        "trim" => {
            let cut: Vec<char> = text(args, 1)?.chars().collect();
            V::Str(text(args, 0)?.trim_matches(cut.as_slice()).to_owned())
        }
        "trimprefix" => {
            let s = text(args, 0)?;
            let p = text(args, 1)?;
            V::Str(s.strip_prefix(p.as_str()).unwrap_or(&s).to_owned())
        }
        "trimsuffix" => {
            let s = text(args, 0)?;
            let p = text(args, 1)?;
            V::Str(s.strip_suffix(p.as_str()).unwrap_or(&s).to_owned())
        }
        "startswith" => V::Bool(text(args, 0)?.starts_with(text(args, 1)?.as_str())),
        "endswith" => V::Bool(text(args, 0)?.ends_with(text(args, 1)?.as_str())),
        "replace" => {
            let (s, from, to) = (text(args, 0)?, text(args, 1)?, text(args, 2)?);
            if from.starts_with('/') && from.ends_with('/') && from.len() > 1 {
                return Err("replace with a regular expression is not evaluated".to_owned());
            }
            V::Str(s.replace(from.as_str(), &to))
        }
        "substr" => {
            let s = text(args, 0)?;
            let off = num(args, 1)?.max(0.0) as usize;
            let len = num(args, 2)?;
            let chars = s.chars().skip(off);
            V::Str(if len < 0.0 {
                chars.collect()
            } else {
                chars.take(len as usize).collect()
            })
        }
        "min" | "max" => {
            let ns: Vec<f64> = args.iter().map(V::to_num).collect::<Result<_, _>>()?;
            let f = if name == "min" { f64::min } else { f64::max };
            V::Num(
                ns.into_iter()
                    .reduce(f)
                    .ok_or_else(|| format!("{name}: no argument"))?,
            )
        }
        "abs" => V::Num(num(args, 0)?.abs()),
        "ceil" => V::Num(num(args, 0)?.ceil()),
        "floor" => V::Num(num(args, 0)?.floor()),
        "base64encode" => V::Str(base64::engine::general_purpose::STANDARD.encode(text(args, 0)?)),
        "base64decode" => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text(args, 0)?.trim())
                .map_err(|e| format!("base64decode: {e}"))?;
            V::Str(String::from_utf8_lossy(&bytes).into_owned())
        }
        "file" => {
            let rel = text(args, 0)?;
            let path = module.dir.join(rel.replace("${path.module}", "."));
            let meta =
                std::fs::metadata(&path).map_err(|_| format!("file({rel}) cannot be read"))?;
            if meta.len() > MAX_FILE {
                return Err(format!("file({rel}) is too large"));
            }
            V::Str(
                std::fs::read_to_string(&path)
                    .map_err(|_| format!("file({rel}) cannot be read"))?,
            )
        }
        "cidrsubnet" => V::Str(cidrsubnet(&text(args, 0)?, num(args, 1)?, num(args, 2)?)?),
        other => return Err(format!("function {other}() is not evaluated")),
    })
}

/// `format` with `%s`, `%d`, `%v`, `%q`, `%%`.
fn format(spec: &str, args: &[V]) -> Result<String, String> {
    let mut out = String::new();
    let mut it = spec.chars().peekable();
    let mut next = args.iter();
    while let Some(c) = it.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('%') => out.push('%'),
            Some('s') | Some('v') | Some('d') => {
                let v = next.next().ok_or("format: too few arguments")?;
                out.push_str(&v.to_text()?);
            }
            Some('q') => {
                let v = next.next().ok_or("format: too few arguments")?;
                out.push_str(&format!("{:?}", v.to_text()?));
            }
            _ => return Err("format verb is not evaluated".to_owned()),
        }
    }
    Ok(out)
}

/// IPv4 `cidrsubnet(prefix, newbits, netnum)`.
fn cidrsubnet(prefix: &str, newbits: f64, netnum: f64) -> Result<String, String> {
    let (ip, len) = prefix.split_once('/').ok_or("cidrsubnet: not a CIDR")?;
    let ip: std::net::Ipv4Addr = ip
        .parse()
        .map_err(|_| "cidrsubnet: IPv6 is not evaluated")?;
    let len: u32 = len.parse().map_err(|_| "cidrsubnet: bad prefix length")?;
    let new_len = len + newbits as u32;
    if new_len > 32 || newbits < 0.0 || netnum < 0.0 {
        return Err("cidrsubnet: out of range".to_owned());
    }
    let base = u32::from(ip) & (u32::MAX.checked_shl(32 - len).unwrap_or(0));
    let shift = 32 - new_len;
    let net = (netnum as u32).checked_shl(shift).unwrap_or(0);
    Ok(format!(
        "{}/{new_len}",
        std::net::Ipv4Addr::from(base | net)
    ))
}

/// The `json` of an `aws_iam_policy_document` data source.
pub fn policy_document(m: &BTreeMap<String, V>) -> V {
    let mut base: serde_json::Map<String, serde_json::Value> = serde_json::Map::new();
    for key in ["source_policy_documents", "source_json"] {
        if let Some(v) = m.get(key) {
            let docs = match v {
                V::List(l) => l.clone(),
                other => vec![other.clone()],
            };
            for d in docs {
                match d.as_str().map(serde_json::from_str::<serde_json::Value>) {
                    Some(Ok(serde_json::Value::Object(o))) => {
                        if let Some(serde_json::Value::Array(st)) = o.get("Statement") {
                            let e = base
                                .entry("Statement")
                                .or_insert_with(|| serde_json::Value::Array(Vec::new()));
                            if let serde_json::Value::Array(a) = e {
                                a.extend(st.iter().cloned());
                            }
                        }
                    }
                    _ => return V::unknown("a source policy document is unknown"),
                }
            }
        }
    }
    base.insert("Version".to_owned(), "2012-10-17".into());
    let mut statements = match base.remove("Statement") {
        Some(serde_json::Value::Array(a)) => a,
        _ => Vec::new(),
    };
    if let Some(V::List(sts)) = m.get("statement") {
        for st in sts {
            statements.push(statement(st));
        }
    }
    base.insert("Statement".to_owned(), serde_json::Value::Array(statements));
    match serde_json::to_string(&serde_json::Value::Object(base)) {
        Ok(s) => V::Str(s),
        Err(e) => V::Unknown(e.to_string()),
    }
}

fn statement(st: &V) -> serde_json::Value {
    use serde_json::{json, Value};
    let mut o = serde_json::Map::new();
    let get = |k: &str| st.get(k).cloned().unwrap_or(V::Null);
    if let V::Str(s) = get("sid") {
        o.insert("Sid".into(), s.into());
    }
    let effect = get("effect")
        .to_text()
        .unwrap_or_else(|_| "Allow".to_owned());
    o.insert(
        "Effect".into(),
        if effect.is_empty() {
            "Allow".into()
        } else {
            effect.into()
        },
    );
    for (k, out) in [
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ] {
        let v = get(k);
        if !matches!(v, V::Null) {
            o.insert(out.into(), v.to_json_lenient());
        }
    }
    for (k, out) in [
        ("principals", "Principal"),
        ("not_principals", "NotPrincipal"),
    ] {
        if let V::List(ps) = get(k) {
            let mut pm = serde_json::Map::new();
            for p in ps {
                let kind = p
                    .get("type")
                    .and_then(|t| t.to_text().ok())
                    .unwrap_or_default();
                let ids = p.get("identifiers").map_or(Value::Null, V::to_json_lenient);
                if kind == "*" {
                    pm.clear();
                    o.insert(out.into(), "*".into());
                    break;
                }
                pm.insert(kind, ids);
            }
            if !pm.is_empty() {
                o.insert(out.into(), Value::Object(pm));
            }
        }
    }
    if let V::List(cs) = get("condition") {
        let mut cm = serde_json::Map::new();
        for c in cs {
            let test = c
                .get("test")
                .and_then(|t| t.to_text().ok())
                .unwrap_or_default();
            let var = c
                .get("variable")
                .and_then(|t| t.to_text().ok())
                .unwrap_or_default();
            let vals = c.get("values").map_or(Value::Null, V::to_json_lenient);
            let e = cm.entry(test).or_insert_with(|| json!({}));
            if let Value::Object(inner) = e {
                inner.insert(var, vals);
            }
        }
        o.insert("Condition".into(), Value::Object(cm));
    }
    Value::Object(o)
}
