//! Stage 5: the generated files on disk.
//!
//! [`GeneratedCrate`] holds the whole crate in memory; nothing is written until generation has
//! succeeded, so a failing spec never leaves a half-written crate. A new crate is written whole
//! beside its directory and renamed into place; [`NewCrate`] does that while the crate is still
//! being generated, so that creating its files overlaps with emitting them. Over an existing
//! one, writing replaces each file through a temporary file and a rename, leaves unchanged
//! files untouched (their timestamps too, so cargo does not rebuild them), and removes files
//! the generator no longer produces.
//! [`GeneratedCrate::check`] compares instead of writing.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError, mpsc};

use crate::Timings;
use crate::error::{Error, Problem};
use crate::ir::{Api, TypeKind};
use crate::lower::Lowered;

/// Directories of the output that belong to the generator entirely: a file in them that the
/// generator does not produce is stale.
const OWNED_DIRS: &[&str] = &["src", "tests", "examples"];

/// A generated crate, in memory.
#[derive(Debug)]
pub struct GeneratedCrate {
    files: Vec<(PathBuf, String)>,
    lowered: Lowered,
    timings: Timings,
}

/// How a file on disk differs from the generated one.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum FileStatus {
    /// Present, with other content.
    Stale,
    /// Not present.
    Missing,
    /// Present, but no longer generated.
    Extra,
}

impl fmt::Display for FileStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Stale => "stale",
            Self::Missing => "missing",
            Self::Extra => "no longer generated",
        })
    }
}

/// Writes one file unless it already has this content: through a temporary file and a
/// rename, so the file is never seen half-written. Whether it wrote.
fn write_file(path: &Path, text: &str) -> Result<bool, Error> {
    if std::fs::read(path).is_ok_and(|existing| existing == text.as_bytes()) {
        return Ok(false);
    }
    let temporary = beside(path);
    std::fs::write(&temporary, text).map_err(|e| Error::io(&temporary, "write", e))?;
    std::fs::rename(&temporary, path).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        Error::io(path, "replace", e)
    })?;
    Ok(true)
}

/// Where a file or directory is built before it is renamed to `path`: beside it, so the
/// rename stays on one file system (`*.atlas-codegen-tmp` is what an interrupted run leaves).
fn beside(path: &Path) -> PathBuf {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".atlas-codegen-tmp");
    PathBuf::from(temporary)
}

/// Creates a file in a directory that is not yet visible (see `write_new`).
fn create_file(path: &Path, text: &str) -> Result<bool, Error> {
    std::fs::write(path, text).map_err(|e| Error::io(path, "write", e))?;
    Ok(true)
}

/// What a write did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteSummary {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

impl GeneratedCrate {
    pub(crate) fn new(files: Vec<(PathBuf, String)>, lowered: Lowered, timings: Timings) -> Self {
        Self {
            files,
            lowered,
            timings,
        }
    }

    /// The files, paths relative to the crate root, sorted by path.
    pub fn files(&self) -> &[(PathBuf, String)] {
        &self.files
    }

