//! Zip archives as analysts receive them: unpacked safely into a private
//! work folder, then read like the files they hold.
//!
//! An archive is checked whole before anything is written: no entry may
//! point outside it, and it may not unpack to more than [`MAX_UNPACKED_BYTES`]
//! or, once past [`RATIO_FLOOR_BYTES`], to more than [`MAX_RATIO`] times its
//! own size (a zip bomb). While unpacking, no entry may grow past the size
//! it declares.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};

use super::ImportError;
use crate::scratch::Scratch;

/// Refuse archives that would unpack to more than this: 16 times the
/// largest upload, and well beyond any county's parcels.
pub const MAX_UNPACKED_BYTES: u64 = 8 * 1024 * 1024 * 1024;

/// Refuse archives that grow more than this many times their size...
pub const MAX_RATIO: u64 = 100;

/// ...once they unpack to more than this (small files may compress well).
pub const RATIO_FLOOR_BYTES: u64 = 64 * 1024 * 1024;

/// The names of the work folders archives are unpacked into.
pub const WORK_PREFIX: &str = "sidelot-import-";

/// An unpacked archive; the folder goes when this is dropped.
pub struct Unpacked {
    _dir: Scratch,
    /// The one layer found inside: a .shp, .geojson or .json file.
    pub layer: PathBuf,
}

/// Unpacks `zip_path` into a new work folder under `work_root`.
pub fn unpack(zip_path: &Path, work_root: &Path) -> Result<Unpacked, ImportError> {
    // Messages name the file as the analyst knows it, never a server path.
    let name = zip_path.file_name().map_or_else(
        || "The archive".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    let file = File::open(zip_path).map_err(|e| ImportError::file(format!("{name}: {e}")))?;
    let packed = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut archive = zip::ZipArchive::new(file)
        .map_err(|e| ImportError::file(format!("{name} is not a readable zip archive: {e}")))?;
    // Check every entry before writing anything.
    let mut total = 0u64;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| ImportError::file(format!("{name}: entry {}: {e}", i + 1)))?;
        if entry.enclosed_name().is_none() {
            return Err(ImportError::file(format!(
                "{name} holds an entry {:?} that points outside the archive (an absolute or ../ path): refusing the whole archive",
                entry.name()
            )));
        }
        total = total.saturating_add(entry.size());
    }
    check_growth(&name, packed, total)?;
    // The server's own trouble (a full disk, a folder it may not write):
    // logged, and told to the analyst without its paths.
    let no_room = |e: io::Error| {
        tracing::error!(error = %e, "cannot unpack an archive into its work folder");
        ImportError::file(format!(
            "{name} could not be unpacked: the server has no room to work. Tell the site's operators."
        ))
    };
    let dir = Scratch::new_in(work_root, WORK_PREFIX).map_err(no_room)?;
    let mut layers = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .map_err(|e| ImportError::file(format!("{name}: entry {}: {e}", i + 1)))?;
        let Some(rel) = entry.enclosed_name() else {
            continue;
        };
        if entry.is_dir() || rel.starts_with("__MACOSX") {
            continue;
        }
        let target = dir.path().join(&rel);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(no_room)?;
        }
        let mut out = File::create(&target).map_err(no_room)?;
        // Never more than the entry declared, whatever its data says.
        let declared = entry.size();
        let written =
            io::copy(&mut io::Read::take(&mut entry, declared + 1), &mut out).map_err(|e| {
                ImportError::file(format!("{name}: entry {:?} is damaged: {e}", rel.display()))
            })?;
        if written > declared {
            return Err(ImportError::file(format!(
                "{name}: entry {:?} holds more than the {declared} bytes it declares: refusing the whole archive",
                rel.display()
            )));
        }
        let ext = rel
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        if matches!(ext.as_deref(), Some("shp" | "geojson" | "json")) {
            layers.push(target);
        }
    }
    match layers.len() {
        1 => Ok(Unpacked {
            layer: layers.remove(0),
            _dir: dir,
        }),
        0 => Err(ImportError::file(format!(
            "{name} holds no .shp, .geojson or .json file"
        ))),
        _ => {
            let list: Vec<String> = layers
                .iter()
                .filter_map(|p| p.strip_prefix(dir.path()).ok())
                .map(|p| p.display().to_string())
                .collect();
            Err(ImportError::file(format!(
                "{name} holds several layers ({}): unpack it and import one at a time",
                list.join(", ")
            )))
        }
    }
}

/// Refuses an archive of `packed` bytes that would unpack to `total`.
fn check_growth(name: &str, packed: u64, total: u64) -> Result<(), ImportError> {
    let mb = |b: u64| b.div_ceil(1024 * 1024);
    if total > MAX_UNPACKED_BYTES {
        return Err(ImportError::file(format!(
            "{name} would unpack to {} MB, more than the {} MB allowed: split it, or send it as a shapefile",
            mb(total),
            mb(MAX_UNPACKED_BYTES)
        )));
    }
    if total > RATIO_FLOOR_BYTES && total / packed.max(1) > MAX_RATIO {
        return Err(ImportError::file(format!(
            "{name} would unpack to {} MB, {} times its own size: real parcel files never grow this much, so it was not unpacked",
            mb(total),
            total / packed.max(1)
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn growth_is_bounded_in_size_and_ratio() {
        let mb = 1024 * 1024;
        // A shapefile compresses a few times: fine.
        assert!(check_growth("a.zip", 100 * mb, 400 * mb).is_ok());
        // A small, very compressible file: fine.
        assert!(check_growth("a.zip", 1024, 60 * mb).is_ok());
        // 3 MB that would be 3 GB.
        let bomb = check_growth("bomb.zip", 3 * mb, 3100 * mb).unwrap_err();
        assert!(
            bomb.to_string().contains("1033 times its own size"),
            "{bomb}"
        );
        let huge = check_growth("big.zip", 500 * mb, 9000 * mb).unwrap_err();
        assert!(
            huge.to_string().contains("more than the 8192 MB allowed"),
            "{huge}"
        );
    }
}
