//! A temporary file of JSON lines: findings written as they are found and read back once, in the
//! same order, when the document that lists them is written (so memory does not grow with them).

use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, BufWriter, Seek, Write};
use std::path::PathBuf;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// A temporary file of JSON lines, removed when dropped.
#[derive(Debug)]
pub(crate) struct Spool {
    path: PathBuf,
    file: BufWriter<File>,
    lines: usize,
}

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

impl Spool {
    /// A new, empty spool in the system's temporary directory.
    pub(crate) fn create() -> io::Result<Spool> {
        let dir = std::env::temp_dir();
        for attempt in 0..100u32 {
            let path = dir.join(format!(
                "capi-{}-{}-{attempt}.jsonl",
                std::process::id(),
                fastrand::u32(..)
            ));
            match File::options()
                .read(true)
                .write(true)
                .create_new(true)
                .open(&path)
            {
                Ok(file) => {
                    return Ok(Spool {
                        path,
                        file: BufWriter::new(file),
                        lines: 0,
                    });
                }
                Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {}
                Err(error) => return Err(error),
            }
        }
        Err(io::Error::other("cannot create a temporary file"))
    }

    /// Appends `item` as one line of JSON.
    pub(crate) fn push(&mut self, item: &impl Serialize) -> io::Result<()> {
        serde_json::to_writer(&mut self.file, item).map_err(io::Error::other)?;
        self.file.write_all(b"\n")?;
        self.lines += 1;
        Ok(())
    }

    /// Each line written, as its JSON text, in order.
    pub(crate) fn texts(&mut self) -> io::Result<impl Iterator<Item = io::Result<String>> + '_> {
        self.file.flush()?;
        let file = self.file.get_mut();
        file.rewind()?;
        Ok(BufReader::new(file).lines().take(self.lines))
    }

    /// Each item written, read back, in order.
    pub(crate) fn items<T: DeserializeOwned>(
        &mut self,
    ) -> io::Result<impl Iterator<Item = io::Result<T>> + '_> {
        Ok(self
            .texts()?
            .map(|text| serde_json::from_str(&text?).map_err(io::Error::other)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_pushed_reads_back_in_order_and_the_file_goes_with_the_spool() {
        let mut spool = Spool::create().unwrap();
        for n in 0..1000u32 {
            spool.push(&(n, format!("item {n}"))).unwrap();
        }
        let back: Vec<(u32, String)> = spool.items().unwrap().map(Result::unwrap).collect();
        assert_eq!(back.len(), 1000);
        assert_eq!(back[999], (999, "item 999".to_owned()));
        let path = spool.path.clone();
        assert!(path.exists());
        drop(spool);
        assert!(!path.exists());
    }
}