    /// The content of one file.
    pub fn file(&self, path: impl AsRef<Path>) -> Option<&str> {
        let path = path.as_ref();
        self.files
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, text)| text.as_str())
    }

    /// The intermediate model the files were emitted from.
    pub fn api(&self) -> &Api {
        &self.lowered.api
    }

    /// Where the output only approximates the spec, with what was done instead.
    pub fn approximations(&self) -> &[Problem] {
        &self.lowered.approximations
    }

    pub fn timings(&self) -> Timings {
        self.timings
    }

    /// A one-line summary: counts of what was generated.
    pub fn summary(&self) -> String {
        let api = self.api();
        let enums = api
            .types
            .iter()
            .filter(|t| matches!(t.kind, TypeKind::Enum(_)))
            .count();
        let unions = api
            .types
            .iter()
            .filter(|t| matches!(t.kind, TypeKind::Tagged(_) | TypeKind::Untagged(_)))
            .count();
        let total = self.timings.parse + self.timings.lower + self.timings.emit;
        let reused = match self.timings.reused_files {
            0 => String::new(),
            n => format!(" ({n} Rust files unchanged since the last run, not formatted again)"),
        };
        format!(
            "{} operations, {} models ({} enums, {} unions), {} examples, {} files in {:.1?}{reused}",
            api.operations.len(),
            api.types.len(),
            enums,
            unions,
            api.examples.len(),
            self.files.len(),
            total
        )
    }

    /// Files under the owned directories of `dir` that are not generated.
    fn extra_files(&self, dir: &Path) -> Result<Vec<PathBuf>, Error> {
        let generated: BTreeSet<&Path> = self.files.iter().map(|(p, _)| p.as_path()).collect();
        let mut extra = Vec::new();
        for owned in OWNED_DIRS {
            let mut stack = vec![PathBuf::from(owned)];
            while let Some(relative) = stack.pop() {
                let absolute = dir.join(&relative);
                let entries = match std::fs::read_dir(&absolute) {
                    Ok(entries) => entries,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                    Err(e) => return Err(Error::io(absolute, "list", e)),
                };
                for entry in entries {
                    let entry = entry.map_err(|e| Error::io(&absolute, "list", e))?;
                    let path = relative.join(entry.file_name());
                    let kind = entry
                        .file_type()
                        .map_err(|e| Error::io(entry.path(), "inspect", e))?;
                    if kind.is_dir() {
                        stack.push(path);
                    } else if !generated.contains(path.as_path()) {
                        extra.push(path);
                    }
                }
            }
        }
        extra.sort();
        Ok(extra)
    }

    /// Compares the crate with `dir` without writing: every file that differs, sorted by path.
    pub fn check(&self, dir: &Path) -> Result<Vec<(PathBuf, FileStatus)>, Error> {
        let mut differences = Vec::new();
        for (relative, text) in &self.files {
            let path = dir.join(relative);
            match std::fs::read(&path) {
                Ok(existing) if existing == text.as_bytes() => {}
                Ok(_) => differences.push((relative.clone(), FileStatus::Stale)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    differences.push((relative.clone(), FileStatus::Missing))
                }
                Err(e) => return Err(Error::io(path, "read", e)),
            }
        }
        for extra in self.extra_files(dir)? {
            differences.push((extra, FileStatus::Extra));
        }
        differences.sort();
        Ok(differences)
    }

    /// Writes a crate whose directory does not exist yet: whole, into a temporary directory
    /// beside it that is then renamed. The crate appears complete or not at all, and each file
    /// is created once instead of created and renamed (creating files is most of the time of a
    /// first generation).
    fn write_new(&self, dir: &Path) -> Result<WriteSummary, Error> {
        let staging = beside(dir);
        // Left over by an interrupted run; never anything of the user's.
        let _ = std::fs::remove_dir_all(&staging);
        if let Some(parent) = dir.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::io(parent, "create directory", e))?;
        }
        let written = self
            .write_files(&staging, create_file)
            .and_then(|(written, _)| {
                std::fs::rename(&staging, dir).map_err(|e| Error::io(dir, "create", e))?;
                Ok(written)
            });
        if written.is_err() {
            let _ = std::fs::remove_dir_all(&staging);
        }
        Ok(WriteSummary {
            written: written?,
            unchanged: 0,
            removed: 0,
        })
    }

    /// Writes every file under `dir` with `write` (which says whether it wrote), on all
    /// cores: how many were written and how many left as they were.
    fn write_files(
        &self,
        dir: &Path,
        write: fn(&Path, &str) -> Result<bool, Error>,
    ) -> Result<(usize, usize), Error> {
        let parents: BTreeSet<PathBuf> = self
            .files
            .iter()
            .filter_map(|(p, _)| dir.join(p).parent().map(Path::to_path_buf))
            .collect();
        for parent in parents {
            std::fs::create_dir_all(&parent)
                .map_err(|e| Error::io(&parent, "create directory", e))?;
        }
        // Files are independent: write them on all cores.
        let wrote = crate::cores::map(&self.files, |(relative, text)| {
            write(&dir.join(relative), text)
        })?;
        let written = wrote.iter().filter(|&&w| w).count();
        Ok((written, wrote.len() - written))
    }

    /// Writes the crate into `dir`, creating it if needed.
    pub fn write_to(&self, dir: &Path) -> Result<WriteSummary, Error> {
        if std::fs::symlink_metadata(dir).is_err() {
            return self.write_new(dir);
        }
        let (written, unchanged) = self.write_files(dir, write_file)?;
        let mut summary = WriteSummary {
            written,
            unchanged,
            removed: 0,
        };
        for extra in self.extra_files(dir)? {
            let path = dir.join(&extra);
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, "remove", e))?;
            summary.removed += 1;
            // Remove directories left empty, up to the owned directory itself.
            let mut parent = path.parent();
            while let Some(directory) = parent {
                if directory == dir || std::fs::remove_dir(directory).is_err() {
                    break;
                }
                parent = directory.parent();
            }
        }
        Ok(summary)
    }
}

