//! Spec descriptions as rustdoc.
//!
//! Descriptions are CommonMark written for a web page. Printed as-is into doc comments, some of
//! it trips rustdoc: indented lines and fences become doctests that do not compile, `<name>`
//! reads as an unclosed HTML tag, `[1, 2, 4]` as a broken intra-doc link, and bare URLs are
//! linted. [`doc_lines`] rewrites just those constructs, so `cargo doc` stays warning-free
//! while the text reads the same.

/// The lines of a doc comment for `text`, each to be printed after `///`.
pub fn doc_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_fence = false;
    // Most descriptions have no carriage return to normalise.
    let text: std::borrow::Cow<'_, str> = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n").into()
    } else {
        text.into()
    };
    // Within a list item, how far its continuation lines are indented: a description's
    // unindented ("lazy") continuation lines are indented under the item's text, which is
    // what Markdown makes of them anyway, and what rustdoc's lints want written out.
    let mut item_hang = 0;
    for raw in text.lines() {
        // Tabs are four spaces (rustdoc's lints refuse tabs in docs).
        let expanded;
        let raw = if raw.contains('\t') {
            expanded = raw.replace('\t', "    ");
            expanded.as_str()
        } else {
            raw
        };
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if let Some(info) = trimmed.strip_prefix("```") {
            if in_fence {
                lines.push("```".to_string());
            } else {
                // Code in descriptions is never Rust: mark it as text so it is not a doctest.
                let _ = info;
                lines.push("```text".to_string());
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            lines.push(line.to_string());
        } else if trimmed.is_empty() || trimmed.starts_with(['|', '#']) {
            item_hang = 0;
            wrap(&escape_inline(trimmed), 0, &mut lines);
        } else if hang(trimmed) > 0 {
            item_hang = hang(trimmed);
            wrap(&escape_inline(trimmed), 0, &mut lines);
        } else {
            // Other leading indentation would start an (indented) code block.
            wrap(&escape_inline(trimmed), item_hang, &mut lines);
        }
    }
    if in_fence {
        lines.push("```".to_string());
    }
    // Drop leading and trailing blank lines, and runs of blank lines.
    let mut out: Vec<String> = Vec::new();
    for line in lines {
        if line.is_empty() && out.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        out.push(line);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out
}

/// Doc text wider than this is wrapped (the `///` and indentation come on top).
const WIDTH: usize = 90;

/// Doc lines of text the generator writes itself, wrapped like [`doc_lines`] but not escaped:
/// its intra-doc links (``[`Client::x`]``) must stay links.
pub fn generated_doc_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for line in text.lines() {
        wrap(line.trim(), 0, &mut lines);
    }
    lines
}

/// Appends `line`, indented by `indent` spaces, to `out`, wrapped at spaces to `WIDTH`.
/// Tables and headings are kept whole; continuation lines of a list item are indented under
/// its text, and no continuation line starts with what would open a block (a list marker, a
/// quote, a heading or a heading's underline), which would change what the text says.
fn wrap(line: &str, indent: usize, out: &mut Vec<String>) {
    let margin = " ".repeat(indent);
    if indent + line.chars().count() <= WIDTH || line.starts_with(['|', '#']) {
        out.push(format!("{margin}{line}"));
        return;
    }
    let hang = " ".repeat(indent + hang(line));
    let mut current = margin;
    let mut has_text = false;
    for word in line.split(' ').filter(|w| !w.is_empty()) {
        let too_wide = current.chars().count() + 1 + word.chars().count() > WIDTH;
        if has_text && too_wide && !opens_block(word) {
            out.push(std::mem::replace(&mut current, hang.clone()));
            has_text = false;
        }
        if has_text {
            current.push(' ');
        }
        current.push_str(word);
        has_text |= !word.trim().is_empty();
    }
    if has_text {
        out.push(current);
    }
}

/// A list item's marker: `-`, `*`, `+`, `12.` or `12)`.
fn is_list_marker(word: &str) -> bool {
    let numbered = word
        .strip_suffix(['.', ')'])
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    matches!(word, "-" | "*" | "+") || numbered
}

/// Whether a word at the start of a line would open a Markdown block.
fn opens_block(word: &str) -> bool {
    is_list_marker(word)
        || word.starts_with('>')
        || word.bytes().all(|b| b == b'#')
        || word.bytes().all(|b| b == b'=' || b == b'-')
}

