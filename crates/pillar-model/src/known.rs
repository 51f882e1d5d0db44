//! `Known<T>`: a value a source may not know.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value that is either known, or unknown with the reason why
/// (not collected, an unresolved Terraform variable, a computed attribute…).
///
/// Serialised as the plain value when known, and as
/// `{"$unknown": "reason"}` when unknown. A missing field deserialises as
/// unknown ("not collected").
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Known<T> {
    /// The source knows the value.
    Known(T),
    /// The source cannot know the value; the string says why.
    Unknown(String),
}

impl<T> Default for Known<T> {
    fn default() -> Self {
        Known::Unknown("not collected".to_owned())
    }
}

impl<T> From<T> for Known<T> {
    fn from(value: T) -> Self {
        Known::Known(value)
    }
}

impl<T> Known<T> {
    /// An unknown value with a reason.
    pub fn unknown(reason: impl Into<String>) -> Self {
        Known::Unknown(reason.into())
    }

    /// The value, if known.
    pub fn get(&self) -> Option<&T> {
        match self {
            Known::Known(v) => Some(v),
            Known::Unknown(_) => None,
        }
    }

    /// Whether the value is known.
    pub fn is_known(&self) -> bool {
        matches!(self, Known::Known(_))
    }

    /// The reason the value is unknown, if it is.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Known::Known(_) => None,
            Known::Unknown(r) => Some(r),
        }
    }

    /// Borrow the inner value.
    pub fn as_ref(&self) -> Known<&T> {
        match self {
            Known::Known(v) => Known::Known(v),
            Known::Unknown(r) => Known::Unknown(r.clone()),
        }
    }

    /// Map a known value.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Known<U> {
        match self {
            Known::Known(v) => Known::Known(f(v)),
            Known::Unknown(r) => Known::Unknown(r),
        }
    }

    /// Chain a computation that may itself be unknown.
    pub fn and_then<U>(self, f: impl FnOnce(T) -> Known<U>) -> Known<U> {
        match self {
            Known::Known(v) => f(v),
            Known::Unknown(r) => Known::Unknown(r),
        }
    }

    /// Convert into an `Option`, dropping the reason.
    pub fn into_option(self) -> Option<T> {
        match self {
            Known::Known(v) => Some(v),
            Known::Unknown(_) => None,
        }
    }
}

impl<T: Serialize> Serialize for Known<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Known::Known(v) => v.serialize(serializer),
            Known::Unknown(reason) => {
                use serde::ser::SerializeMap;
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("$unknown", reason)?;
                map.end()
            }
        }
    }
}

/// `{"$unknown": "reason"}` and nothing else. Deserialised by hand so that
/// only a map matches: a derived struct would also accept a one-element
/// sequence, turning a known `["0.0.0.0/0"]` into an unknown.
struct UnknownRepr {
    unknown: String,
}

impl<'de> Deserialize<'de> for UnknownRepr {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = UnknownRepr;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a map {\"$unknown\": reason}")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<UnknownRepr, A::Error> {
                let mut unknown = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key != "$unknown" || unknown.is_some() {
                        return Err(serde::de::Error::custom("not an unknown marker"));
                    }
                    unknown = Some(map.next_value::<String>()?);
                }
                unknown
                    .map(|unknown| UnknownRepr { unknown })
                    .ok_or_else(|| serde::de::Error::custom("not an unknown marker"))
            }
        }
        deserializer.deserialize_map(V)
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Repr<T> {
    Unknown(UnknownRepr),
    Known(T),
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Known<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Repr::<T>::deserialize(deserializer)? {
            Repr::Unknown(u) => Known::Unknown(u.unknown),
            Repr::Known(v) => Known::Known(v),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let k: Known<Option<u32>> = Known::Known(Some(3));
        let s = serde_json::to_string(&k).unwrap();
        assert_eq!(s, "3");
        let u: Known<u32> = Known::unknown("var.port");
        let s = serde_json::to_string(&u).unwrap();
        assert_eq!(s, r#"{"$unknown":"var.port"}"#);
        let back: Known<u32> = serde_json::from_str(&s).unwrap();
        assert_eq!(back, u);
        let none: Known<Option<u32>> = serde_json::from_str("null").unwrap();
        assert_eq!(none, Known::Known(None));
    }

    #[test]
    fn one_element_list_is_known() {
        let k: Known<Vec<String>> = serde_json::from_str(r#"["0.0.0.0/0"]"#).unwrap();
        assert_eq!(k, Known::Known(vec!["0.0.0.0/0".to_owned()]));
        let m: Known<std::collections::BTreeMap<String, String>> =
            serde_json::from_str(r#"{"$unknown": "x", "B": "y"}"#).unwrap();
        assert!(m.is_known());
    }

    #[test]
    fn missing_field_is_unknown() {
        #[derive(Deserialize)]
        struct S {
            #[serde(default)]
            v: Known<bool>,
        }
        let s: S = serde_json::from_str("{}").unwrap();
        assert!(!s.v.is_known());
    }
}