/// Files by their path's bytes (comparing paths component by component cost more than the
/// rest of a hand-over), with their text.
type Handed = BTreeMap<OsString, Arc<str>>;

/// Files handed over, between the sink and the writer.
struct HandOver {
    queue: Mutex<Queue>,
    /// Signalled when a batch is ready for a waiting writer, and at the end.
    ready: Condvar,
}

struct Queue {
    /// The files handed over, with their text as last handed over: a file handed over again
    /// with the same text is not queued again (the runtime is known before the spec is
    /// read, and handed over again by the emitters).
    handed: Handed,
    /// Handed over and not yet taken by the writer.
    pending: Vec<(PathBuf, Arc<str>)>,
    /// No more files come.
    closed: bool,
    /// The writer waits for a batch.
    waiting: bool,
    /// The known files may be created now ([`NewCrate::create_known`]).
    known_go: bool,
}

/// How many files a waiting writer is woken for. Waking it for each file cost the emitting
/// threads a system call and the core a switch per file, about a hundred for a small crate.
const BATCH: usize = 8;

impl HandOver {
    fn queue(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The next files to create, once there are `BATCH` of them or no more come; empty at the
    /// end.
    fn next_batch(&self) -> Vec<(PathBuf, Arc<str>)> {
        std::mem::take(
            &mut self
                .wait_until(|queue| queue.pending.len() >= BATCH)
                .pending,
        )
    }

    /// Waits until `ready` holds of the queue, or it is closed; the queue, still locked.
    fn wait_until(&self, ready: impl Fn(&Queue) -> bool) -> MutexGuard<'_, Queue> {
        let mut queue = self.queue();
        while !ready(&queue) && !queue.closed {
            queue.waiting = true;
            queue = self
                .ready
                .wait(queue)
                .unwrap_or_else(PoisonError::into_inner);
        }
        queue.waiting = false;
        queue
    }

    /// No more files come: the writer takes what is left.
    fn close(&self) {
        self.queue().closed = true;
        self.ready.notify_one();
    }
}

/// A crate being written into a directory that does not exist yet while it is generated.
///
/// Each file handed to [`NewCrate::sink`] is created soon after, a few files at a time, in the
/// staging directory beside the crate's, on a thread of its own: creating a file mostly waits
/// on the file system, and that wait now overlaps with emitting the next files instead of
/// following all of them. [`NewCrate::finish`] makes the staging directory hold exactly the
/// generated crate and renames it into place, so the crate still appears complete or not at
/// all. Dropped without `finish` (generation failed), it removes the staging directory.
pub struct NewCrate {
    dir: PathBuf,
    staging: PathBuf,
    /// What the sink and the writer share.
    hand_over: Arc<HandOver>,
    /// The writer's outcome once it is done: the first error, after which it creates nothing
    /// more; nothing if it panicked.
    /// (In a mutex only for the sink's sake: a receiver cannot be shared between threads.)
    done: Option<Mutex<mpsc::Receiver<Result<(), Error>>>>,
}

impl NewCrate {
    /// Starts writing a new crate into `dir`; `None` when `dir` exists (a regeneration) or its
    /// parent does not: [`GeneratedCrate::write_to`] writes those once generation has
    /// succeeded, so that a failing spec leaves no new parent directory behind either.
    pub fn start(dir: &Path) -> Option<Self> {
        Self::start_with(dir, Vec::new)
    }

