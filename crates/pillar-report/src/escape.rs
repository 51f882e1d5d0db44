//! Escaping for HTML, XML and JSON embedded in a `<script>` element.

/// Escape text for HTML or XML content and attribute values (`&`, `<`, `>`,
/// both quotes). Characters XML 1.0 forbids (controls other than tab, line
/// feed and carriage return) are dropped, so the output always parses.
pub(crate) fn markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Make serialised JSON safe inside `<script type="application/json">`: `<`,
/// `>` and `&` only occur inside JSON strings, where `\u003c` and friends
/// mean the same, so `</script>` and `<!--` can never end or confuse the
/// element. U+2028 and U+2029 are escaped too for old parsers.
pub(crate) fn json_in_script(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 64);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_escapes_and_drops_controls() {
        assert_eq!(markup("a<b>&\"'\u{1}c\n"), "a&lt;b&gt;&amp;&quot;&#39;c\n");
    }

    #[test]
    fn script_json_cannot_close_the_element() {
        let v = serde_json::json!({"m": "</script><!-- & \u{2028}"});
        let s = json_in_script(&v.to_string());
        assert!(!s.contains("</"));
        assert!(!s.contains("<!--"));
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }
}
