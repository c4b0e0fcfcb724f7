//! The crate's one error type. Every fallible engine call returns `Result<T, Error>`; the wasm
//! façade turns it into a `JsError` whose message the page shows beside the offending control.

use std::fmt;

/// What went wrong, with a message meant for a person (it is shown in the UI as is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Bytes that are not what they claim to be (IDX files, gzip streams, fixture files).
    Data(String),
    /// A setting out of its range (learning rate, code size, batch size, ...).
    Config(String),
    /// Arrays whose shapes do not fit together.
    Shape(String),
    /// Training produced NaN or infinite numbers; the model was put back as it was before the step.
    Diverged(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Data(m) | Error::Config(m) | Error::Shape(m) | Error::Diverged(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

/// Shorthand used across the engine.
pub type Result<T> = std::result::Result<T, Error>;
