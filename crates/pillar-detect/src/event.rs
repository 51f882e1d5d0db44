//! An event as the matcher sees it: either a parsed JSON value, or a JSON
//! Lines record whose top-level fields stay as raw text until a rule asks
//! for them. Most rules look at three or four fields, so most of an event
//! is only scanned, never built.

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::Value;
use std::borrow::Cow;
use std::cell::OnceCell;
use std::fmt;

/// One event.
#[derive(Debug)]
pub enum Event<'a> {
    /// Already parsed.
    Value(&'a Value),
    /// Top-level fields as raw JSON, parsed on first use.
    Lazy(LazyObject<'a>),
}

/// A JSON object whose values are parsed on demand.
#[derive(Debug, Default)]
pub struct LazyObject<'a> {
    entries: Vec<(Cow<'a, str>, &'a RawValue, OnceCell<Value>)>,
}

impl<'a> Event<'a> {
    /// Wrap a parsed value.
    pub fn from_value(v: &'a Value) -> Self {
        Event::Value(v)
    }

    /// Parse one JSON object lazily. Invalid JSON is an error.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice::<LazyObject<'a>>(bytes).map(Event::Lazy)
    }

    /// A top-level field (`null` counts as absent for callers).
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Event::Value(v) => v.get(key),
            Event::Lazy(o) => {
                // The last duplicate wins, as when parsing into a map.
                let (_, raw, cell) = o.entries.iter().rev().find(|(k, _, _)| k == key)?;
                Some(cell.get_or_init(|| serde_json::from_str(raw.get()).unwrap_or(Value::Null)))
            }
        }
    }

    /// Every top-level value.
    pub fn values(&self) -> Vec<&Value> {
        match self {
            Event::Value(Value::Object(m)) => m.values().collect(),
            Event::Value(_) => Vec::new(),
            Event::Lazy(o) => o
                .entries
                .iter()
                .filter_map(|(k, _, _)| self.get(k))
                .collect(),
        }
    }

    /// Whether this is a `Records` wrapper rather than an event.
    pub fn is_records_wrapper(&self) -> bool {
        self.get("eventName").is_none() && matches!(self.get("Records"), Some(Value::Array(_)))
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
                let mut entries = Vec::with_capacity(m.size_hint().unwrap_or(24));
                while let Some((k, v)) = m.next_entry::<Key<'de>, &'de RawValue>()? {
                    entries.push((k.0, v, OnceCell::new()));
                }
                Ok(LazyObject { entries })
            }
        }
        d.deserialize_map(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lazy_fields() {
        let text = br#"{"a": {"b": 1}, "c\u0041": "x", "n": null}"#;
        let e = Event::parse(text).unwrap();
        assert_eq!(e.get("a"), Some(&serde_json::json!({"b": 1})));
        assert_eq!(e.get("cA"), Some(&serde_json::json!("x")));
        assert_eq!(e.get("n"), Some(&Value::Null));
        assert_eq!(e.get("zz"), None);
        assert_eq!(e.values().len(), 3);
        assert!(Event::parse(b"[1]").is_err());
        assert!(Event::parse(b"{\"a\": }").is_err());
    }
}
