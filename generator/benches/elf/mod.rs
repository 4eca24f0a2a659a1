//! Reading an ELF header: whether the command measured against the peer is built as
//! `cargo build-codegen` says (shared by the bench and `tests/cli.rs`).

/// Whether `elf` is a 64-bit little-endian ELF executable of fixed address (`ET_EXEC`, not a
/// position-independent `ET_DYN`) with no program interpreter (no dynamic loader).
pub fn is_static_executable(elf: &[u8]) -> bool {
    let u16_at = |at: usize| {
        elf.get(at..at + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
    };
    let u64_at = |at: usize| {
        elf.get(at..at + 8)
            .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
    };
    const ET_EXEC: u16 = 2;
    const PT_INTERP: u32 = 3;
    if !elf.starts_with(b"\x7fELF\x02\x01") || u16_at(16) != Some(ET_EXEC) {
        return false;
    }
    let (Some(table), Some(size), Some(count)) = (u64_at(32), u16_at(54), u16_at(56)) else {
        return false;
    };
    // Each entry's type, or `None` past the end of the file (a cut file is not an executable).
    let entry_type = |entry: u64| {
        let at = usize::try_from(table.checked_add(entry.checked_mul(u64::from(size))?)?).ok()?;
        let bytes = elf.get(at..at.checked_add(4)?)?;
        Some(u32::from_le_bytes(bytes.try_into().ok()?))
    };
    (0..u64::from(count)).all(|entry| entry_type(entry).is_some_and(|kind| kind != PT_INTERP))
}
