//! Case conversion of spec names, exactly as `heck` converts them.
//!
//! `heck` writes each character through `fmt`, which made converting names a seventh of
//! lowering the official spec. Nearly every spec name is ASCII: that is split into words and
//! converted here, with the word boundaries `heck` documents; anything else goes to `heck`.
//! A test holds the two to the same output.

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

/// `snake_case`.
pub fn snake(text: &str) -> String {
    if !text.is_ascii() {
        return text.to_snake_case();
    }
    joined(text, "_", |word, out| {
        out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    })
}

/// `UpperCamelCase`.
pub fn upper_camel(text: &str) -> String {
    if !text.is_ascii() {
        return text.to_upper_camel_case();
    }
    joined(text, "", |word, out| {
        let mut bytes = word.bytes();
        out.extend(bytes.next().map(|b| char::from(b.to_ascii_uppercase())));
        out.extend(bytes.map(|b| char::from(b.to_ascii_lowercase())));
    })
}

/// `SHOUTY_SNAKE_CASE`.
pub fn shouty_snake(text: &str) -> String {
    if !text.is_ascii() {
        return text.to_shouty_snake_case();
    }
    joined(text, "_", |word, out| {
        out.extend(word.bytes().map(|b| char::from(b.to_ascii_uppercase())));
    })
}

/// The words of ASCII `text`, each written by `word`, with `separator` between them.
fn joined(text: &str, separator: &str, mut word: impl FnMut(&str, &mut String)) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    let mut first = true;
    ascii_words(text, |w| {
        if !first {
            out.push_str(separator);
        }
        first = false;
        word(w, &mut out);
    });
    out
}

/// What the letters so far in a word were, for finding where the next word starts.
#[derive(Clone, Copy, PartialEq)]
enum Run {
    /// At the start of a word: no letter yet.
    Start,
    Lower,
    Upper,
}

/// Hands `word` each word of ASCII `text`, in order. Words end at every character that is
/// neither a letter nor a digit; inside a run of letters and digits, a word ends after a
/// lowercase letter (or digits following one) that an uppercase letter follows (`fooBar`),
/// and before the last capital of a run of capitals that a lowercase letter follows
/// (`HTTPServer` is `HTTP`, `Server`). Digits take the case of the letters before them.
fn ascii_words<'t>(text: &'t str, mut word: impl FnMut(&'t str)) {
    for part in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        let bytes = part.as_bytes();
        let mut start = 0;
        let mut run = Run::Start;
        for (i, &byte) in bytes.iter().enumerate() {
            let Some(&next) = bytes.get(i + 1) else {
                word(&part[start..]);
                break;
            };
            let with_this = if byte.is_ascii_lowercase() {
                Run::Lower
            } else if byte.is_ascii_uppercase() {
                Run::Upper
            } else {
                run
            };
            if with_this == Run::Lower && next.is_ascii_uppercase() {
                word(&part[start..=i]);
                start = i + 1;
                run = Run::Start;
            } else if run == Run::Upper && byte.is_ascii_uppercase() && next.is_ascii_lowercase() {
                word(&part[start..i]);
                start = i;
                run = Run::Start;
            } else {
                run = with_this;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

    fn same_as_heck(text: &str) {
        assert_eq!(super::snake(text), text.to_snake_case(), "snake {text:?}");
        assert_eq!(
            super::upper_camel(text),
            text.to_upper_camel_case(),
            "camel {text:?}"
        );
        assert_eq!(
            super::shouty_snake(text),
            text.to_shouty_snake_case(),
            "shouty {text:?}"
        );
    }

    #[test]
    fn names_convert_as_heck_converts_them() {
        for text in [
            "",
            "a",
            "A",
            "_",
            "fooBar",
            "HTTPServer",
            "getHTTPResponseCode",
            "V1Beta",
            "foo1Bar",
            "foo_bar-baz.qux",
            "  spaced  out ",
            "ABC",
            "aB",
            "Ab",
            "a1b2C3",
            "1abc",
            "ALL_CAPS_NAME",
            "mongoDBAccessLogs",
            "x509Type",
            "$external",
            "éclair Ünïcode",
            "straße",
        ] {
            same_as_heck(text);
        }
        // Every word of the official spec: its names, properties and enum values among them.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let spec =
            std::fs::read_to_string(root.join("spec/reference/atlas-admin-api-v2-2025-06-30.yaml"))
                .unwrap();
        for token in spec.split([' ', ':', '\n', '\'', '"', ',', '[', ']', '{', '}']) {
            same_as_heck(token);
        }
        // And strings of the characters case conversion looks at, in every mix.
        let alphabet = b"aZbY09_-. Qx";
        let mut state = 0x2545_f491_u32;
        for _ in 0..20_000 {
            let len = (state % 12) as usize;
            let text: String = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 17;
                    state ^= state << 5;
                    char::from(alphabet[state as usize % alphabet.len()])
                })
                .collect();
            same_as_heck(&text);
        }
    }
}