    /// [`NewCrate::start`], with files known before generation (the runtime, which no spec
    /// changes): the writer makes them first, on its own thread, as if they had been handed
    /// over, and creates them once [`NewCrate::create_known`] lets it (or the first batch
    /// comes); one handed over before the writer got to it is created as handed.
    pub fn start_with<K>(dir: &Path, known: K) -> Option<Self>
    where
        K: FnOnce() -> Vec<(PathBuf, String)> + Send + 'static,
    {
        let parent = dir.parent()?;
        if std::fs::symlink_metadata(dir).is_ok()
            || !(parent.as_os_str().is_empty() || parent.is_dir())
        {
            return None;
        }
        let staging = beside(dir);
        let hand_over = Arc::new(HandOver {
            queue: Mutex::new(Queue {
                handed: Handed::new(),
                pending: Vec::new(),
                closed: false,
                waiting: false,
                known_go: false,
            }),
            ready: Condvar::new(),
        });
        let (root, in_writer) = (staging.clone(), Arc::clone(&hand_over));
        // The writer's outcome comes back as soon as its last file is created: joining the
        // thread would also wait for it to wind down (its allocator heap, its stack).
        let (report, done) = mpsc::sync_channel::<Result<(), Error>>(1);
        std::thread::spawn(move || {
            let written = create_handed_over(&root, &in_writer, known);
            // Nobody waiting any more is no one to tell.
            let _ = report.send(written);
        });
        Some(Self {
            dir: dir.to_path_buf(),
            staging,
            hand_over,
            done: Some(Mutex::new(done)),
        })
    }

    /// Lets the writer create the known files (see [`NewCrate::start_with`]) now, for a core
    /// with nothing else to do; until then it waits, so that it does not take turns with the
    /// threads reading the spec. A batch handed over, or `finish`, lets it go too.
    pub fn create_known(&self) {
        let mut queue = self.hand_over.queue();
        queue.known_go = true;
        let wake = queue.waiting;
        drop(queue);
        if wake {
            self.hand_over.ready.notify_one();
        }
    }

    /// Hands over one file of the crate (path relative to its root) to be created. A file
    /// may be handed over before it is generated, when it is known what it will be: handed
    /// over again with the same text, it is not created twice; with other text, it is
    /// created again; not part of the crate at all, `finish` removes it.
    pub fn sink(&self) -> impl Fn(&Path, &str) + Sync + '_ {
        move |relative: &Path, text: &str| {
            let mut queue = self.hand_over.queue();
            // Handed over before it was generated, and now generated the same; or too late.
            if queue.closed
                || queue
                    .handed
                    .get(relative.as_os_str())
                    .is_some_and(|before| **before == *text)
            {
                return;
            }
            let text: Arc<str> = Arc::from(text);
            let key = relative.as_os_str().to_owned();
            queue.handed.insert(key, Arc::clone(&text));
            // A writer that stopped has its error waiting for `finish`; what it leaves here
            // goes with the staging directory.
            queue.pending.push((relative.to_path_buf(), text));
            // Once: a waiting writer waits for fewer, and files added before it wakes go
            // with the batch.
            let wake = queue.waiting && queue.pending.len() == BATCH;
            drop(queue);
            if wake {
                self.hand_over.ready.notify_one();
            }
        }
    }

    /// Completes the crate: waits for the files handed over, writes any the generation did
    /// not hand over (or handed over with other text), removes any it handed over that are not
    /// part of `generated`, and renames the staging directory to the crate's. On an error
    /// nothing is left behind.
    pub fn finish(mut self, generated: &GeneratedCrate) -> Result<WriteSummary, Error> {
        let created = self.wait()?;
        // Hashed: ordering paths compares them component by component, which took longer
        // than the rest of this function.
        let wanted: HashSet<&Path> = generated.files.iter().map(|(p, _)| p.as_path()).collect();
        let mut directories = BTreeSet::new();
        for (relative, text) in &generated.files {
            if created.get(relative.as_os_str()).map(|t| &**t) != Some(text.as_str()) {
                create_in(&self.staging, relative, text, &mut directories)?;
            }
        }
        // Directories that only held removed files go too, deepest first.
        let mut emptied = BTreeSet::new();
        for relative in created
            .keys()
            .map(Path::new)
            .filter(|p| !wanted.contains(p))
        {
            let path = self.staging.join(relative);
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, "remove", e))?;
            emptied.extend(
                relative
                    .ancestors()
                    .skip(1)
                    .filter(|a| !a.as_os_str().is_empty()),
            );
        }
        for relative in emptied.iter().rev() {
            let path = self.staging.join(relative);
            let is_empty = std::fs::read_dir(&path)
                .map_err(|e| Error::io(&path, "read directory", e))?
                .next()
                .is_none();
            if is_empty {
                std::fs::remove_dir(&path).map_err(|e| Error::io(&path, "remove", e))?;
            }
        }
        std::fs::rename(&self.staging, &self.dir).map_err(|e| Error::io(&self.dir, "create", e))?;
        Ok(WriteSummary {
            written: generated.files.len(),
            unchanged: 0,
            removed: 0,
        })
    }

    /// Closes the hand-over and waits for the writer: the files it created, with their text.
    fn wait(&mut self) -> Result<Handed, Error> {
        self.hand_over.close();
        let outcome = self.done.take().map(|done| {
            done.into_inner()
                .unwrap_or_else(PoisonError::into_inner)
                .recv()
        });
        // Taken once the writer is done: it adds the known files.
        let handed = std::mem::take(&mut self.hand_over.queue().handed);
        match outcome {
            Some(Ok(written)) => written.map(|()| handed),
            Some(Err(_)) => Err(Error::io(
                &self.staging,
                "write",
                std::io::Error::other("the writing thread panicked"),
            )),
            None => Ok(BTreeMap::new()),
        }
    }
}