/// How far a list item's continuation lines are indented: under the text after its marker;
/// not at all for other lines.
fn hang(line: &str) -> usize {
    match line.split_once(' ') {
        Some((marker, _)) if is_list_marker(marker) => marker.len() + 1,
        _ => 0,
    }
}

/// Escapes one line of Markdown outside code spans.
fn escape_inline(line: &str) -> String {
    if is_plain(line) {
        line.to_string()
    } else {
        escape_marked(line)
    }
}

/// Whether a line has nothing [`escape_marked`] would change: no character it escapes, no code
/// span or link to keep, no bare URL to mark. Most description lines are so.
fn is_plain(line: &str) -> bool {
    !line
        .bytes()
        .any(|b| matches!(b, b'`' | b'\\' | b'[' | b']' | b'<' | b'>'))
        && !line.contains("http://")
        && !line.contains("https://")
}

/// [`escape_inline`] of a line that is not plain.
fn escape_marked(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '`' => {
                // Copy a code span verbatim, up to the matching run of backticks.
                let run = chars[i..].iter().take_while(|&&c| c == '`').count();
                let close = find_run(&chars, i + run, run);
                let end = close.map_or(i + run, |close| close + run);
                out.extend(&chars[i..end]);
                i = end;
            }
            '\\' if i + 1 < chars.len() => {
                out.push(c);
                out.push(chars[i + 1]);
                i += 2;
            }
            '[' => {
                if let Some(end) = markdown_link_end(&chars, i) {
                    // A link: escape the text, keep the target.
                    let text_end = chars[i..end]
                        .iter()
                        .position(|&c| c == ']')
                        .map(|p| i + p)
                        .unwrap_or(end);
                    out.push('[');
                    out.push_str(&escape_inline(
                        &chars[i + 1..text_end].iter().collect::<String>(),
                    ));
                    out.extend(&chars[text_end..end]);
                    i = end;
                } else {
                    out.push_str("\\[");
                    i += 1;
                }
            }
            ']' => {
                out.push_str("\\]");
                i += 1;
            }
            '<' => {
                if let Some(end) = autolink_end(&chars, i) {
                    out.extend(&chars[i..end]);
                    i = end;
                } else {
                    out.push_str("&lt;");
                    i += 1;
                }
            }
            '>' => {
                out.push_str("&gt;");
                i += 1;
            }
            'h' if starts_with(&chars, i, "http://") || starts_with(&chars, i, "https://") => {
                let mut end = i;
                while end < chars.len()
                    && !chars[end].is_whitespace()
                    && !matches!(chars[end], '<' | '>' | '"' | '`')
                {
                    end += 1;
                }
                // Sentence punctuation after a URL is not part of it.
                while end > i
                    && matches!(
                        chars[end - 1],
                        '.' | ',' | ';' | ':' | ')' | '\'' | '!' | '?'
                    )
                {
                    end -= 1;
                }
                out.push('<');
                out.extend(&chars[i..end]);
                out.push('>');
                i = end;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

fn starts_with(chars: &[char], at: usize, prefix: &str) -> bool {
    let mut rest = chars.get(at..).unwrap_or_default().iter();
    prefix.chars().all(|p| rest.next() == Some(&p))
}

/// The index of the next run of exactly `run` backticks at or after `from`.
fn find_run(chars: &[char], from: usize, run: usize) -> Option<usize> {
    let mut i = from;
    while i < chars.len() {
        if chars[i] == '`' {
            let len = chars[i..].iter().take_while(|&&c| c == '`').count();
            if len == run {
                return Some(i);
            }
            i += len;
        } else {
            i += 1;
        }
    }
    None
}

/// For `[text](target)` starting at `start`, the index just past `)`.
fn markdown_link_end(chars: &[char], start: usize) -> Option<usize> {
    let close = start + chars[start..].iter().position(|&c| c == ']')?;
    if chars.get(close + 1) != Some(&'(') {
        return None;
    }
    let mut depth = 0;
    for (offset, &c) in chars[close + 1..].iter().enumerate() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(close + 1 + offset + 1);
                }
            }
            c if c.is_whitespace() => return None,
            _ => {}
        }
    }
    None
}

