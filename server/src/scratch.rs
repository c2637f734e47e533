//! Work folders that nothing leaves behind: an upload being received, an
//! archive being unpacked.
//!
//! Each folder holds a lock file, locked while its owner lives. A folder left
//! by a process that was killed is found by [`sweep`] at the next start (by
//! any server sharing the data directory) and removed, and a folder still in
//! use by a live process is never touched: its lock cannot be taken.

use std::fs::{self, File, TryLockError};
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The lock file inside every work folder.
const LOCK: &str = ".sidelot-lock";

/// A folder without a lock file this young may be one being made.
const GRACE: Duration = Duration::from_secs(60);

/// A work folder, removed when dropped unless kept.
#[derive(Debug)]
pub struct Scratch {
    path: PathBuf,
    lock: Option<File>,
}

impl Scratch {
    /// Makes a new folder `root/<prefix><random>` and locks it.
    pub fn new_in(root: &Path, prefix: &str) -> io::Result<Scratch> {
        fs::create_dir_all(root)?;
        let path = tempfile::Builder::new()
            .prefix(prefix)
            .tempdir_in(root)?
            .keep();
        let lock = File::create(path.join(LOCK))?;
        lock.lock()?;
        Ok(Scratch {
            path,
            lock: Some(lock),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Keeps the folder: its files now belong to a record that says where
    /// they are (a queued import job). It is unlocked, so [`sweep`] removes
    /// it once `in_use` no longer claims it.
    pub fn keep(mut self) -> PathBuf {
        self.lock = None;
        std::mem::take(&mut self.path)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if self.lock.is_some() {
            let _ = fs::remove_dir_all(&self.path);
        }
    }
}

/// The folders under `root` whose names start with `prefix` and that no
/// live process holds. A folder that cannot be judged (another user's, say)
/// is not among them.
///
/// A folder is unlocked only after the record claiming it was written, so a
/// caller that must keep claimed folders looks up its records after this.
pub fn leftovers(root: &Path, prefix: &str) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(root) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|entry| {
            let named = entry
                .file_name()
                .to_str()
                .is_some_and(|n| n.starts_with(prefix));
            named && entry.file_type().is_ok_and(|t| t.is_dir())
        })
        .map(|entry| entry.path())
        .filter(|path| !held(path).unwrap_or(true))
        .collect()
}

/// Removes every leftover folder under `root` named with `prefix`; answers
/// how many went.
pub fn sweep(root: &Path, prefix: &str) -> usize {
    leftovers(root, prefix)
        .iter()
        .filter(|path| fs::remove_dir_all(path).is_ok())
        .count()
}

/// Whether a live process holds the folder, or may be making it.
fn held(folder: &Path) -> io::Result<bool> {
    match File::open(folder.join(LOCK)) {
        Ok(lock) => match lock.try_lock() {
            Ok(()) => Ok(false),
            Err(TryLockError::WouldBlock) => Ok(true),
            Err(TryLockError::Error(e)) => Err(e),
        },
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let modified = fs::metadata(folder)?.modified()?;
            let age = SystemTime::now()
                .duration_since(modified)
                .unwrap_or_default();
            Ok(age < GRACE)
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_folder_is_kept_and_a_dead_one_swept() {
        let root = tempfile::tempdir().unwrap();
        let live = Scratch::new_in(root.path(), "work-").unwrap();
        fs::write(live.path().join("big"), b"data").unwrap();
        // A folder a killed process left: its lock file is there, unlocked.
        let dead = Scratch::new_in(root.path(), "work-").unwrap().keep();
        // Another program's folder.
        fs::create_dir(root.path().join("other")).unwrap();

        assert_eq!(leftovers(root.path(), "work-"), std::slice::from_ref(&dead));
        assert_eq!(sweep(root.path(), "work-"), 1);
        assert!(!dead.exists());
        assert!(live.path().join("big").exists());
        assert!(root.path().join("other").exists());

        let path = live.path().to_owned();
        drop(live);
        assert!(!path.exists(), "a dropped folder is removed");
    }

    #[test]
    fn a_young_folder_without_its_lock_may_be_being_made() {
        let root = tempfile::tempdir().unwrap();
        fs::create_dir(root.path().join("work-new")).unwrap();
        assert_eq!(sweep(root.path(), "work-"), 0);
        assert_eq!(sweep(&root.path().join("absent"), "work-"), 0);
    }
}
