//! An event as the matcher sees it: a JSON object whose top-level fields
//! stay as raw text until a rule asks for them, then become a borrowed
//! value ([`Val`]) whose strings point into the input. Most rules look at
//! three or four fields, so most of an event is only scanned, never built,
//! and nothing is copied unless the JSON text escapes it.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::value::RawValue;
use serde_json::{Number, Value};
use std::borrow::Cow;
use std::cell::OnceCell;
use std::fmt;

/// A JSON value borrowing its strings from the input where it can.
#[derive(Debug, Clone, PartialEq)]
pub enum Val<'a> {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number.
    Num(Number),
    /// A string.
    Str(Cow<'a, str>),
    /// An array.
    Arr(Vec<Val<'a>>),
    /// An object, keys in input order.
    Obj(Vec<(Cow<'a, str>, Val<'a>)>),
}

impl<'a> Val<'a> {
    /// A member of an object (the last duplicate wins, as serde_json does).
    pub fn get(&self, key: &str) -> Option<&Val<'a>> {
        match self {
            Val::Obj(m) => m.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, when this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Val::Null)
    }

    /// Borrow a parsed `serde_json` value.
    pub fn from_json(v: &'a Value) -> Self {
        match v {
            Value::Null => Val::Null,
            Value::Bool(b) => Val::Bool(*b),
            Value::Number(n) => Val::Num(n.clone()),
            Value::String(s) => Val::Str(Cow::Borrowed(s)),
            Value::Array(items) => Val::Arr(items.iter().map(Val::from_json).collect()),
            Value::Object(m) => Val::Obj(
                m.iter()
                    .map(|(k, v)| (Cow::Borrowed(k.as_str()), Val::from_json(v)))
                    .collect(),
            ),
        }
    }

    /// Compact JSON text, as `serde_json` writes it.
    pub fn to_json_text(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl Serialize for Val<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Val::Null => s.serialize_unit(),
            Val::Bool(b) => s.serialize_bool(*b),
            Val::Num(n) => n.serialize(s),
            Val::Str(t) => s.serialize_str(t),
            Val::Arr(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for i in items {
                    seq.serialize_element(i)?;
                }
                seq.end()
            }
            Val::Obj(m) => {
                let mut map = s.serialize_map(Some(m.len()))?;
                for (k, v) in m {
                    map.serialize_entry(k.as_ref(), v)?;
                }
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Val<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Val<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_unit<E>(self) -> Result<Val<'de>, E> {
                Ok(Val::Null)
            }
            fn visit_none<E>(self) -> Result<Val<'de>, E> {
                Ok(Val::Null)
            }
            fn visit_bool<E>(self, b: bool) -> Result<Val<'de>, E> {
                Ok(Val::Bool(b))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Val<'de>, E> {
                Ok(Val::Num(n.into()))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Val<'de>, E> {
                Ok(Val::Num(n.into()))
            }
            fn visit_f64<E>(self, n: f64) -> Result<Val<'de>, E> {
                Ok(Number::from_f64(n).map_or(Val::Null, Val::Num))
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Val<'de>, E> {
                Ok(Val::Str(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Val<'de>, E> {
                Ok(Val::Str(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E>(self, s: String) -> Result<Val<'de>, E> {
                Ok(Val::Str(Cow::Owned(s)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Val<'de>, A::Error> {
                let mut items = Vec::with_capacity(a.size_hint().unwrap_or(0).min(64));
                while let Some(v) = a.next_element::<Val<'de>>()? {
                    items.push(v);
                }
                Ok(Val::Arr(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Val<'de>, A::Error> {
                let mut items = Vec::with_capacity(m.size_hint().unwrap_or(0).min(64));
                while let Some((k, v)) = m.next_entry::<Key<'de>, Val<'de>>()? {
                    items.push((k.0, v));
                }
                Ok(Val::Obj(items))
            }
        }
        d.deserialize_any(V)
    }
}

/// One event.
#[derive(Debug)]
pub enum Event<'a> {
    /// Already parsed (a rule's examples, a test).
    Value(Val<'a>),
    /// Top-level fields as raw JSON, parsed on first use.
    Lazy(LazyObject<'a>),
}

/// A JSON object whose values are parsed on demand.
#[derive(Debug, Default)]
pub struct LazyObject<'a> {
    entries: Vec<(Cow<'a, str>, &'a RawValue, OnceCell<Val<'a>>)>,
    /// For the well-known CloudTrail fields: 1 + their entry index.
    slots: [u8; KNOWN.len()],
    /// Whether a key holds a dot (a flattened event).
    dotted: bool,
}

/// Top-level CloudTrail fields found without a search.
pub const KNOWN: [&str; 16] = [
    "eventName",
    "eventSource",
    "eventTime",
    "userIdentity",
    "requestParameters",
    "responseElements",
    "errorCode",
    "errorMessage",
    "eventType",
    "userAgent",
    "sourceIPAddress",
    "awsRegion",
    "recipientAccountId",
    "additionalEventData",
    "serviceEventDetails",
    "readOnly",
];

/// The slot of a well-known field.
pub fn slot_of(key: &str) -> Option<usize> {
    Some(match key {
        "eventName" => 0,
        "eventSource" => 1,
        "eventTime" => 2,
        "userIdentity" => 3,
        "requestParameters" => 4,
        "responseElements" => 5,
        "errorCode" => 6,
        "errorMessage" => 7,
        "eventType" => 8,
        "userAgent" => 9,
        "sourceIPAddress" => 10,
        "awsRegion" => 11,
        "recipientAccountId" => 12,
        "additionalEventData" => 13,
        "serviceEventDetails" => 14,
        "readOnly" => 15,
        _ => return None,
    })
}

impl<'a> Event<'a> {
    /// Borrow a parsed value.
    pub fn from_value(v: &'a Value) -> Self {
        Event::Value(Val::from_json(v))
    }

    /// Parse one JSON object lazily. Invalid JSON is an error.
    pub fn parse(text: &'a str) -> Result<Self, serde_json::Error> {
        serde_json::from_str::<LazyObject<'a>>(text).map(Event::Lazy)
    }

    /// A lazily parsed event from a raw JSON object.
    pub fn from_raw(raw: &'a RawValue) -> Result<Self, serde_json::Error> {
        Self::parse(raw.get())
    }

    /// A top-level field (`null` counts as absent for callers).
    pub fn get(&self, key: &str) -> Option<&Val<'a>> {
        self.get_known(slot_of(key), key)
    }

    /// A top-level field whose [`slot_of`] the caller computed once.
    pub fn get_known(&self, slot: Option<usize>, key: &str) -> Option<&Val<'a>> {
        match self {
            Event::Value(v) => v.get(key),
            Event::Lazy(o) => {
                let (_, raw, cell) = match slot.filter(|_| o.entries.len() < 255) {
                    Some(s) => {
                        let i = usize::from(*o.slots.get(s)?).checked_sub(1)?;
                        o.entries.get(i)?
                    }
                    // The last duplicate wins, as when parsing into a map.
                    None => o.entries.iter().rev().find(|(k, _, _)| k == key)?,
                };
                Some(cell.get_or_init(|| parse_raw(raw)))
            }
        }
    }

    /// Whether some top-level key holds a dot (so a dotted field name may
    /// name a top-level key as written).
    pub fn has_dotted_keys(&self) -> bool {
        match self {
            Event::Value(Val::Obj(m)) => m.iter().any(|(k, _)| k.contains('.')),
            Event::Value(_) => false,
            Event::Lazy(o) => o.dotted,
        }
    }

    /// A top-level string field, without building anything when the
    /// raw text has no escapes.
    pub fn get_str(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Val::as_str)
    }

    /// Every top-level value.
    pub fn values(&self) -> Vec<&Val<'a>> {
        match self {
            Event::Value(Val::Obj(m)) => m.iter().map(|(_, v)| v).collect(),
            Event::Value(_) => Vec::new(),
            Event::Lazy(o) => o
                .entries
                .iter()
                .map(|(_, raw, cell)| cell.get_or_init(|| parse_raw(raw)))
                .collect(),
        }
    }

    /// The raw text of a top-level field, for a `Records` wrapper.
    pub fn raw(&self, key: &str) -> Option<&'a RawValue> {
        match self {
            Event::Value(_) => None,
            Event::Lazy(o) => o
                .entries
                .iter()
                .rev()
                .find(|(k, _, _)| k == key)
                .map(|(_, r, _)| *r),
        }
    }

    /// The whole event as a `serde_json` value (tests, small tools).
    pub fn to_value(&self) -> Value {
        match self {
            Event::Value(v) => serde_json::to_value(v).unwrap_or(Value::Null),
            Event::Lazy(o) => Value::Object(
                o.entries
                    .iter()
                    .map(|(k, raw, _)| {
                        (
                            k.to_string(),
                            serde_json::from_str(raw.get()).unwrap_or(Value::Null),
                        )
                    })
                    .collect(),
            ),
        }
    }

    /// Whether this is a `Records` wrapper rather than an event.
    pub fn is_records_wrapper(&self) -> bool {
        match self {
            Event::Value(v) => {
                v.get("eventName").is_none() && matches!(v.get("Records"), Some(Val::Arr(_)))
            }
            Event::Lazy(_) => {
                self.raw("eventName").is_none()
                    && self
                        .raw("Records")
                        .is_some_and(|r| r.get().starts_with('['))
            }
        }
    }
}

