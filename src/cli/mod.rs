//! The CLI's commands, one module each, and what they share: option parsing (`opts`), reading
//! data files with their size checked first (`files`), and JSON lines of finite numbers (`line`).

pub mod bench;
pub mod eval;
pub mod files;
pub mod fixture;
pub mod line;
pub mod manifold;
pub mod opts;
pub mod train;

/// Every CLI error is a sentence for the terminal.
pub type CliResult<T> = Result<T, String>;
