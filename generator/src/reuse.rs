//! Rust files of the previous generation, reused when what they are made from has not changed.
//!
//! Formatting (parsing the tokens back with syn, printing them with prettyplease) is most of
//! the generator's time, and a regeneration after a spec change changes few files. So next to
//! the files it writes, the generator records in [`MANIFEST`] the digest of what each Rust file
//! was made from (its tokens; for a model, the model's inputs, so that an unchanged model is
//! not even turned into tokens) and of the text that came out. Regenerating over that output,
//! a file whose inputs have the recorded digest, and whose text on disk still has the recorded
//! digest (so a hand edit is noticed and undone), is taken as it is instead of being formatted
//! again. The manifest also names the formatter (`emit::formatter_id`); a generator that
//! formats differently formats everything again. The output is the same, byte for byte, either way.
//!
//! The manifest also records what the whole crate was made from ([`source_key`]: the spec's
//! text and name, the options and the generator's own sources) and the digest of every other
//! file. A regeneration from the same source over files that are all as recorded, with none
//! added where the generator owns the files, has nothing to do ([`PreviousOutput::is_current`]):
//! the command says so without parsing the spec.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

/// The file name of the manifest of reused files, at the root of the generated crate: what
/// each Rust file was formatted from, so that a regeneration formats only what changed.
pub const MANIFEST: &str = ".atlas-codegen-formatted";

/// 128 bits of SHA-256, in hex: plenty to tell files apart, short enough to read.
fn digest(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// The digest of what a file is made from (its tokens, or a model's inputs) as it prints, as
/// the manifest records it. The text is hashed as it is printed, never held whole.
pub fn inputs_digest(inputs: &(impl std::fmt::Display + ?Sized)) -> String {
    /// Printing writes a few bytes at a time; the hasher takes them a buffer at a time.
    struct Hashing {
        hasher: Sha256,
        buffer: [u8; 4096],
        len: usize,
    }
    impl std::fmt::Write for Hashing {
        fn write_str(&mut self, text: &str) -> std::fmt::Result {
            let bytes = text.as_bytes();
            if self.len + bytes.len() > self.buffer.len() {
                self.hasher.update(&self.buffer[..self.len]);
                self.len = 0;
            }
            if bytes.len() > self.buffer.len() {
                self.hasher.update(bytes);
            } else {
                self.buffer[self.len..self.len + bytes.len()].copy_from_slice(bytes);
                self.len += bytes.len();
            }
            Ok(())
        }
    }
    let mut hashing = Hashing {
        hasher: Sha256::new(),
        buffer: [0; 4096],
        len: 0,
    };
    // Writing into a hasher cannot fail.
    let _ = std::fmt::Write::write_fmt(&mut hashing, format_args!("{inputs}"));
    hashing.hasher.update(&hashing.buffer[..hashing.len]);
    hex(&hashing.hasher.finalize())
}

/// 128 bits of a SHA-256 hash, in hex.
fn hex(hash: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = String::with_capacity(32);
    for byte in &hash[..16] {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0xf)]));
    }
    text
}

/// What a Rust file was formatted from, and what came out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record {
    /// The file, relative to the crate root, with `/` separators.
    pub path: String,
    /// Digest of what the file was made from ([`inputs_digest`]).
    pub inputs: String,
    /// Digest of the file's text.
    pub text: String,
}

impl Record {
    pub fn new(path: &str, inputs: String, text: &str) -> Self {
        Self {
            path: path.to_string(),
            inputs,
            text: digest(text.as_bytes()),
        }
    }

    /// The record of a file that is not formatted (a template's, a copied one): its text is
    /// all it is made from.
    pub fn whole(path: &str, text: &str) -> Self {
        let text = digest(text.as_bytes());
        Self {
            path: path.to_string(),
            inputs: text.clone(),
            text,
        }
    }
}

/// What a whole crate is made from: the generator (its version, its sources, its formatter
/// `formatter`), the options, and the spec's file name and text.
pub fn source_key(
    formatter: &str,
    spec_file: &str,
    spec_text: &str,
    config: &crate::Config,
) -> String {
    let crate::Config {
        crate_name,
        crate_version,
        standalone,
        changelog,
        reuse_from: _, // Where files are reused from changes no output.
    } = config;
    inputs_digest(&format_args!(
        "{}\n{}\n{formatter}\n{crate_name}\n{crate_version}\n{standalone}\n{changelog:?}\n{spec_file}\n{spec_text}",
        env!("CARGO_PKG_VERSION"),
        env!("ATLAS_CODEGEN_SOURCE_DIGEST"),
    ))
}

