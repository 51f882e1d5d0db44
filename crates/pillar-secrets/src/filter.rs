//! False-positive filters: entropy, placeholders and references, example
//! values, inline suppressions.

/// Shannon entropy of `s` in bits per byte.
pub fn entropy(s: &[u8]) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in s {
        if let Some(c) = counts.get_mut(usize::from(b)) {
            *c += 1;
        }
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// Values that stand for a secret rather than being one (lower case, whole
/// value).
const PLACEHOLDER_VALUES: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "pwd",
    "secret",
    "token",
    "changeme",
    "change_me",
    "change-me",
    "changeit",
    "redacted",
    "removed",
    "hidden",
    "dummy",
    "sample",
    "example",
    "placeholder",
    "null",
    "none",
    "nil",
    "undefined",
    "true",
    "false",
    "empty",
    "string",
    "required",
    "optional",
    "default",
    "value",
    "foobar",
    "mypassword",
    "yourpassword",
    "your_password",
    "secretkey",
    "apikey",
    "api_key",
    "not-set",
    "notset",
    "todo",
    "fixme",
];

/// Substrings (lower case) of a reference to a secret kept elsewhere (the
/// fix, not the problem), a template, or a mask.
const REFERENCE_PARTS: &[&str] = &[
    "${",
    "://",
    "{{",
    "}}",
    "$(",
    "%(",
    "#{",
    "<%",
    "xxxx",
    "****",
    "....",
    "…",
    "getenv",
    "environ",
    "process.env",
    "env(",
    "env.",
    "secretsmanager",
    "resolve:ssm",
    "resolve:secretsmanager",
    "vault:",
    "ssm:",
    "keyvault",
];

/// Substrings (lower case) of a value that says it is a placeholder.
const PLACEHOLDER_PARTS: &[&str] = &[
    "changeme",
    "change_me",
    "change-me",
    "your_",
    "your-",
    "yourpass",
    "placeholder",
    "redacted",
    "_here",
    "insert",
    "replace",
    "dummy",
    "fake",
];

/// Substrings (lower case) of a letters-only value that names itself as a
/// secret rather than being one.
const SELF_NAMING_PARTS: &[&str] = &["secret", "password", "passwd", "passphrase"];

/// What kind of stand-in a value is, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placeholder {
    /// A value that may be a real secret.
    No,
    /// A whole value that is a stand-in word (`changeme`, `password`,
    /// `secret`): usually not a secret, but sometimes the one in use.
    Word,
    /// A reference or template (`${VAR}`, `<password>`, `getenv(…)`), a
    /// mask (`****`, one character repeated) or a value that says it is a
    /// placeholder (`your_token_here`): never a secret.
    Reference,
}

/// Whether a value is a placeholder word, a reference or a template.
pub fn placeholder(value: &[u8]) -> Placeholder {
    let lower = value.to_ascii_lowercase();
    let trimmed: &[u8] = trim_quotes(&lower);
    let has = |parts: &[&str]| {
        parts
            .iter()
            .any(|p| memchr::memmem::find(trimmed, p.as_bytes()).is_some())
    };
    if trimmed.is_empty()
        || (trimmed.first() == Some(&b'<') && trimmed.last() == Some(&b'>'))
        || matches!(trimmed.first(), Some(b'$' | b'%'))
        || has(REFERENCE_PARTS)
    {
        return Placeholder::Reference;
    }
    // One character repeated (`aaaaaaaa`, `00000000`).
    if let Some(&first) = trimmed.first() {
        if trimmed.iter().all(|&b| b == first) {
            return Placeholder::Reference;
        }
    }
    if PLACEHOLDER_VALUES.iter().any(|p| p.as_bytes() == trimmed) {
        return Placeholder::Word;
    }
    // Letters only, naming what it stands for (`mySecretPassword`,
    // `randomSecretString`): a stand-in word, as `changeme` is.
    if trimmed.iter().all(u8::is_ascii_alphabetic) && has(SELF_NAMING_PARTS) {
        return Placeholder::Word;
    }
    if has(PLACEHOLDER_PARTS) {
        // `your-token-here`, `fake_password`: says it is not the real one.
        return Placeholder::Reference;
    }
    Placeholder::No
}

/// Whether a value is a placeholder, a template or a reference.
pub fn is_placeholder(value: &[u8]) -> bool {
    placeholder(value) != Placeholder::No
}