fn parse_raw<'a>(raw: &'a RawValue) -> Val<'a> {
    let t = raw.get();
    // The common case: a string without escapes.
    if let Some(inner) = t.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
        if !inner.contains('\\') {
            return Val::Str(Cow::Borrowed(inner));
        }
    }
    serde_json::from_str(t).unwrap_or(Val::Null)
}

/// The raw records of a CloudTrail delivery document: the items of a
/// top-level array, of `Records`, or the object itself.
pub fn raw_records(text: &str) -> Result<Vec<&RawValue>, serde_json::Error> {
    if text.trim_start().starts_with('[') {
        return serde_json::from_str(text);
    }
    let ev = Event::parse(text)?;
    match ev.raw("Records") {
        Some(r) if ev.raw("eventName").is_none() => serde_json::from_str(r.get()),
        _ => serde_json::from_str::<&RawValue>(text).map(|r| vec![r]),
    }
}

struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E: serde::de::Error>(self, s: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s)))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Deserialize<'de> for LazyObject<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LazyObject<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<LazyObject<'de>, A::Error> {
                let mut entries = Vec::with_capacity(24);
                let mut slots = [0u8; KNOWN.len()];
                let mut dotted = false;
                while let Some((k, v)) = m.next_entry::<Key<'de>, &'de RawValue>()? {
                    match slot_of(&k.0) {
                        Some(s) => {
                            // Past 254 keys, lookups search (see `get_known`).
                            if let (Some(x), Ok(i)) =
                                (slots.get_mut(s), u8::try_from(entries.len() + 1))
                            {
                                *x = i;
                            }
                        }
                        None => dotted |= k.0.contains('.'),
                    }
                    entries.push((k.0, v, OnceCell::new()));
                }
                Ok(LazyObject {
                    entries,
                    slots,
                    dotted,
                })
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_and_duplicates() {
        let e = Event::parse(r#"{"eventName": "a", "x.y": 1, "eventName": "b"}"#).unwrap();
        assert_eq!(e.get_str("eventName"), Some("b"));
        assert!(e.has_dotted_keys());
        let mut big = String::from("{");
        for i in 0..300 {
            big.push_str(&format!("\"k{i}\": {i}, "));
        }
        big.push_str("\"eventName\": \"z\"}");
        let e = Event::parse(&big).unwrap();
        assert_eq!(e.get_str("eventName"), Some("z"));
        assert!(!e.has_dotted_keys());
    }

    #[test]
    fn lazy_fields() {
        let text = r#"{"a": {"b": 1}, "c\u0041": "x", "n": null, "e": "q\"z"}"#;
        let e = Event::parse(text).unwrap();
        assert_eq!(
            e.get("a"),
            Some(&Val::Obj(vec![(Cow::Borrowed("b"), Val::Num(1.into()))]))
        );
        assert_eq!(e.get_str("cA"), Some("x"));
        assert_eq!(e.get("n"), Some(&Val::Null));
        assert_eq!(e.get_str("e"), Some("q\"z"));
        assert_eq!(e.get("zz"), None);
        assert_eq!(e.values().len(), 4);
        assert!(Event::parse("[1]").is_err());
        assert!(Event::parse("{\"a\": }").is_err());
    }

    #[test]
    fn json_text_matches_serde_json() {
        let text = r#"{"b":[1,-2,2.5,true,null],"a":{"x":"é\"\n"},"c":1e3}"#;
        let v: Value = serde_json::from_str(text).unwrap();
        let b: Val<'_> = serde_json::from_str(text).unwrap();
        assert_eq!(b.to_json_text(), v.to_string());
        assert_eq!(Val::from_json(&v), b);
    }

    #[test]
    fn records() {
        assert_eq!(
            raw_records(r#"{"Records":[{"a":1},{"b":2}]}"#)
                .unwrap()
                .len(),
            2
        );
        assert_eq!(raw_records(r#"[{"a":1}]"#).unwrap().len(), 1);
        assert_eq!(raw_records(r#"{"eventName":"x"}"#).unwrap().len(), 1);
        assert!(raw_records(r#"{"Records":[{"a":1}"#).is_err());
    }
}