/// For `<http...>` starting at `start`, the index just past `>`.
fn autolink_end(chars: &[char], start: usize) -> Option<usize> {
    if !(starts_with(chars, start + 1, "http://") || starts_with(chars, start + 1, "https://")) {
        return None;
    }
    let close = start + chars[start..].iter().position(|&c| c == '>')?;
    chars[start..close]
        .iter()
        .all(|c| !c.is_whitespace())
        .then_some(close + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_like_text_is_escaped() {
        assert_eq!(
            doc_lines("Use <a custom role name> here"),
            ["Use &lt;a custom role name&gt; here"]
        );
    }

    #[test]
    fn brackets_that_are_not_links_are_escaped() {
        assert_eq!(
            doc_lines("Allowed values are [1, 2, 4]."),
            ["Allowed values are \\[1, 2, 4\\]."]
        );
        assert_eq!(
            doc_lines("See [the docs](https://example.com/a_(b)) now"),
            ["See [the docs](https://example.com/a_(b)) now"]
        );
    }

    #[test]
    fn bare_urls_become_autolinks() {
        assert_eq!(
            doc_lines("See https://example.com/x. Or <https://example.com/y>."),
            ["See <https://example.com/x>. Or <https://example.com/y>."]
        );
    }

    #[test]
    fn code_spans_are_kept() {
        assert_eq!(
            doc_lines("Set `a[0] <b>` to `x`"),
            ["Set `a[0] <b>` to `x`"]
        );
    }

    #[test]
    fn long_lines_are_wrapped_at_spaces() {
        let word = "abcdefghi";
        let text = vec![word; 20].join(" ");
        let lines = doc_lines(&text);
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(lines.iter().all(|l| l.len() <= WIDTH));
        assert_eq!(lines.join(" "), text);
        let item = format!("- {text}");
        let lines = doc_lines(&item);
        assert!(lines[1].starts_with("  abc"), "{lines:?}");
    }

    #[test]
    fn fences_become_text_and_indentation_is_dropped() {
        assert_eq!(
            doc_lines("Run:\n\n```\ncurl -X GET <url>\n```\n\n    indented\n\n\n- item"),
            [
                "Run:",
                "",
                "```text",
                "curl -X GET <url>",
                "```",
                "",
                "indented",
                "",
                "- item"
            ]
        );
        assert_eq!(doc_lines("```json\n{}"), ["```text", "{}", "```"]);
    }

    /// Lines of every kind Atlas writes: each line of the official spec, trimmed.
    fn official_lines() -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let text =
            std::fs::read_to_string(root.join("spec/reference/atlas-admin-api-v2-2025-06-30.yaml"))
                .unwrap();
        text.lines().map(|l| l.trim().to_string()).collect()
    }

    #[test]
    fn a_plain_line_is_one_the_escaper_leaves_alone() {
        let mut lines = official_lines();
        lines.extend(
            [
                "a \\ b",
                "x]",
                "<",
                "see https://x.y.",
                "`a`",
                "[a](b)",
                "hhttp",
                "é <é>",
            ]
            .map(String::from),
        );
        let (mut plain, mut marked) = (0, 0);
        for line in &lines {
            if is_plain(line) {
                assert_eq!(escape_marked(line), *line);
                plain += 1;
            } else {
                marked += 1;
            }
        }
        assert!(
            plain > 10_000 && marked > 1_000,
            "{plain} plain, {marked} marked"
        );
    }

    #[test]
    fn a_list_items_lazy_continuation_is_indented_under_it_and_tabs_are_spaces() {
        let text = "The scope:\n* The **global** scope is for templates that are\navailable to all.\n\
                    12. Another\nline\n\nAfter the list.\n\tTabbed\tinside";
        assert_eq!(
            doc_lines(text),
            [
                "The scope:",
                "* The **global** scope is for templates that are",
                "  available to all.",
                "12. Another",
                "    line",
                "",
                "After the list.",
                "Tabbed    inside",
            ]
        );
    }

    #[test]
    fn a_wrapped_line_never_starts_a_block_and_a_list_item_hangs() {
        let fields = "spec.hostPID - spec.hostIPC - spec.hostUsers - spec.resources -";
        let text = format!("Must be unset: - {fields} {fields} {fields} 12. # > == end");
        let lines = doc_lines(&text);
        assert!(lines.len() > 2, "{lines:#?}");
        for line in &lines[1..] {
            let first = line.split(' ').next().unwrap();
            assert!(!opens_block(first), "{line:?} opens a block: {lines:#?}");
        }
        let item = format!("- {}", "word ".repeat(40));
        let lines = doc_lines(&item);
        assert!(lines.len() > 1 && lines[1..].iter().all(|l| l.starts_with("  word")));
        assert!(
            lines.iter().all(|l| l.chars().count() <= WIDTH),
            "{lines:#?}"
        );
    }
}
