//! Whether the command's memory comes in transparent huge pages.
//!
//! The allocator asks Linux for huge pages (2 MiB), and the kernel zeroes one whole the first
//! time any byte of it is touched. A small spec's generation touches a few MiB, spread over
//! several threads that each start their heap in a fresh huge page: there huge pages cost more
//! zeroing than they save page faults (about 6% of the official 8-operation subset's run, and
//! of `generated/`'s). A large spec fills the pages it touches (the official spec's `--check`
//! is 3% faster with them). So a small spec's run turns them off for its process.

use std::path::Path;

/// Specs below this size generate in small pages.
const SMALL_SPEC_BYTES: u64 = 1 << 20;

/// Turns huge pages off for the rest of this process when the spec at `spec` is small. A spec
/// that cannot be read is left to the generation to report.
pub fn fit_to_spec(spec: &Path) {
    if std::fs::metadata(spec).is_ok_and(|m| m.len() < SMALL_SPEC_BYTES) {
        disable();
    }
}

#[cfg(target_os = "linux")]
fn disable() {
    // SAFETY: PR_SET_THP_DISABLE takes integers and only sets a flag of this process (which
    // its threads and children share). A kernel without it answers EINVAL and changes
    // nothing, which only costs the speed-up.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1 as libc::c_ulong, 0, 0, 0);
    }
}

#[cfg(not(target_os = "linux"))]
fn disable() {}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    /// Whether this process has huge pages turned off.
    fn disabled() -> bool {
        // SAFETY: PR_GET_THP_DISABLE only reads the flag.
        unsafe { libc::prctl(libc::PR_GET_THP_DISABLE, 0, 0, 0, 0) == 1 }
    }

    #[test]
    fn a_small_spec_turns_huge_pages_off_and_others_do_not() {
        super::fit_to_spec(std::path::Path::new("/nonexistent/spec.yaml"));
        assert!(!disabled(), "a spec that cannot be read changes nothing");
        let spec = std::env::temp_dir().join(format!("huge-pages-{}.yaml", std::process::id()));
        let large = "#".repeat(super::SMALL_SPEC_BYTES as usize);
        std::fs::write(&spec, large).unwrap();
        super::fit_to_spec(&spec);
        assert!(!disabled(), "a large spec keeps huge pages");
        std::fs::write(&spec, "openapi: 3.0.3\n").unwrap();
        super::fit_to_spec(&spec);
        std::fs::remove_file(&spec).unwrap();
        assert!(disabled());
        // SAFETY: as in `disable`; this test is the only one that sets the flag.
        unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 0 as libc::c_ulong, 0, 0, 0) };
    }
}
