//! Structural checks of a candidate secret, for formats that have one.
//!
//! A candidate that fails its check is kept at low confidence: it has the
//! shape of the credential but not its structure (a made-up or mangled value).

use base64::Engine as _;
use serde::Deserialize;

/// A structural check named by a rule's `validate:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Validator {
    /// AWS access key id: 20 characters, upper-case letters and digits, with
    /// a credential prefix (`AKIA` long-term, `ASIA` temporary; IAM User
    /// Guide, "Unique identifiers").
    AwsAccessKeyId,
    /// GitHub token (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`): 30 random
    /// characters then a 6-character base62 CRC32 of them (GitHub blog,
    /// "Behind GitHub's new authentication token formats", 2021).
    GithubToken,
    /// JSON Web Token: three base64url parts whose header decodes to a JSON
    /// object naming `alg` (RFC 7519, RFC 7515).
    Jwt,
    /// A whole PEM private key encoded once more in base64 (Kubernetes
    /// secrets, JSON configs): the decoded text starts a `-----BEGIN …
    /// PRIVATE KEY-----` block (RFC 7468 label, RFC 4648 base64).
    Base64PrivateKey,
    /// HTTP Basic credentials: base64 of `user-id:password`, printable,
    /// both parts non-empty (RFC 7617).
    BasicAuth,
}

impl Validator {
    /// Whether `secret` has the structure of this format.
    pub fn check(self, secret: &[u8]) -> bool {
        match self {
            Validator::AwsAccessKeyId => aws_access_key_id(secret),
            Validator::GithubToken => github_token(secret),
            Validator::Jwt => jwt(secret),
            Validator::Base64PrivateKey => base64_private_key(secret),
            Validator::BasicAuth => basic_auth(secret),
        }
    }
}

/// Prefixes of AWS credentials (IAM User Guide, "Unique identifiers":
/// AKIA access key, ASIA temporary STS key, ABIA STS service bearer token,
/// ACCA context-specific credential).
const AWS_KEY_PREFIXES: [&[u8]; 4] = [b"AKIA", b"ASIA", b"ABIA", b"ACCA"];

fn aws_access_key_id(s: &[u8]) -> bool {
    s.len() == 20
        && AWS_KEY_PREFIXES.iter().any(|p| s.starts_with(p))
        && s.iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320).
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            let mask = (crc & 1).wrapping_neg();
            crc = (crc >> 1) ^ (0xEDB8_8320 & mask);
        }
    }
    !crc
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `n` in base 62, left-padded with `0` to `width` characters.
fn base62(mut n: u32, width: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(width);
    while n > 0 {
        out.push(BASE62.get((n % 62) as usize).copied().unwrap_or(b'0'));
        n /= 62;
    }
    while out.len() < width {
        out.push(b'0');
    }
    out.reverse();
    out
}

fn github_token(s: &[u8]) -> bool {
    // prefix `ghX_`, 30 random characters, 6 checksum characters.
    let Some(rest) = s.get(4..) else {
        return false;
    };
    if rest.len() != 36 {
        return false;
    }
    let (random, check) = rest.split_at(30);
    base62(crc32(random), 6) == check
}

fn base64_private_key(s: &[u8]) -> bool {
    // Decode whole 4-character groups from the start; the match may end
    // anywhere in the blob.
    let head = s.get(..(s.len() / 4 * 4).min(96)).unwrap_or_default();
    let Ok(text) = base64::engine::general_purpose::STANDARD.decode(head) else {
        return false;
    };
    text.starts_with(b"-----BEGIN ") && memchr::memmem::find(&text, b"PRIVATE KEY-----").is_some()
}

fn basic_auth(s: &[u8]) -> bool {
    let Ok(text) = base64::engine::general_purpose::STANDARD.decode(s) else {
        return false;
    };
    let printable = text.iter().all(|b| (0x20..0x7f).contains(b));
    let Some(colon) = memchr::memchr(b':', &text) else {
        return false;
    };
    printable && colon > 0 && colon + 1 < text.len()
}

fn jwt(s: &[u8]) -> bool {
    let mut parts = s.split(|&b| b == b'.');
    let (Some(header), Some(payload), Some(_sig)) = (parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let Ok(h) = engine.decode(header) else {
        return false;
    };
    let Ok(p) = engine.decode(payload) else {
        return false;
    };
    let is_object =
        |v: &[u8]| serde_json::from_slice::<serde_json::Value>(v).is_ok_and(|v| v.is_object());
    is_object(&h) && is_object(&p) && memchr::memmem::find(&h, b"\"alg\"").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_known_value() {
        // The standard check value of CRC-32/ISO-HDLC.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn base62_pads() {
        assert_eq!(base62(0, 6), b"000000");
        assert_eq!(base62(61, 3), b"00z");
        assert_eq!(base62(62, 3), b"010");
    }

    #[test]
    fn aws_key_ids() {
        assert!(aws_access_key_id(b"AKIAIOSFODNN7EXAMPLE"));
        assert!(!aws_access_key_id(b"AKIAIOSFODNN7EXAMPL"));
        assert!(!aws_access_key_id(b"AKIAiosfodnn7EXAMPLE"));
        assert!(!aws_access_key_id(b"AGPAIOSFODNN7EXAMPLE"));
    }

    #[test]
    fn github_checksum_round_trip() {
        let random = b"abcdefghijklmnopqrstuvwxyz0123";
        let mut token = b"ghp_".to_vec();
        token.extend_from_slice(random);
        token.extend(base62(crc32(random), 6));
        assert!(github_token(&token));
        if let Some(last) = token.last_mut() {
            *last = if *last == b'A' { b'B' } else { b'A' };
        }
        assert!(!github_token(&token));
    }

    #[test]
    fn jwt_structure() {
        // {"alg":"HS256","typ":"JWT"} . {"sub":"1"} . sig
        assert!(jwt(
            b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
        ));
        assert!(!jwt(b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIi.c2ln"));
        assert!(!jwt(b"abc.def"));
    }
}
