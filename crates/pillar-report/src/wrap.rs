//! Word wrapping for the text report.

/// Wrap `text` to `width` columns: the first line starts with `first`, the
/// others with `rest`. Newlines in `text` start new lines; a word longer
/// than the room left is put on a line of its own, unbroken (URLs, ARNs).
pub(crate) fn wrap(text: &str, width: usize, first: &str, rest: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = first.to_owned();
    let mut len = first.chars().count();
    let mut empty = true;
    for (n, para) in text.split('\n').enumerate() {
        if n > 0 {
            lines.push(std::mem::replace(&mut line, rest.to_owned()));
            len = rest.chars().count();
            empty = true;
        }
        for word in para.split_whitespace() {
            let w = word.chars().count();
            if !empty && len + 1 + w > width {
                lines.push(std::mem::replace(&mut line, rest.to_owned()));
                len = rest.chars().count();
                empty = true;
            }
            if !empty {
                line.push(' ');
                len += 1;
            }
            line.push_str(word);
            len += w;
            empty = false;
        }
    }
    lines.push(line);
    for l in &mut lines {
        l.truncate(l.trim_end().len());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_with_hanging_indent() {
        let lines = wrap("aaa bbb ccc ddd", 11, "> ", "  ");
        assert_eq!(lines, vec!["> aaa bbb", "  ccc ddd"]);
    }

    #[test]
    fn keeps_long_words_and_newlines() {
        let lines = wrap("x averyveryverylongword y\nz", 10, "", "");
        assert_eq!(lines, vec!["x", "averyveryverylongword", "y", "z"]);
        assert_eq!(wrap("", 10, "ab ", "  "), vec!["ab"]);
    }
}