fn trim_quotes(s: &[u8]) -> &[u8] {
    let mut s = s;
    while let Some((&b, rest)) = s.split_first() {
        if b == b'"' || b == b'\'' || b == b'`' {
            s = rest;
        } else {
            break;
        }
    }
    while let Some((&b, rest)) = s.split_last() {
        if b == b'"' || b == b'\'' || b == b'`' {
            s = rest;
        } else {
            break;
        }
    }
    s
}

/// Whether an unquoted value in source code is an expression (a call, a
/// field, an index, a variable) rather than a literal.
pub fn looks_like_expression(value: &[u8]) -> bool {
    if value
        .iter()
        .any(|&b| matches!(b, b'(' | b')' | b'[' | b']' | b'{' | b'}' | b'$' | b'@'))
    {
        return true;
    }
    // `self.password`, `config.db_pass`, `PASSWORD`, `os_password`: a
    // dotted or plain identifier without digits.
    value
        .iter()
        .all(|&b| b.is_ascii_alphabetic() || b == b'_' || b == b'.' || b == b'-')
}

/// Documented example credentials and values that say they are examples:
/// reported at low confidence.
pub fn is_known_example(secret: &[u8]) -> bool {
    const KNOWN: &[&[u8]] = &[
        // AWS documentation's example access key pair.
        b"AKIAIOSFODNN7EXAMPLE",
        b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ];
    KNOWN.contains(&secret)
        || memchr::memmem::find(secret, b"EXAMPLE").is_some()
        || memchr::memmem::find(&secret.to_ascii_lowercase(), b"example").is_some()
}

/// The inline suppression marker. A finding on a line holding it (or on the
/// line after a line holding it) is dropped; the text after the marker is
/// the reason.
pub const ALLOW_MARKER: &[u8] = b"pillar:allow";

/// File extensions of source code, where a secret is a quoted literal.
pub fn is_source_code(path: &str) -> bool {
    const EXT: &[&str] = &[
        "py", "js", "jsx", "ts", "tsx", "mjs", "cjs", "java", "kt", "kts", "scala", "go", "rb",
        "php", "cs", "rs", "c", "h", "cc", "cpp", "hpp", "swift", "m", "groovy", "dart", "lua",
        "pl", "vb", "fs",
    ];
    path.rsplit_once('.')
        .is_some_and(|(_, ext)| EXT.iter().any(|e| e.eq_ignore_ascii_case(ext)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_bounds() {
        assert!(entropy(b"").abs() < f64::EPSILON);
        assert!(entropy(b"aaaa").abs() < f64::EPSILON);
        assert!((entropy(b"abcd") - 2.0).abs() < 1e-9);
        assert!(entropy(b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY") > 4.0);
    }

    #[test]
    fn placeholders() {
        for p in [
            "changeme",
            "${DB_PASSWORD}",
            "<password>",
            "xxxxxxxx",
            "{{ .Values.password }}",
            "'password'",
            "os.getenv('X')",
            "********",
        ] {
            assert!(is_placeholder(p.as_bytes()), "{p}");
        }
        for s in ["hunter2-Qz9!", "s3cr3tP@ssw0rd", "9f8a7b6c5d"] {
            assert!(!is_placeholder(s.as_bytes()), "{s}");
        }
        assert_eq!(placeholder(b"secret"), Placeholder::Word);
        assert_eq!(placeholder(b"changeme"), Placeholder::Word);
        assert_eq!(placeholder(b"randomSecretString"), Placeholder::Word);
        assert_eq!(placeholder(b"Secret4Real"), Placeholder::No);
        assert_eq!(placeholder(b"your_token_here"), Placeholder::Reference);
        assert_eq!(placeholder(b"${TOKEN}"), Placeholder::Reference);
        assert_eq!(placeholder(b"aaaaaaaaaaaa"), Placeholder::Reference);
    }

    #[test]
    fn expressions() {
        assert!(looks_like_expression(b"self.password"));
        assert!(looks_like_expression(b"get_password()"));
        assert!(looks_like_expression(b"PASSWORD"));
        assert!(!looks_like_expression(b"Tr0ub4dor3"));
    }

    #[test]
    fn examples_and_code() {
        assert!(is_known_example(b"AKIAIOSFODNN7EXAMPLE"));
        assert!(!is_known_example(b"AKIAQWERTYUIOPASDFGH"));
        assert!(is_source_code("app/main.py"));
        assert!(!is_source_code("config/app.env"));
        assert!(!is_source_code("Dockerfile"));
    }
}