impl Drop for NewCrate {
    /// Unfinished, or finished with an error: the staging directory goes (after a successful
    /// `finish` it has been renamed, and this finds nothing to remove).
    fn drop(&mut self) {
        let _ = self.wait();
        let _ = std::fs::remove_dir_all(&self.staging);
    }
}

/// The writer: makes the staging directory `root`, creates the `known` files not handed over
/// already once it may, then each batch handed over, until the hand-over closes or a file
/// fails.
fn create_handed_over<K>(root: &Path, hand_over: &HandOver, known: K) -> Result<(), Error>
where
    K: FnOnce() -> Vec<(PathBuf, String)>,
{
    let mut batch = Vec::new();
    {
        let mut queue = hand_over.queue();
        for (relative, text) in known() {
            let key = relative.clone().into_os_string();
            if let Entry::Vacant(entry) = queue.handed.entry(key) {
                batch.push((relative, Arc::clone(entry.insert(Arc::from(text)))));
            }
        }
    }
    // Left over by an interrupted run; never anything of the user's.
    let _ = std::fs::remove_dir_all(root);
    std::fs::create_dir(root).map_err(|e| Error::io(root, "create directory", e))?;
    drop(hand_over.wait_until(|queue| queue.known_go || queue.pending.len() >= BATCH));
    let mut directories = BTreeSet::new();
    loop {
        for (relative, text) in batch {
            create_in(root, &relative, &text, &mut directories)?;
        }
        batch = hand_over.next_batch();
        if batch.is_empty() {
            return Ok(());
        }
    }
}