/// The manifest's text for `records` (sorted by path, so it is deterministic), made by the
/// formatter `formatter` (an id that changes whenever the same tokens could print otherwise)
/// from `source` ([`source_key`]).
pub fn manifest(records: &mut [Record], formatter: &str, source: &str) -> String {
    records.sort_by(|a, b| a.path.cmp(&b.path));
    let mut text = String::from(
        "# Written by atlas-codegen: what the crate was made from (source), and for each file the\n\
         # digest of what it was made from (a Rust file's tokens or a model's inputs, another file's\n\
         # text) and of its text, so that regenerating formats only the files whose inputs changed,\n\
         # and does nothing when nothing changed.\n\
         # Deleting this file is safe: the next run formats every file again.\n",
    );
    text.push_str(&format!("formatter {formatter}\nsource {source}\n"));
    for record in records.iter() {
        text.push_str(&format!(
            "{} {} {}\n",
            record.inputs, record.text, record.path
        ));
    }
    text
}

/// The previous output's records, and where its files are.
#[derive(Debug, Default)]
pub struct PreviousOutput {
    dir: Option<PathBuf>,
    /// What the whole crate was made from ([`source_key`]).
    source: Option<String>,
    records: HashMap<String, Record>,
}

impl PreviousOutput {
    /// Nothing to reuse: every file is formatted.
    pub fn none() -> Self {
        Self::default()
    }

    /// The records of the crate in `dir`. A missing, unreadable or malformed manifest, or
    /// one written by another formatter than `formatter`, reuses nothing: it is only ever a
    /// shortcut.
    pub fn load(dir: &Path, formatter: &str) -> Self {
        let Ok(text) = std::fs::read_to_string(dir.join(MANIFEST)) else {
            return Self::none();
        };
        Self::parse(dir, &text, formatter).unwrap_or_default()
    }

    fn parse(dir: &Path, text: &str, formatter: &str) -> Option<Self> {
        let mut lines = text.lines().filter(|line| !line.starts_with('#'));
        if lines.next()?.strip_prefix("formatter ")? != formatter {
            return None;
        }
        let mut lines = lines.peekable();
        let source = lines
            .next_if(|line| line.starts_with("source "))
            .map(|line| line["source ".len()..].to_string());
        let mut records = HashMap::new();
        for line in lines {
            let mut parts = line.splitn(3, ' ');
            let (inputs, text, path) = (parts.next()?, parts.next()?, parts.next()?);
            let is_digest = |d: &str| d.len() == 32 && d.bytes().all(|b| b.is_ascii_hexdigit());
            if !is_digest(inputs) || !is_digest(text) {
                return None;
            }
            let record = Record {
                path: path.to_string(),
                inputs: inputs.to_string(),
                text: text.to_string(),
            };
            records.insert(record.path.clone(), record);
        }
        Some(Self {
            dir: Some(dir.to_path_buf()),
            source,
            records,
        })
    }

    /// Whether the crate on disk is what `source` ([`source_key`]) makes: the manifest was
    /// written from it, every file it records is on disk as recorded, and no other file is
    /// where the generator owns the files. Then a regeneration has nothing to do.
    pub fn is_current(&self, source: &str) -> bool {
        let Some(dir) = &self.dir else {
            return false;
        };
        if self.source.as_deref() != Some(source) || self.records.is_empty() {
            return false;
        }
        let intact = self.records.values().all(|record| {
            std::fs::read(dir.join(&record.path)).is_ok_and(|bytes| digest(&bytes) == record.text)
        });
        let recorded = self.records.keys().map(Path::new).collect();
        intact && crate::write::extra_files(dir, &recorded).is_ok_and(|extra| extra.is_empty())
    }