/// Creates `relative` under `root`, making its directory first unless `directories` says it
/// was made already.
fn create_in(
    root: &Path,
    relative: &Path,
    text: &str,
    directories: &mut BTreeSet<PathBuf>,
) -> Result<(), Error> {
    let path = root.join(relative);
    if let Some(parent) = relative.parent().filter(|p| !p.as_os_str().is_empty())
        && !directories.contains(parent)
    {
        let absolute = root.join(parent);
        std::fs::create_dir_all(&absolute)
            .map_err(|e| Error::io(&absolute, "create directory", e))?;
        directories.insert(parent.to_path_buf());
    }
    create_file(&path, text).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let base =
            std::env::temp_dir().join(format!("atlas-codegen-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        std::fs::create_dir_all(&base).unwrap();
        base
    }

    /// Waits (boundedly: 5 s) for the writer to create `path` with `text`.
    fn wait_until_written(path: &Path, text: &str) {
        for _ in 0..500 {
            if std::fs::read_to_string(path).is_ok_and(|t| t == text) {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }

    /// [`wait_until_written`], then changes the file behind the writer's back.
    fn change_once_written(path: &Path, text: &str) {
        wait_until_written(path, text);
        std::fs::write(path, "changed behind the writer's back").unwrap();
    }

    /// The last text handed over of each file, as `(path, text)`.
    fn texts(handed: &Handed) -> Vec<(&Path, &str)> {
        handed.iter().map(|(p, t)| (Path::new(p), &**t)).collect()
    }

    /// The sink sends a file to the writer only when its text is new: handed over again the
    /// same, nothing is created again (the writer's copy, changed behind its back, stays);
    /// handed over with other text, it is created again; `wait` returns the last text of each.
    #[test]
    fn a_file_handed_over_again_unchanged_is_not_written_twice() {
        let base = scratch("sink");
        let mut new = NewCrate::start(&base.join("crate")).unwrap();
        let staged = new.staging.join("src/a.rs");
        {
            let sink = new.sink();
            sink(Path::new("src/a.rs"), "one");
            // A batch's worth, for the writer to be woken.
            for i in 1..BATCH {
                sink(&PathBuf::from(format!("fill/{i}.rs")), "");
            }
            change_once_written(&staged, "one");
            sink(Path::new("src/a.rs"), "one");
            sink(Path::new("b.rs"), "x");
            sink(Path::new("b.rs"), "y");
        }

        let handed = new.wait().unwrap();
        let mut texts = texts(&handed);
        texts.retain(|(path, _)| !path.starts_with("fill"));
        assert_eq!(
            texts,
            [(Path::new("b.rs"), "y"), (Path::new("src/a.rs"), "one")]
        );
        assert_eq!(
            std::fs::read_to_string(&staged).unwrap(),
            "changed behind the writer's back"
        );
        assert_eq!(
            std::fs::read_to_string(new.staging.join("b.rs")).unwrap(),
            "y"
        );
        drop(new);
        assert!(!base.join("crate.atlas-codegen-tmp").exists());
        std::fs::remove_dir_all(&base).unwrap();
    }

    /// Known files are created by the writer as if handed over first: handing one over again
    /// unchanged creates nothing more, and one handed over before the writer made the known
    /// files keeps the text it was handed over with.
    #[test]
    fn known_files_count_as_handed_over_unless_handed_over_first() {
        let base = scratch("known");
        let (go, ready) = mpsc::channel::<()>();
        let mut new = NewCrate::start_with(&base.join("crate"), move || {
            // Bounded: the test hands over `b.rs` first, then lets the writer go on.
            let _ = ready.recv_timeout(std::time::Duration::from_secs(10));
            vec![
                (PathBuf::from("src/a.rs"), "known a".to_string()),
                (PathBuf::from("b.rs"), "known b".to_string()),
            ]
        })
        .unwrap();
        {
            let sink = new.sink();
            sink(Path::new("b.rs"), "handed b");
            go.send(()).unwrap();
            new.create_known();
            let staged = new.staging.join("src/a.rs");
            change_once_written(&staged, "known a");
            sink(Path::new("src/a.rs"), "known a");
        }
        let handed = new.wait().unwrap();
        assert_eq!(
            texts(&handed),
            [
                (Path::new("b.rs"), "handed b"),
                (Path::new("src/a.rs"), "known a")
            ]
        );
        let read = |p: &str| std::fs::read_to_string(new.staging.join(p)).unwrap();
        assert_eq!(read("b.rs"), "handed b");
        assert_eq!(read("src/a.rs"), "changed behind the writer's back");
        drop(new);
        std::fs::remove_dir_all(&base).unwrap();
    }

    /// The writer creates the known files only once `create_known` lets it (or the crate is
    /// finished without it).
    #[test]
    fn known_files_wait_for_create_known() {
        let base = scratch("known-go");
        let known = || vec![(PathBuf::from("src/k.rs"), "known".to_string())];
        let new = NewCrate::start_with(&base.join("crate"), known).unwrap();
        let staged = new.staging.join("src/k.rs");
        // Time enough for a writer that did not wait to have created it.
        std::thread::sleep(std::time::Duration::from_millis(100));
        assert!(!staged.exists(), "created before create_known");
        new.create_known();
        wait_until_written(&staged, "known");
        assert_eq!(std::fs::read_to_string(&staged).unwrap(), "known");
        drop(new);

        let mut new = NewCrate::start_with(&base.join("other"), known).unwrap();
        let handed = new.wait().unwrap();
        assert_eq!(texts(&handed), [(Path::new("src/k.rs"), "known")]);
        assert_eq!(
            std::fs::read_to_string(new.staging.join("src/k.rs")).unwrap(),
            "known"
        );
        drop(new);
        std::fs::remove_dir_all(&base).unwrap();
    }
}