    /// The text of `path` as the previous run wrote it, and its record (which holds for the
    /// new output too), if it was made from inputs with digest `inputs` and is still on disk
    /// unchanged.
    pub fn reuse(&self, path: &str, inputs: &str) -> Option<(String, Record)> {
        let record = self.records.get(path)?;
        if record.inputs != inputs {
            return None;
        }
        let text = std::fs::read_to_string(self.dir.as_ref()?.join(path)).ok()?;
        (digest(text.as_bytes()) == record.text).then(|| (text, record.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A formatter's id, as `emit::formatter_id` makes them.
    const FORMATTER: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn what_prints_in_pieces_is_hashed_as_the_whole_text() {
        // Pieces smaller than the buffer, one that fills it exactly, and one larger than it.
        struct Pieces(Vec<String>);
        impl std::fmt::Display for Pieces {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.iter().try_for_each(|piece| f.write_str(piece))
            }
        }
        let mut pieces: Vec<String> = (0..3000).map(|i| format!("{i},")).collect();
        pieces.push("b".repeat(4096 - pieces.concat().len() % 4096));
        pieces.push("c".repeat(10_000));
        pieces.push("end".into());
        let whole = pieces.concat();
        assert_eq!(inputs_digest(&Pieces(pieces)), digest(whole.as_bytes()));
        assert_eq!(inputs_digest(""), digest(b""));
        assert_eq!(digest(b""), "e3b0c44298fc1c149afbf4c8996fb924");
    }

    #[test]
    fn tokens_are_hashed_as_they_print() {
        // Manifests written before tokens were hashed while printing must still match.
        let tokens: proc_macro2::TokenStream = quote::quote!(
            pub struct A {
                #[doc = " x"]
                pub b: Option<Vec<String>>,
            }
        );
        assert_eq!(
            inputs_digest(&tokens),
            digest(tokens.to_string().as_bytes())
        );
        assert_ne!(inputs_digest(&tokens), inputs_digest("pub struct A {}"));
    }

    #[test]
    fn a_manifest_reads_back_and_checks_the_text_on_disk() {
        let dir = std::env::temp_dir().join(format!("atlas-codegen-reuse-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::write(dir.join("src/a.rs"), "struct A;\n").unwrap();
        let tokens = inputs_digest("struct A ;");
        let mut records = vec![Record::new("src/a.rs", tokens.clone(), "struct A;\n")];
        std::fs::write(
            dir.join(MANIFEST),
            manifest(&mut records, FORMATTER, "source"),
        )
        .unwrap();

        let previous = PreviousOutput::load(&dir, FORMATTER);
        assert_eq!(
            previous.reuse("src/a.rs", &tokens),
            Some(("struct A;\n".to_string(), records[0].clone()))
        );
        // Other tokens, or a file the manifest does not name: format.
        assert_eq!(
            previous.reuse("src/a.rs", &inputs_digest("struct B ;")),
            None
        );
        assert_eq!(previous.reuse("src/b.rs", &tokens), None);
        // A hand edit is not reused.
        std::fs::write(dir.join("src/a.rs"), "struct A; // edited\n").unwrap();
        assert_eq!(previous.reuse("src/a.rs", &tokens), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_source_key_changes_with_the_spec_the_options_and_the_formatter() {
        let config = crate::Config::default();
        let key = source_key(FORMATTER, "a.yaml", "openapi: 3.0.3", &config);
        assert_eq!(
            key,
            source_key(FORMATTER, "a.yaml", "openapi: 3.0.3", &config)
        );
        let reused = crate::Config {
            reuse_from: Some(PathBuf::from("elsewhere")),
            ..crate::Config::default()
        };
        assert_eq!(
            key,
            source_key(FORMATTER, "a.yaml", "openapi: 3.0.3", &reused)
        );
        let others = [
            source_key(&"f".repeat(32), "a.yaml", "openapi: 3.0.3", &config),
            source_key(FORMATTER, "b.yaml", "openapi: 3.0.3", &config),
            source_key(FORMATTER, "a.yaml", "openapi: 3.0.3 ", &config),
            source_key(
                FORMATTER,
                "a.yaml",
                "openapi: 3.0.3",
                &crate::Config {
                    crate_version: "0.2.0".into(),
                    ..crate::Config::default()
                },
            ),
            source_key(
                FORMATTER,
                "a.yaml",
                "openapi: 3.0.3",
                &crate::Config {
                    standalone: true,
                    ..crate::Config::default()
                },
            ),
        ];
        for other in others {
            assert_ne!(key, other);
        }
    }

    #[test]
    fn a_crate_is_current_only_from_its_source_with_every_file_as_recorded() {
        let dir =
            std::env::temp_dir().join(format!("atlas-codegen-current-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::write(dir.join("src/a.rs"), "struct A;\n").unwrap();
        std::fs::write(dir.join("Cargo.toml"), "[package]\n").unwrap();
        let mut records = vec![
            Record::new("src/a.rs", inputs_digest("struct A ;"), "struct A;\n"),
            Record::whole("Cargo.toml", "[package]\n"),
        ];
        std::fs::write(dir.join(MANIFEST), manifest(&mut records, FORMATTER, "k1")).unwrap();
        let current = |source: &str| PreviousOutput::load(&dir, FORMATTER).is_current(source);
        assert!(current("k1"));
        assert!(!current("k2"), "another source");
        // Files kept beside the crate's (a lockfile, a target directory) are the user's.
        std::fs::write(dir.join("Cargo.lock"), "").unwrap();
        assert!(current("k1"));
        std::fs::write(dir.join("src/b.rs"), "").unwrap();
        assert!(!current("k1"), "a file added among the generated ones");
        std::fs::remove_file(dir.join("src/b.rs")).unwrap();
        std::fs::write(dir.join("Cargo.toml"), "[package] # edited\n").unwrap();
        assert!(!current("k1"), "an edited file");
        std::fs::write(dir.join("Cargo.toml"), "[package]\n").unwrap();
        std::fs::remove_file(dir.join("src/a.rs")).unwrap();
        assert!(!current("k1"), "a missing file");
        assert!(!PreviousOutput::none().is_current("k1"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn another_formatter_or_a_malformed_manifest_reuses_nothing() {
        let dir = Path::new("/nonexistent");
        let line = format!("{} {} src/a.rs", "0".repeat(32), "1".repeat(32));
        let ours = format!("formatter {FORMATTER}\n{line}\n");
        let parse = |text: &str| PreviousOutput::parse(dir, text, FORMATTER);
        assert_eq!(parse(&ours).unwrap().records.len(), 1);
        let theirs = format!("formatter {}\n{line}\n", "f".repeat(32));
        assert!(parse(&theirs).is_none());
        let malformed = format!("formatter {FORMATTER}\nnot a record\n");
        assert!(parse(&malformed).is_none());
        assert!(parse("").is_none());
    }
}
